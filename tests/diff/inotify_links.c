/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Symlinks and victims, found by a seeded random sequence of file
 * operations compared with Linux:
 *  - open(O_CREAT) of a symlink whose target is missing creates the
 *    target: IN_CREATE, IN_OPEN, IN_MODIFY, IN_CLOSE_WRITE in the
 *    target's directory under the target's name (lxrun reported only
 *    IN_OPEN: it saw the link, which existed, and thought nothing was
 *    made); through a link to an existing file nothing is created; with
 *    O_EXCL the link is not followed (EEXIST); a link into another,
 *    unwatched directory makes no event in this one;
 *  - a rename over a watched directory gives that directory
 *    IN_ATTRIB|IN_ISDIR (fsnotify_link_count), then IN_DELETE_SELF and
 *    IN_IGNORED (lxrun left out IN_ISDIR);
 *  - a file with several links: a read, a write, a close, a chmod or a
 *    truncate is reported to the directory of the name the call used,
 *    under that name, and nowhere else (lxrun gave it to every watched
 *    directory holding a link, under each link's name);
 *  - a link count changed while no watch asked for IN_ATTRIB is not
 *    reported to a watch added later (lxrun's first look at the file
 *    after the new watch told it);
 *  - link(2) onto a name that exists fails with EEXIST and changes
 *    nothing (lxrun saw the name there and took the call as done);
 *  - IN_DELETE_SELF goes with the name's dentry: removing the last name
 *    gives it at once when the file is open only by a name removed
 *    earlier (lxrun waited for the close).
 */
#include "inotify_common.h"

static void
create_write(const char *path, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	printf("open %s: %s\n", path, fd < 0 ? strerror(errno) : "ok");
	if (fd >= 0) {
		if (write(fd, "data", 4) != 4)
			perror("write");
		close(fd);
	}
}

static void
read_close(const char *path)
{
	char buf[16];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
		perror(path);
	if (fd >= 0)
		close(fd);
}

int
main(void)
{
	char buf[4];
	int fd, wd, wv, h1, h2, early, z1;

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("u", 0755));
	CHECK(mkdir("d/victim", 0755));
	CHECK(mkdir("d/src", 0755));
	CHECK(symlink("target", "d/link"));
	CHECK(symlink("target2", "d/link2"));
	CHECK(symlink("../u/far", "d/far"));
	/* a file with two names, opened by one before any watch */
	put_file("d/early", "e");
	CHECK(link("d/early", "d/early2"));
	CHECK(early = open("d/early2", O_RDWR));
	put_file("u/z", "z");
	CHECK(z1 = open("u/z", O_RDONLY));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	CHECK(wv = inotify_add_watch(fd, "d/victim", IN_ALL_EVENTS));
	printf("wds %d %d\n", wd, wv);

	if (write(early, "w", 1) != 1)
		perror("early");
	CHECK(close(early));
	drain(fd, "written and closed by the name opened before the watch");

	create_write("d/link", 0);
	drain(fd, "O_CREAT through a dangling link: its target is made");
	create_write("d/link", O_TRUNC);
	drain(fd, "O_CREAT|O_TRUNC through the link: the target exists");
	close(open("d/link", O_RDONLY));
	drain(fd, "open O_RDONLY through the link");
	create_write("d/link2", O_EXCL);
	drain(fd, "O_CREAT|O_EXCL on a dangling link: EEXIST");
	create_write("d/link2", O_NOFOLLOW);
	drain(fd, "O_CREAT|O_NOFOLLOW on a dangling link: ELOOP");
	create_write("d/far", 0);
	drain(fd, "O_CREAT through a link into an unwatched directory");

	CHECK(rename("d/src", "d/victim"));
	drain(fd, "rename over a watched directory");

	/* several links: d/h and d/h2 (watched), u/h (not watched) */
	put_file("d/h", "12345");
	CHECK(link("d/h", "d/h2"));
	CHECK(link("d/h", "u/h"));
	drain(fd, "links made");
	read_close("u/h");
	drain(fd, "read by the unwatched name");
	read_close("d/h2");
	drain(fd, "read by d/h2");
	create_write("d/h", 0);
	drain(fd, "written by d/h");
	CHECK(chmod("u/h", 0600));
	CHECK(truncate("u/h", 2));
	drain(fd, "chmod and truncate by the unwatched name");
	CHECK(chmod("d/h2", 0644));
	drain(fd, "chmod by d/h2");

	/* a link count changed before the file's own watch existed */
	CHECK(inotify_rm_watch(fd, wd));
	drain(fd, "watch on d removed");
	CHECK(wd = inotify_add_watch(fd, "d", IN_CREATE));
	CHECK(link("d/h", "d/h3"));
	drain(fd, "link while only IN_CREATE is asked");
	CHECK(wv = inotify_add_watch(fd, "d/h", IN_ALL_EVENTS));
	read_close("d/h");
	drain(fd, "the file's own watch, then a read");
	printf("link onto a taken name: %s\n", link("d/h", "d/h2") < 0 ?
	    strerror(errno) : "made");
	drain(fd, "nothing changed");

	/* two names open at once: each read or write is its own name's */
	CHECK(inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	CHECK(h1 = open("d/h", O_RDWR));
	CHECK(h2 = open("d/h2", O_RDWR));
	drain(fd, "opened by both names");
	if (write(h2, "w", 1) != 1 || pread(h1, buf, 1, 0) != 1)
		perror("two names");
	drain(fd, "written by d/h2, read by d/h");
	CHECK(close(h2));
	drain(fd, "d/h2 closed");
	CHECK(close(h1));
	drain(fd, "d/h closed");

	/* read by one name while only the file's own watch saw it */
	put_file("d/k", "k");
	CHECK(link("d/k", "d/k2"));
	CHECK(inotify_rm_watch(fd, wd));
	CHECK(inotify_add_watch(fd, "d/k", IN_ATTRIB | IN_CLOSE_WRITE));
	drain(fd, "only d/k watched");
	read_close("d/k2");
	drain(fd, "read by d/k2");
	CHECK(inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	read_close("d/k");
	drain(fd, "d watched again, read by d/k");

	/* open by one name, that name removed, then the last one */
	put_file("d/m", "m");
	CHECK(link("d/m", "d/m2"));
	CHECK(h1 = open("d/m", O_RDONLY));
	CHECK(inotify_add_watch(fd, "d/m", IN_ATTRIB | IN_DELETE_SELF));
	CHECK(unlink("d/m"));
	drain(fd, "the name held open removed");
	CHECK(unlink("d/m2"));
	drain(fd, "the last name removed: IN_DELETE_SELF at once");
	CHECK(close(h1));
	drain(fd, "closed");

	/* two fds by one name, and a name renamed while open */
	put_file("d/q", "q");
	CHECK(link("d/q", "d/q2"));
	CHECK(h1 = open("d/q", O_RDONLY));
	CHECK(h2 = open("d/q", O_RDONLY));
	CHECK(close(h2));
	drain(fd, "two fds by d/q, one closed");
	CHECK(rename("d/q", "d/qq"));
	drain(fd, "d/q renamed d/qq while open");
	if (read(h1, buf, 1) != 1)
		perror("qq");
	CHECK(close(h1));
	drain(fd, "read and closed by its new name");

	/* held by one name, then opened by the other */
	put_file("d/o", "o");
	CHECK(link("d/o", "d/o2"));
	CHECK(h1 = open("d/o", O_RDONLY));
	drain(fd, "d/o held");
	CHECK(h2 = open("d/o2", O_RDONLY));
	drain(fd, "opened by d/o2 too");
	CHECK(close(h1));
	drain(fd, "d/o closed");
	CHECK(close(h2));
	drain(fd, "d/o2 closed");

	/* held by d/p, d/p removed, then written by its last name d/p2 */
	put_file("d/p", "p");
	CHECK(link("d/p", "d/p2"));
	CHECK(h1 = open("d/p", O_RDONLY));
	CHECK(unlink("d/p"));
	drain(fd, "d/p held and removed");
	create_write("d/p2", O_TRUNC);
	drain(fd, "written by d/p2");
	CHECK(close(h1));
	drain(fd, "d/p closed");

	/* held by both names; opened, written and closed by one of them */
	put_file("d/r", "r");
	CHECK(link("d/r", "d/r2"));
	CHECK(h1 = open("d/r", O_RDONLY));
	CHECK(h2 = open("d/r2", O_RDONLY));
	drain(fd, "d/r and d/r2 held");
	create_write("d/r", 0);
	drain(fd, "written by d/r");
	CHECK(close(h1));
	drain(fd, "d/r closed");
	CHECK(close(h2));
	drain(fd, "d/r2 closed");

	/* open before any watch, by an unwatched name; a link made later */
	CHECK(link("u/z", "d/z2"));
	drain(fd, "u/z linked as d/z2");
	CHECK(close(z1));
	drain(fd, "closed by its unwatched name");

	/* open by its only name, unwatched; a second name made meanwhile */
	put_file("u/y", "y");
	CHECK(h1 = open("u/y", O_RDONLY));
	CHECK(link("u/y", "d/y2"));
	drain(fd, "u/y open, linked as d/y2");
	if (read(h1, buf, 1) != 1)
		perror("y");
	CHECK(close(h1));
	drain(fd, "read and closed by u/y");
	return 0;
}
