/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An inotify fd taken from another process with pidfd_getfd still acts as
 * an inotify fd: the parent (which never had an inotify fd before) takes
 * one that a child made after the fork (the child waits on a pipe), then
 * a child takes its parent's (the parent waits in waitpid; the child's
 * inherited copy is replaced by /dev/null first).  The taker checks
 * F_GETFD (pidfd_getfd sets FD_CLOEXEC), FIONREAD, F_GETFL, a read too
 * small for one event (EINVAL), one read that returns every queued event,
 * EAGAIN when empty, write (EBADF), lseek (0) and getsockname (ENOTSOCK);
 * then the holder reads the queue the taker left empty, and a dup of the
 * taken fd reads events queued after the taking.
 */
#define _GNU_SOURCE
#include "fdtrack_common.h"

/* Take fd number tfd from pid; print what happened. */
static int
take(const char *who, pid_t pid, int tfd)
{
	int fd;

	fd = take_fd(pid, tfd);
	say(who, "pidfd_getfd", fd < 0 ? -1 : 0);
	if (fd >= 0)
		say(who, "F_GETFD", fcntl(fd, F_GETFD));
	return fd;
}

static void
parent_to_child(void)
{
	int ifd, fd, d;
	pid_t p;

	ifd = new_inotify();
	mkfile("a1");
	mkfile("a2");
	mkfile("a3");
	if ((p = fork()) == 0) {
		/*
		 * fork copied ifd: put /dev/null in its place, so the taken
		 * fd is the only inotify fd here and has another number.
		 */
		if ((d = open("/dev/null", O_RDONLY)) < 0 || dup2(d, ifd) < 0)
			_exit(1);
		close(d);
		if ((fd = take("child", getppid(), ifd)) < 0)
			_exit(1);
		probe_inotify(fd, "child's taken copy");
		mkfile("b1");
		mkfile("b2");
		if ((d = dup(fd)) < 0)
			_exit(1);
		close(fd);
		probe_inotify(d, "child's dup of the taken copy");
		_exit(0);
	}
	say("parent", "child status", child_status(p));
	mkfile("b3");
	probe_inotify(ifd, "parent's original");
	close(ifd);
}

static void
child_to_parent(void)
{
	int go[2], ready[2], ifd = -1, fd;
	char c = 0;
	pid_t p;

	if (pipe(go) < 0 || pipe(ready) < 0)
		exit(2);
	if ((p = fork()) == 0) {
		close(go[1]);
		close(ready[0]);
		ifd = new_inotify();
		mkfile("c1");
		mkfile("c2");
		mkfile("c3");
		if (write(ready[1], &ifd, sizeof(ifd)) != sizeof(ifd))
			_exit(1);
		/* Wait until the parent has taken and probed it. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		probe_inotify(ifd, "child's original");
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &ifd, sizeof(ifd)) != sizeof(ifd))
		exit(2);
	fd = take("parent", p, ifd);
	if (fd >= 0) {
		probe_inotify(fd, "parent's taken copy");
		mkfile("d1");
	}
	if (write(go[1], "g", 1) != 1)
		exit(2);
	say("parent", "child status", child_status(p));
	if (fd >= 0) {
		/* The child is gone: the parent holds the last reference. */
		mkfile("d2");
		probe_inotify(fd, "parent's taken copy, child gone");
		close(fd);
	}
}

int
main(void)
{
	int pfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	make_dir("getfd");
	/* pidfd_getfd needs Linux 5.6 and ptrace access to the target. */
	if ((pfd = take_fd(getpid(), 0)) < 0) {
		fprintf(stderr, "pidfd_getfd does not work here: %s\n",
		    strerror(errno));
		rmdir(dir);
		return 77;
	}
	close(pfd);
	/* First, while this process has never had an inotify fd. */
	child_to_parent();
	parent_to_child();
	remove_dir("a1\0a2\0a3\0b1\0b2\0b3\0c1\0c2\0c3\0d1\0d2\0");
	return 0;
}
