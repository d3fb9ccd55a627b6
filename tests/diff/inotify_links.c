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
 *    IN_IGNORED (lxrun left out IN_ISDIR).
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

int
main(void)
{
	int fd, wd, wv;

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("u", 0755));
	CHECK(mkdir("d/victim", 0755));
	CHECK(mkdir("d/src", 0755));
	CHECK(symlink("target", "d/link"));
	CHECK(symlink("target2", "d/link2"));
	CHECK(symlink("../u/far", "d/far"));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wd = inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	CHECK(wv = inotify_add_watch(fd, "d/victim", IN_ALL_EVENTS));
	printf("wds %d %d\n", wd, wv);

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
	return 0;
}
