/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reads and changes of a traced process on files whose watches ask for
 * some events only.  lxrun stops a read of a watched file only while a
 * watch asks for IN_ACCESS, and a write or attribute change only while
 * one asks for IN_MODIFY or IN_ATTRIB; this checks that the events stay
 * Linux's, in Linux's order, when a mask changes under an open fd: a
 * watch that starts asking for IN_ACCESS, a dup of the fd, a watch mask
 * replaced, a directory listed (IN_ACCESS|IN_ISDIR), many steps read at
 * once, and attribute changes through read-only fds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/syscall.h>

#include "inotify_common.h"

static void
list_dir(const char *path)
{
	char buf[4096];
	int d;

	CHECK(d = open(path, O_RDONLY | O_DIRECTORY));
	while (syscall(SYS_getdents64, d, buf, sizeof(buf)) > 0)
		;
	close(d);
}

int
main(void)
{
	char buf[16];
	int fd, f, f2;

	CHECK(mkdir("d", 0755));
	put_file("d/f", "0123456789");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(fd, "d",
	    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE));
	CHECK(f = open("d/f", O_RDWR));
	drain(fd, "open (not asked for)");

	CHECK(read(f, buf, 4));
	CHECK(pread(f, buf, 4, 2));
	list_dir("d");
	drain(fd, "reads and a listing (not asked for)");
	CHECK(pwrite(f, "ab", 2, 0));
	drain(fd, "pwrite");
	CHECK(fchmod(f, 0600));
	drain(fd, "fchmod");

	/* The fd was opened before any watch asked for its reads. */
	CHECK(inotify_add_watch(fd, "d/f", IN_ACCESS));
	CHECK(pread(f, buf, 4, 0));
	drain(fd, "pread, the file's watch now asks for IN_ACCESS");
	CHECK(pread(f, buf, 4, 0));
	CHECK(pwrite(f, "cd", 2, 0));
	CHECK(pread(f, buf, 4, 0));
	CHECK(fchmod(f, 0644));
	CHECK(pread(f, buf, 4, 0));
	CHECK(pwrite(f, "ef", 2, 0));
	drain(fd, "read, write, read, fchmod, read, write at once");

	CHECK(f2 = dup(f));
	CHECK(pread(f2, buf, 4, 0));
	CHECK(pwrite(f2, "gh", 2, 0));
	CHECK(pread(f2, buf, 4, 0));
	drain(fd, "the same through a dup");

	/* The directory's watch replaced: it now asks for IN_ACCESS only. */
	CHECK(inotify_add_watch(fd, "d", IN_ACCESS));
	CHECK(pwrite(f, "ij", 2, 0));
	CHECK(pread(f, buf, 4, 0));
	list_dir("d");
	CHECK(pwrite(f2, "kl", 2, 0));
	CHECK(pread(f2, buf, 4, 0));
	drain(fd, "directory asks for IN_ACCESS only");

	/* And back to changes only, with IN_MASK_ADD on the file's watch. */
	CHECK(inotify_add_watch(fd, "d", IN_MODIFY | IN_CLOSE_WRITE));
	CHECK(inotify_add_watch(fd, "d/f", IN_ATTRIB | IN_MASK_ADD));
	CHECK(pread(f, buf, 4, 0));
	CHECK(pwrite(f, "mn", 2, 0));
	CHECK(fchmod(f2, 0600));
	CHECK(pread(f2, buf, 4, 0));
	close(f);
	close(f2);
	drain(fd, "changes, reads, close");

	/* Attribute changes through read-only fds, of the file and the dir. */
	CHECK(inotify_add_watch(fd, "d", IN_ATTRIB | IN_MODIFY));
	CHECK(f = open("d/f", O_RDONLY));
	CHECK(f2 = open("d", O_RDONLY | O_DIRECTORY));
	CHECK(fchmod(f, 0644));
	CHECK(fchmod(f2, 0700));
	CHECK(fchown(f, getuid(), getgid()));
	put_file("d/f", "x");
	CHECK(fchmod(f, 0600));
	drain(fd, "fchmod, fchown through read-only fds, a write between");
	close(f);
	close(f2);
	CHECK(f = open("d/f", O_RDONLY | O_TRUNC));
	CHECK(fchmod(f, 0644));
	drain(fd, "O_RDONLY|O_TRUNC");
	close(f);
	close(fd);
	return 0;
}
