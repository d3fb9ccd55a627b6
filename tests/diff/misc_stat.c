/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newfstatat(2) on the host's fstatat: AT_EMPTY_PATH (glibc's fstat),
 * AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, sync flags, every errno, and the
 * struct checked against a second, differently-made stat of the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static struct stat st;

static long
show(const char *what, long r)
{
	if (r < 0)
		printf("newfstatat(%s) = -1 %s\n", what,
		    strerrorname_np(errno));
	else
		printf("newfstatat(%s) = %ld\n", what, r);
	return r;
}

static long
nfs(int dfd, const char *path, void *buf, int flags)
{
	return syscall(SYS_newfstatat, dfd, path, buf, flags);
}

static const char *
type(mode_t m)
{
	return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" :
	    S_ISCHR(m) ? "chr" : S_ISFIFO(m) ? "fifo" : S_ISSOCK(m) ? "sock" :
	    "other";
}

/* Deterministic facts, and agreement with what open+read tell. */
static void
describe(const struct stat *s)
{
	printf("  type=%s perm=%04o nlink=%lu size=%lld uid=%u rdev=%u:%u\n",
	    type(s->st_mode), s->st_mode & 07777, (unsigned long)s->st_nlink,
	    S_ISREG(s->st_mode) ? (long long)s->st_size : -1LL, s->st_uid,
	    major(s->st_rdev), minor(s->st_rdev));
}

int
main(void)
{
	struct stat a, b;
	int f, dir;
	char *bad = (char *)1;

	f = open("file", O_RDWR | O_CREAT, 0640);
	write(f, "twelve bytes", 12);
	symlink("file", "link");
	mkdir("sub", 0750);
	mkfifo("fifo", 0600);
	dir = open("sub", O_RDONLY | O_DIRECTORY);

	if (show("file", nfs(AT_FDCWD, "file", &st, 0)) == 0)
		describe(&st);
	if (show("link, follow", nfs(AT_FDCWD, "link", &st, 0)) == 0)
		describe(&st);
	if (show("link, NOFOLLOW", nfs(AT_FDCWD, "link", &st,
	    AT_SYMLINK_NOFOLLOW)) == 0)
		describe(&st);
	if (show("dir", nfs(AT_FDCWD, "sub", &st, AT_NO_AUTOMOUNT)) == 0)
		describe(&st);
	if (show("fifo", nfs(AT_FDCWD, "fifo", &st, 0)) == 0)
		describe(&st);
	if (show("/dev/null", nfs(AT_FDCWD, "/dev/null", &st, 0)) == 0)
		describe(&st);
	if (show("relative to dirfd", nfs(dir, "..", &st, 0)) == 0)
		describe(&st);
	show("sync flags", nfs(AT_FDCWD, "file", &st, 0x6000));
	/* AT_EMPTY_PATH: glibc's fstat(), and the same inode as by name. */
	show("fd, \"\", AT_EMPTY_PATH", nfs(f, "", &a, AT_EMPTY_PATH));
	show("fd, NULL, AT_EMPTY_PATH", nfs(f, NULL, &b, AT_EMPTY_PATH));
	nfs(AT_FDCWD, "file", &st, 0);
	printf("  same inode: %s, same mtime: %s\n",
	    a.st_ino == st.st_ino && b.st_ino == st.st_ino ? "yes" : "no",
	    a.st_mtim.tv_nsec == st.st_mtim.tv_nsec &&
	    a.st_mtim.tv_sec == st.st_mtim.tv_sec ? "yes" : "no");
	fstat(f, &a);
	printf("  glibc fstat size: %lld\n", (long long)a.st_size);
	show("fd, \"\", AT_EMPTY_PATH|bad flag", nfs(f, "", &a,
	    AT_EMPTY_PATH | 0x80000));
	show("AT_FDCWD, \"\", AT_EMPTY_PATH", nfs(AT_FDCWD, "", &a,
	    AT_EMPTY_PATH));
	show("AT_FDCWD, NULL, AT_EMPTY_PATH", nfs(AT_FDCWD, NULL, &b,
	    AT_EMPTY_PATH));
	nfs(AT_FDCWD, ".", &st, 0);
	printf("  cwd: %s\n", a.st_ino == st.st_ino ? "yes" : "no");
	show("fd, NULL, no flag", nfs(f, NULL, &a, 0));
	show("-5, \"\", AT_EMPTY_PATH", nfs(-5, "", &a, AT_EMPTY_PATH));
	show("-5, bad path, AT_EMPTY_PATH", nfs(-5, bad, &a, AT_EMPTY_PATH));
	show("-5, bad path, bad flag", nfs(-5, bad, &a, 0x80000));
	show("bad path, bad flag", nfs(AT_FDCWD, bad, &a, 0x80000));
	show("bad path", nfs(AT_FDCWD, bad, &a, 0));
	show("bad flag AT_REMOVEDIR", nfs(AT_FDCWD, "file", &a,
	    AT_REMOVEDIR));
	show("missing, bad buf", nfs(AT_FDCWD, "nope", (void *)1, 0));
	show("bad buf", nfs(AT_FDCWD, "file", (void *)1, 0));
	show("\"\" without AT_EMPTY_PATH", nfs(AT_FDCWD, "", &a, 0));
	show("closed dirfd, relative", nfs(999, "x", &a, 0));
	show("closed dirfd, absolute", nfs(999, "/etc/passwd", &a, 0));
	show("closed fd, AT_EMPTY_PATH", nfs(999, "", &a, AT_EMPTY_PATH));
	show("file as dirfd", nfs(f, "x", &a, 0));
	show("missing", nfs(AT_FDCWD, "nope", &a, 0));
	show("missing dir component", nfs(AT_FDCWD, "file/x", &a, 0));
	{
		static char longp[5000];

		memset(longp, 'a', sizeof(longp) - 1);
		show("name too long", nfs(AT_FDCWD, longp, &a, 0));
		for (size_t i = 0; i < 3000; i += 2)
			memcpy(longp + i, "./", 2);
		strcpy(longp + 3000, "file");
		show("3000-byte path", nfs(AT_FDCWD, longp, &a, 0));
	}
	return 0;
}
