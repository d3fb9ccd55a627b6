/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The events of create / write / close / chmod / rename / unlink / mkdir /
 * rmdir in a watched directory, each operation's events read before the
 * next operation, with every event asked for (the creating open's
 * IN_CREATE then IN_OPEN included).  inotify_traced.c reads several
 * operations at once.
 */
#include "inotify_common.h"

int
main(void)
{
	int fd, wd, fd2;
	char buf[16];

	CHECK(mkdir("d", 0755));
	CHECK(fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	printf("wd %d\n", wd);
	drain(fd, "nothing yet");

	CHECK(fd2 = open("d/a", O_WRONLY | O_CREAT, 0644));
	drain(fd, "create a");
	CHECK(write(fd2, "hello", 5));
	drain(fd, "write a");
	CHECK(write(fd2, "hello", 5));
	CHECK(write(fd2, "hello", 5));
	drain(fd, "write a twice (coalesced)");
	close(fd2);
	drain(fd, "close a");
	CHECK(chmod("d/a", 0600));
	drain(fd, "chmod a");
	CHECK(fd2 = open("d/a", O_RDONLY));
	drain(fd, "open a");
	CHECK(read(fd2, buf, sizeof(buf)));
	drain(fd, "read a");
	close(fd2);
	drain(fd, "close a (read-only)");
	CHECK(rename("d/a", "d/b"));
	drain(fd, "rename a b");
	CHECK(link("d/b", "d/c"));
	drain(fd, "link b c");
	CHECK(unlink("d/c"));
	drain(fd, "unlink c");
	CHECK(truncate("d/b", 0));
	drain(fd, "truncate b");
	CHECK(unlink("d/b"));
	drain(fd, "unlink b");
	CHECK(mkdir("d/sub", 0755));
	drain(fd, "mkdir sub");
	put_file("d/sub/inner", "x");
	drain(fd, "create sub/inner (not reported)");
	CHECK(chmod("d/sub", 0700));
	drain(fd, "chmod sub");
	CHECK(rename("d/sub", "d/sub2"));
	drain(fd, "rename sub sub2");
	CHECK(unlink("d/sub2/inner"));
	CHECK(rmdir("d/sub2"));
	drain(fd, "rmdir sub2");
	CHECK(symlink("target", "d/ln"));
	drain(fd, "symlink ln");
	CHECK(unlink("d/ln"));
	drain(fd, "unlink ln");
	CHECK(inotify_rm_watch(fd, wd));
	drain(fd, "rm_watch");
	errno = 0;
	printf("rm_watch again: %d", inotify_rm_watch(fd, wd));
	printf(" %s\n", strerror(errno));
	return 0;
}
