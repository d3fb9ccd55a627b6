/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files unlinked (or renamed over, or a directory removed) while open,
 * and a watch on their old directory made only afterwards: Linux gives
 * their accesses and close to that directory under the old name (the
 * open file's dentry keeps its parent), unless the watch has
 * IN_EXCL_UNLINK; and a watch whose mask changes keeps reporting such a
 * file.  lxrun did neither (found by tests/diff/inotify_random.c).
 */
#include "inotify_common.h"

int
main(void)
{
	char buf[8];
	int fd, wd, f1, f2, f3, f4;

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("d/sub", 0755));
	put_file("d/gone", "12345");
	put_file("d/over", "abc");
	put_file("d/new", "xyz");
	put_file("d/quiet", "q");
	CHECK(f1 = open("d/gone", O_RDWR));
	CHECK(f2 = open("d/sub", O_RDONLY | O_DIRECTORY));
	CHECK(f3 = open("d/over", O_RDWR));
	CHECK(f4 = open("d/quiet", O_RDONLY));
	CHECK(unlink("d/gone"));
	CHECK(rmdir("d/sub"));
	CHECK(rename("d/new", "d/over"));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	printf("wd %d\n", wd);

	if (read(f1, buf, 2) < 0 || write(f1, "w", 1) < 0)
		perror("gone");
	drain(fd, "read and write of the unlinked file");
	CHECK(close(f1));
	drain(fd, "its close");
	CHECK(close(f2));
	drain(fd, "close of the removed directory");
	if (write(f3, "v", 1) < 0)
		perror("over");
	drain(fd, "write of the file renamed over");

	/* a new mask without IN_MASK_ADD: still reported */
	CHECK(inotify_add_watch(fd, "d", IN_CLOSE | IN_OPEN));
	CHECK(close(f3));
	drain(fd, "its close, after a new mask");

	/* IN_EXCL_UNLINK: nothing about it */
	CHECK(inotify_add_watch(fd, "d", IN_ALL_EVENTS | IN_EXCL_UNLINK));
	CHECK(unlink("d/quiet"));
	drain(fd, "unlink of a file still open");
	if (read(f4, buf, 1) < 0)
		perror("quiet");
	CHECK(close(f4));
	drain(fd, "read and close with IN_EXCL_UNLINK");
	return 0;
}
