/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Renames: within a watched directory, across two watched directories
 * (one MOVED_FROM/MOVED_TO pair, same unique cookie, adjacent), over an
 * existing name, the editor's
 * `mv a a.bak; mv a.new a` (done back to back, so under lxrun both
 * renames read together), a directory, MOVE_SELF on a watched file, and
 * a rename out of and into an unwatched directory (a lone IN_MOVED_FROM
 * or IN_MOVED_TO, with a cookie no other event has).
 */
#include "inotify_common.h"

int
main(void)
{
	int fd, w1, w2, wf;

	CHECK(mkdir("d1", 0755));
	CHECK(mkdir("d2", 0755));
	CHECK(mkdir("u", 0755));
	put_file("d1/a", "1");
	put_file("d1/a.new", "2");
	put_file("d1/x", "3");
	put_file("d1/y", "4");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(w1 = inotify_add_watch(fd, "d1", IN_MOVE | IN_CREATE |
	    IN_DELETE | IN_MOVE_SELF));
	CHECK(w2 = inotify_add_watch(fd, "d2", IN_MOVE | IN_CREATE |
	    IN_DELETE | IN_MOVE_SELF));
	CHECK(wf = inotify_add_watch(fd, "d1/x", IN_MOVE_SELF | IN_ATTRIB |
	    IN_DELETE_SELF));
	printf("wds %d %d %d\n", w1, w2, wf);

	CHECK(rename("d1/x", "d2/x2"));
	drain(fd, "rename d1/x d2/x2");
	CHECK(rename("d2/x2", "d1/x"));
	drain(fd, "rename d2/x2 d1/x");
	CHECK(rename("d1/a", "d1/a.bak"));
	CHECK(rename("d1/a.new", "d1/a"));
	drain(fd, "mv a a.bak; mv a.new a");
	CHECK(rename("d1/y", "d1/a.bak"));
	drain(fd, "rename y over a.bak");
	CHECK(mkdir("d1/sub", 0755));
	drain(fd, "mkdir sub");
	CHECK(rename("d1/sub", "d2/sub"));
	drain(fd, "rename dir d1/sub d2/sub");
	CHECK(rename("d1/a", "d1/x"));
	drain(fd, "rename a over watched x");
	CHECK(rename("d1/a.bak", "u/out"));
	drain(fd, "rename d1/a.bak u/out (unwatched)");
	CHECK(rename("u/out", "d2/in"));
	drain(fd, "rename u/out d2/in (from unwatched)");
	CHECK(rename("d2/in", "u/out"));
	CHECK(rename("u/out", "d1/back"));
	drain(fd, "out of d2 and into d1 through u, read together");
	return 0;
}
