/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newfstatat and statx with a path: lxrun looks paths up itself when it
 * can be sure to see what the guest sees, and otherwise runs the host's
 * fstatat in the guest.  Each case here must give the guest's answer:
 * relative to the cwd (after chdir) and to a dirfd, absolute, symlinks
 * followed or not, /proc/self and /dev/fd/N (which a lookup by lxrun would
 * resolve to lxrun itself), /proc/self/cwd/..., errors (ENOENT, ENOTDIR,
 * ELOOP, ENAMETOOLONG), EACCES once the process has dropped to nobody
 * (credentials differ from lxrun's, and setuid must be noticed), and a
 * chroot'ed child (a root that differs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
check(const char *what, int dfd, const char *path, int flags,
    const struct stat *want)
{
	struct stat st;
	struct statx x;
	int r = fstatat(dfd, path, &st, flags);
	int e = errno;
	int rx = statx(dfd, path, flags, STATX_BASIC_STATS, &x);
	int ex = errno;

	if (r < 0) {
		printf("%s: %s / statx %s\n", what, strerrorname_np(e),
		    rx < 0 ? strerrorname_np(ex) : "ok?");
		return;
	}
	printf("%s: ok mode %o size %lld%s%s\n", what, st.st_mode,
	    S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL,
	    want == NULL ? "" : (st.st_ino == want->st_ino &&
	    st.st_dev == want->st_dev ? " same file" : " OTHER FILE"),
	    rx == 0 && x.stx_ino == st.st_ino && x.stx_mode == st.st_mode ?
	    "" : " statx differs");
}

int
main(void)
{
	char dir[] = "/tmp/lxstatXXXXXX", path[4200];
	struct stat here, self, fd3;
	int dfd, fd;
	pid_t pid;

	if (mkdtemp(dir) == NULL || chdir(dir) < 0)
		return 1;
	if ((fd = open("file", O_CREAT | O_WRONLY, 0640)) < 0 ||
	    write(fd, "hello", 5) != 5)
		return 1;
	close(fd);
	mkdir("sub", 0755);
	mkdir("locked", 0700);
	close(open("locked/inside", O_CREAT | O_WRONLY, 0644));
	symlink("file", "link");
	symlink("loop", "loop");
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	close(open("sub/x", O_CREAT | O_WRONLY, 0600));

	check("relative", AT_FDCWD, "file", 0, NULL);
	check("dirfd", dfd, "x", 0, NULL);
	check("dirfd ..", dfd, "../file", 0, NULL);
	snprintf(path, sizeof(path), "%s/file", dir);
	check("absolute", AT_FDCWD, path, 0, NULL);
	check("symlink followed", AT_FDCWD, "link", 0, NULL);
	check("symlink not followed", AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW,
	    NULL);
	chdir("sub");
	check("after chdir", AT_FDCWD, "x", 0, NULL);
	chdir("..");

	stat(".", &here);
	check("/proc/self/cwd/.", AT_FDCWD, "/proc/self/cwd/.", 0, &here);
	fd = open("file", O_RDONLY);
	fstat(fd, &fd3);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	check("/dev/fd/N", AT_FDCWD, path, 0, &fd3);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	check("/proc/self/fd/N", AT_FDCWD, path, 0, &fd3);
	fd = open("/proc/self/status", O_RDONLY);
	fstat(fd, &self);
	check("/proc/self/status", AT_FDCWD, "/proc/self/status", 0, &self);

	check("missing", AT_FDCWD, "nothing", 0, NULL);
	check("not a dir", AT_FDCWD, "file/x", 0, NULL);
	check("loop", AT_FDCWD, "loop", 0, NULL);
	check("dirfd not a dir", fd, "x", 0, NULL);
	check("bad dirfd", 999, "x", 0, NULL);
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	check("path too long", AT_FDCWD, path, 0, NULL);
	memset(path, 'a', 300);
	path[300] = '\0';
	check("name too long", AT_FDCWD, path, 0, NULL);
	check("locked, as root", AT_FDCWD, "locked/inside", 0, NULL);
	fflush(stdout);

	if ((pid = fork()) == 0) {
		/*
		 * A root that differs: lxrun's own lookup would be wrong.
		 * The first lookup, before chroot, lets lxrun note that it
		 * sees what this process sees; chroot must undo that.
		 */
		check("before chroot", AT_FDCWD, "file", 0, NULL);
		if (chroot(dir) < 0) {
			printf("chroot: %s\n", strerrorname_np(errno));
			fflush(stdout);
			_exit(1);
		}
		check("in chroot /file", AT_FDCWD, "/file", 0, NULL);
		check("in chroot /sub/x", AT_FDCWD, "/sub/x", 0, NULL);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	if ((pid = fork()) == 0) {
		check("before setuid", AT_FDCWD, "locked/inside", 0, NULL);
		if (setgid(65534) < 0 || setuid(65534) < 0) {
			printf("setuid: %s\n", strerrorname_np(errno));
			fflush(stdout);
			_exit(1);
		}
		check("locked, as nobody", AT_FDCWD, "locked/inside", 0, NULL);
		check("open, as nobody", AT_FDCWD, "file", 0, NULL);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);

	unlink("locked/inside");
	rmdir("locked");
	unlink("sub/x");
	rmdir("sub");
	unlink("link");
	unlink("loop");
	unlink("file");
	chdir("/");
	rmdir(dir);
	return 0;
}
