/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An inotify watch never keeps its file system mounted.  A tmpfs is
 * mounted under the working directory, watched (its root, a directory
 * and a file in it, one instance each so that each reads its own order),
 * and the directory that holds the mount point is watched too:
 *  - umount while a file in it is open fails with EBUSY, and the watches
 *    go on reporting;
 *  - once it is closed, umount succeeds and each watch on the tmpfs gets
 *    IN_UNMOUNT then IN_IGNORED; the outer directory's watch goes on.
 * Needs root (CAP_SYS_ADMIN); without it both runs print the same EPERM.
 */
#include <sys/mount.h>

#include "inotify_common.h"

int
main(void)
{
	int root, sub, file, outer, f, r;

	CHECK(mkdir("m", 0755));
	if (mount("lxtest", "m", "tmpfs", 0, "size=1m") < 0) {
		printf("mount: %s\n", strerror(errno));
		return 0;
	}
	CHECK(mkdir("m/sub", 0755));
	put_file("m/f", "f");
	CHECK(root = inotify_init1(IN_NONBLOCK));
	CHECK(sub = inotify_init1(IN_NONBLOCK));
	CHECK(file = inotify_init1(IN_NONBLOCK));
	CHECK(outer = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(root, "m", IN_ALL_EVENTS));
	CHECK(inotify_add_watch(sub, "m/sub", IN_CREATE));
	CHECK(inotify_add_watch(file, "m/f", IN_ATTRIB));
	CHECK(inotify_add_watch(outer, ".", IN_CREATE | IN_DELETE | IN_ATTRIB));

	CHECK(f = open("m/f", O_RDONLY));
	errno = 0;
	r = umount("m");
	printf("umount with m/f open: %d %s\n", r, r < 0 ? strerror(errno) : "");
	CHECK(chmod("m/f", 0600));
	put_file("m/sub/new", NULL);
	drain(root, "root watch, after the failed umount");
	drain(sub, "sub watch");
	drain(file, "file watch");
	close(f);
	drain(root, "root watch, f closed");

	errno = 0;
	r = umount("m");
	printf("umount: %d %s\n", r, r < 0 ? strerror(errno) : "");
	drain(root, "root watch");
	drain(sub, "sub watch");
	drain(file, "file watch");
	CHECK(chmod("m", 0700));
	put_file("after", NULL);
	drain(outer, "the outer directory's watch goes on");
	if (r < 0)
		umount2("m", MNT_DETACH);
	return 0;
}
