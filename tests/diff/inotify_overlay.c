/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Watches on an overlayfs directory and file that are in the lower layer
 * only: they keep reporting after the file is copied up (a chmod through
 * the overlay) and after the kernel drops its dentry and inode caches
 * (echo 2 > /proc/sys/vm/drop_caches), and end with IN_UNMOUNT when the
 * overlay is unmounted.  Needs root; without it both runs print the same
 * error.
 */
#include <sys/mount.h>

#include "inotify_common.h"

static void
drop_caches(void)
{
	int f = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (f < 0 || write(f, "2", 1) != 1)
		printf("drop_caches: %s\n", strerror(errno));
	if (f >= 0)
		close(f);
}

int
main(void)
{
	int fd, f, r;

	CHECK(mkdir("lower", 0755));
	CHECK(mkdir("lower/dir", 0755));
	put_file("lower/dir/f", "lower");
	CHECK(mkdir("upper", 0755));
	CHECK(mkdir("work", 0755));
	CHECK(mkdir("merged", 0755));
	if (mount("overlay", "merged", "overlay", 0,
	    "lowerdir=lower,upperdir=upper,workdir=work") < 0) {
		printf("mount: %s\n", strerror(errno));
		return 0;
	}
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	printf("watch dir %d\n", inotify_add_watch(fd, "merged/dir",
	    IN_ALL_EVENTS));
	printf("watch f %d\n", inotify_add_watch(fd, "merged/dir/f",
	    IN_ALL_EVENTS));

	CHECK(chmod("merged/dir/f", 0600));
	drain(fd, "chmod f through the overlay (copy-up)");
	drop_caches();
	CHECK(f = open("merged/dir/f", O_WRONLY | O_APPEND));
	CHECK(write(f, "+", 1));
	close(f);
	drain(fd, "after drop_caches: append to f");
	put_file("merged/dir/new", "n");
	drain(fd, "create new in dir");
	drop_caches();
	CHECK(rename("merged/dir/new", "merged/dir/new2"));
	CHECK(unlink("merged/dir/new2"));
	CHECK(chmod("merged/dir/f", 0644));
	drain(fd, "after drop_caches again: rename, unlink, chmod");
	errno = 0;
	r = umount("merged");
	printf("umount: %d %s\n", r, r < 0 ? strerror(errno) : "");
	drain(fd, "umount");
	if (r < 0)
		umount2("merged", MNT_DETACH);
	return 0;
}
