/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A watch on a file: its own events (open, modify, access, close, attrib,
 * link count, move, delete), a directory and a file watch on the same
 * change, one wd for two names of one inode, IN_MASK_ADD and replacing
 * the mask, IN_MASK_CREATE, IN_ONESHOT, IN_DONT_FOLLOW on a symlink,
 * IN_ONLYDIR, and wds that increase and are not reused.
 */
#include "inotify_common.h"

static void
show(const char *what, int r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %d\n", what, r);
}

int
main(void)
{
	int fd, wf, wd, w, f;
	char buf[8];

	CHECK(mkdir("d", 0755));
	put_file("d/f", "data");
	/* Made now: the creating open of a new entry is not compared. */
	put_file("d/m", "");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wf = inotify_add_watch(fd, "d/f", IN_ALL_EVENTS));
	printf("wf %d\n", wf);

	CHECK(f = open("d/f", O_RDWR));
	drain(fd, "open f");
	CHECK(read(f, buf, 2));
	drain(fd, "read f");
	CHECK(write(f, "xy", 2));
	drain(fd, "write f");
	close(f);
	drain(fd, "close f (written)");
	CHECK(f = open("d/f", O_RDONLY));
	close(f);
	drain(fd, "open+close f read-only (one batch)");
	CHECK(chmod("d/f", 0640));
	drain(fd, "chmod f");
	CHECK(link("d/f", "d/g"));
	drain(fd, "link f g");
	show("add_watch d/g (same inode)", inotify_add_watch(fd, "d/g",
	    IN_ATTRIB | IN_MASK_ADD));
	CHECK(unlink("d/g"));
	drain(fd, "unlink g");
	CHECK(rename("d/f", "d/f2"));
	drain(fd, "rename f f2");

	/* The directory too: both watches report one change. */
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	printf("wd %d\n", wd);
	CHECK(chmod("d/f2", 0600));
	drain(fd, "chmod f2 (dir and file watch)");
	CHECK(f = open("d/f2", O_WRONLY | O_APPEND));
	CHECK(write(f, "z", 1));
	drain(fd, "open+write f2 (dir and file watch)");
	close(f);
	drain(fd, "close f2");
	CHECK(unlink("d/f2"));
	drain(fd, "unlink f2 (last link)");

	/* Masks. */
	CHECK(w = inotify_add_watch(fd, "d/m", IN_MODIFY));
	show("add_watch m MODIFY", w);
	show("add_watch m ATTRIB (replace)", inotify_add_watch(fd, "d/m",
	    IN_ATTRIB));
	CHECK(truncate("d/m", 1));
	CHECK(chmod("d/m", 0600));
	drain(fd, "truncate+chmod m, mask ATTRIB");
	show("add_watch m MODIFY|MASK_ADD", inotify_add_watch(fd, "d/m",
	    IN_MODIFY | IN_MASK_ADD));
	CHECK(truncate("d/m", 2));
	drain(fd, "truncate m, mask ATTRIB|MODIFY");
	show("add_watch m MASK_CREATE", inotify_add_watch(fd, "d/m",
	    IN_MODIFY | IN_MASK_CREATE));
	show("rm_watch m", inotify_rm_watch(fd, w));
	drain(fd, "after rm_watch m");
	show("add_watch m again (new wd)", w = inotify_add_watch(fd, "d/m",
	    IN_ATTRIB | IN_ONESHOT | IN_MASK_CREATE));
	CHECK(chmod("d/m", 0644));
	drain(fd, "chmod m, ONESHOT");
	CHECK(chmod("d/m", 0640));
	drain(fd, "chmod m again");
	show("rm_watch oneshot wd", inotify_rm_watch(fd, w));

	/* Symlinks. */
	CHECK(symlink("m", "d/ln"));
	drain(fd, "symlink ln");
	show("add_watch ln DONT_FOLLOW|ATTRIB",
	    w = inotify_add_watch(fd, "d/ln", IN_ATTRIB | IN_DONT_FOLLOW));
	show("add_watch ln (follows: m's inode)",
	    inotify_add_watch(fd, "d/ln", IN_ATTRIB));
	show("add_watch ln ONLYDIR", inotify_add_watch(fd, "d/ln",
	    IN_ATTRIB | IN_ONLYDIR));
	show("add_watch d ONLYDIR (existing)", inotify_add_watch(fd, "d",
	    IN_ALL_EVENTS | IN_ONLYDIR));
	{
		struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

		CHECK(utimensat(AT_FDCWD, "d/ln", ts, AT_SYMLINK_NOFOLLOW));
	}
	drain(fd, "lutimes ln");
	CHECK(unlink("d/ln"));
	drain(fd, "unlink ln");
	CHECK(unlink("d/m"));
	drain(fd, "unlink m");
	CHECK(rmdir("d"));
	drain(fd, "rmdir d");
	return 0;
}
