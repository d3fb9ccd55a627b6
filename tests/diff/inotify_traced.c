/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Everything a traced process does in a watched directory, with every
 * event asked for, each step read alone and then several steps read at
 * once (Linux queues each event from inside the call; so must lxrun):
 * the creating open's IN_CREATE then IN_OPEN, write, close, open + read +
 * close of an existing file, O_TRUNC, chmod, utimensat, setxattr, a
 * rename inside, into and out of the directory (a lone IN_MOVED_TO or
 * IN_MOVED_FROM when the other side is not watched), RENAME_EXCHANGE,
 * link, symlink, mknod, mkdir, a listing of a subdirectory, rmdir, the
 * rename of the watched directory itself, unlink, and names padded to 16
 * bytes.  A second watch on one file with another mask: each gets what
 * its own mask asks for, the directory's event before the file's.
 */
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "inotify_common.h"

/* Print the events with their record lengths (names padded as Linux). */
static void
drain_len(int fd, const char *label)
{
	char buf[65536] __attribute__((aligned(8)));
	const struct inotify_event *e;
	ssize_t n;

	printf("%s:\n", label);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)(void *)p;
			print_event(e);
			if (e->len > 0)
				printf("    len %u\n", e->len);
		}
}

int
main(void)
{
	int fd, wd, wf, wo, f;
	char buf[4096];
	struct timespec ts[2] = { { 5, 0 }, { 6, 0 } };

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("out", 0755));
	put_file("d/existing", "0123456789");
	put_file("d/other", "x");
	put_file("out/stranger", "s");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	/* Another watch on one file, with another mask. */
	CHECK(wf = inotify_add_watch(fd, "d/existing", IN_OPEN |
	    IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF));
	printf("wd %d wf %d\n", wd, wf);

	CHECK(f = open("d/new", O_WRONLY | O_CREAT, 0644));
	drain_len(fd, "creat new");
	CHECK(write(f, "hello", 5));
	drain(fd, "write new");
	close(f);
	drain(fd, "close new");
	CHECK(f = open("d/existing", O_RDONLY));
	CHECK(read(f, buf, 4));
	close(f);
	drain(fd, "open+read+close existing (dir and file watch)");
	CHECK(f = open("d/existing", O_RDWR | O_TRUNC));
	CHECK(write(f, "abc", 3));
	close(f);
	drain(fd, "O_TRUNC, write, close existing");
	CHECK(chmod("d/existing", 0600));
	drain(fd, "chmod existing");
	CHECK(utimensat(AT_FDCWD, "d/existing", ts, 0));
	drain(fd, "utimensat existing");
	if (setxattr("d/existing", "user.lx", "1", 1, 0) == 0)
		drain(fd, "setxattr existing");
	else
		printf("setxattr: %s\n", strerror(errno));
	CHECK(rename("d/new", "d/renamed"));
	drain(fd, "rename new renamed");
	CHECK(rename("out/stranger", "d/in"));
	drain(fd, "rename from an unwatched directory");
	CHECK(rename("d/in", "out/gone"));
	drain(fd, "rename to an unwatched directory");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "d/renamed", AT_FDCWD,
	    "d/other", 2 /* RENAME_EXCHANGE */));
	drain(fd, "exchange renamed other");
	CHECK(link("d/other", "d/hard"));
	drain(fd, "link other hard");
	CHECK(symlink("other", "d/sym"));
	drain(fd, "symlink sym");
	CHECK(mknod("d/fifo", S_IFIFO | 0644, 0));
	drain(fd, "mknod fifo");
	CHECK(mkdir("d/sub", 0755));
	drain(fd, "mkdir sub");
	CHECK(f = open("d/sub", O_RDONLY | O_DIRECTORY));
	CHECK(syscall(SYS_getdents64, f, buf, sizeof(buf)));
	close(f);
	drain(fd, "list sub");
	CHECK(rmdir("d/sub"));
	drain(fd, "rmdir sub");
	CHECK(unlink("d/hard"));
	drain(fd, "unlink hard (a link remains)");
	CHECK(unlink("d/existing"));
	drain(fd, "unlink existing (its own watch ends)");

	/* Several steps, one read: the order is each call's. */
	CHECK(f = open("d/batch-with-a-long-name", O_RDWR | O_CREAT, 0644));
	CHECK(write(f, "1", 1));
	CHECK(lseek(f, 0, SEEK_SET));
	CHECK(read(f, buf, 1));
	CHECK(write(f, "2", 1));
	close(f);
	CHECK(chmod("d/batch-with-a-long-name", 0600));
	CHECK(rename("d/batch-with-a-long-name", "d/b"));
	CHECK(unlink("d/b"));
	CHECK(mkdir("d/x", 0700));
	CHECK(rmdir("d/x"));
	put_file("d/quick", "q");
	CHECK(unlink("d/quick"));
	drain_len(fd, "many steps, one read");

	/* The watched directory itself, renamed and removed. */
	CHECK(wo = inotify_add_watch(fd, ".", IN_MOVE | IN_CREATE | IN_DELETE));
	CHECK(rename("d", "d2"));
	drain(fd, "rename the watched directory");
	CHECK(unlink("d2/other"));
	CHECK(unlink("d2/renamed"));
	CHECK(unlink("d2/sym"));
	CHECK(unlink("d2/fifo"));
	drain(fd, "empty it");
	CHECK(rmdir("d2"));
	drain(fd, "rmdir it");
	CHECK(inotify_rm_watch(fd, wo));
	drain(fd, "rm_watch .");
	return 0;
}
