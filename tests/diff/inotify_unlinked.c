/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A file unlinked while it is still open, and the watch flags:
 *  - without IN_EXCL_UNLINK its directory's watch goes on reporting it
 *    under its old name, and its own watch gets IN_DELETE_SELF only at
 *    the last close (after IN_CLOSE_WRITE); the same for a file renamed
 *    over while open;
 *  - with IN_EXCL_UNLINK (on the directory, on the file) nothing more
 *    about it, but IN_DELETE_SELF and IN_IGNORED still;
 *  - a file held by a child process ends when the child closes it;
 *  - IN_ONESHOT: one event, IN_IGNORED, never a second; IN_MASK_ADD,
 *    IN_MASK_CREATE, IN_DONT_FOLLOW and IN_ONLYDIR.
 */
#include <sys/wait.h>

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
	int fd, fx, f, w, go[2], back[2];
	pid_t p;
	int st;

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("x", 0755));
	put_file("d/a", "a");
	put_file("d/b", "b");
	put_file("d/c", "c");
	put_file("d/kid", "k");
	put_file("x/e", "e");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(fx = inotify_init1(IN_NONBLOCK));
	show("watch d", inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	show("watch d/a", inotify_add_watch(fd, "d/a", IN_ALL_EVENTS));
	show("watch d/b", inotify_add_watch(fd, "d/b", IN_ALL_EVENTS));
	show("watch x EXCL_UNLINK", inotify_add_watch(fx, "x", IN_ALL_EVENTS |
	    IN_EXCL_UNLINK));
	show("watch x/e EXCL_UNLINK", inotify_add_watch(fx, "x/e",
	    IN_ALL_EVENTS | IN_EXCL_UNLINK));

	CHECK(f = open("d/a", O_RDWR));
	CHECK(unlink("d/a"));
	drain(fd, "open a, unlink a");
	CHECK(write(f, "more", 4));
	drain(fd, "write the unlinked a");
	close(f);
	drain(fd, "close it (its end)");

	CHECK(f = open("d/b", O_RDWR));
	CHECK(rename("d/c", "d/b"));
	drain(fd, "open b, rename c over b");
	CHECK(write(f, "z", 1));
	close(f);
	drain(fd, "write and close the old b");

	CHECK(f = open("x/e", O_RDWR));
	CHECK(unlink("x/e"));
	drain(fx, "EXCL_UNLINK: open e, unlink e");
	CHECK(write(f, "q", 1));
	drain(fx, "EXCL_UNLINK: write the unlinked e");
	close(f);
	drain(fx, "EXCL_UNLINK: close it");

	/* Held by a child: it ends when the child lets go. */
	show("watch d/kid", inotify_add_watch(fd, "d/kid", IN_DELETE_SELF |
	    IN_CLOSE));
	CHECK(pipe(go));
	CHECK(pipe(back));
	CHECK(p = fork());
	if (p == 0) {
		int k = open("d/kid", O_RDONLY);
		char c;

		if (k < 0 || write(back[1], "o", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		(void)read(k, &c, 1);
		_exit(0);
	}
	{
		char c;

		CHECK(read(back[0], &c, 1));	/* it has opened kid */
	}
	drain(fd, "a child opens kid");
	CHECK(unlink("d/kid"));
	drain(fd, "unlink kid, the child holds it");
	CHECK(write(go[1], "g", 1));		/* it reads and exits */
	CHECK(waitpid(p, &st, 0));
	printf("child status %d\n", st);
	drain(fd, "the child exited");

	/* Flags. */
	put_file("d/m", "m");
	CHECK(w = inotify_add_watch(fd, "d/m", IN_ATTRIB | IN_ONESHOT));
	CHECK(chmod("d/m", 0600));
	CHECK(chmod("d/m", 0644));
	drain(fd, "ONESHOT: two chmods");
	CHECK(chmod("d/m", 0600));
	drain(fd, "ONESHOT: a third");
	show("rm_watch the oneshot wd", inotify_rm_watch(fd, w));
	CHECK(w = inotify_add_watch(fd, "d/m", IN_MODIFY));
	show("MASK_ADD ATTRIB", inotify_add_watch(fd, "d/m", IN_ATTRIB |
	    IN_MASK_ADD));
	CHECK(truncate("d/m", 0));
	CHECK(chmod("d/m", 0640));
	drain(fd, "truncate, chmod (MODIFY|ATTRIB)");
	show("MASK_CREATE", inotify_add_watch(fd, "d/m", IN_ATTRIB |
	    IN_MASK_CREATE));
	show("replace with OPEN", inotify_add_watch(fd, "d/m", IN_OPEN));
	CHECK(chmod("d/m", 0600));
	CHECK(f = open("d/m", O_RDONLY));
	close(f);
	drain(fd, "chmod, open (mask OPEN)");
	CHECK(symlink("m", "d/ln"));
	show("DONT_FOLLOW on a symlink", w = inotify_add_watch(fd, "d/ln",
	    IN_ATTRIB | IN_DONT_FOLLOW));
	show("ONLYDIR on a file", inotify_add_watch(fd, "d/m",
	    IN_ATTRIB | IN_ONLYDIR));
	CHECK(chmod("d/m", 0644));
	drain(fd, "chmod m (the symlink's watch is not m's)");
	CHECK(unlink("d/ln"));
	drain(fd, "unlink ln");
	return 0;
}
