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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static char dir[64];

static void
say(const char *who, const char *what, long r)
{
	if (r < 0)
		printf("%s: %s: -1 %s\n", who, what, strerrorname_np(errno));
	else
		printf("%s: %s: %ld\n", who, what, r);
}

static void
mkfile(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		perror(path);
		exit(2);
	}
	close(fd);
}

static void
rmfile(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Everything an inotify fd with queued IN_CREATE events must answer. */
static void
probe(int fd, const char *who)
{
	char buf[4096] __attribute__((aligned(8)));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int avail = -1, fl, nev = 0;
	ssize_t n;

	say(who, "FIONREAD", ioctl(fd, FIONREAD, &avail) < 0 ? -1 : avail);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		say(who, "F_GETFL", fl);
	else
		printf("%s: F_GETFL: accmode %s nonblock %d\n", who,
		    (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other",
		    (fl & O_NONBLOCK) != 0);
	say(who, "read 8 bytes", read(fd, buf, 8));
	n = read(fd, buf, sizeof(buf));
	say(who, "read 4096 bytes", n);
	for (char *p = buf; n > 0 && p < buf + n; nev++) {
		struct inotify_event *e = (struct inotify_event *)(void *)p;
		ssize_t left = buf + n - p - (ssize_t)sizeof(*e);

		/* Never trust a record past the bytes read (lxrun bugs). */
		if (left < 0 || left < (ssize_t)e->len || (e->len > 0 &&
		    strnlen(e->name, e->len) == e->len)) {
			printf("%s:   malformed event\n", who);
			break;
		}
		printf("%s:   event %s%s%s\n", who,
		    e->mask == IN_CREATE ? "CREATE" : "other",
		    e->len > 0 ? " " : "", e->len > 0 ? e->name : "");
		p += sizeof(*e) + e->len;
	}
	printf("%s: events in one read: %d\n", who, nev);
	say(who, "read when empty", read(fd, buf, sizeof(buf)));
	say(who, "write", write(fd, "x", 1));
	say(who, "lseek", (long)lseek(fd, 0, SEEK_CUR));
	say(who, "getsockname", getsockname(fd, (struct sockaddr *)&ss, &sl));
}

static int
new_inotify(void)
{
	int fd;

	if ((fd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(fd, dir, IN_CREATE) < 0) {
		perror("inotify");
		exit(2);
	}
	return fd;
}

/* Take fd number tfd from pid; print what happened. */
static int
take(const char *who, pid_t pid, int tfd)
{
	int pfd, fd;

	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0) {
		say(who, "pidfd_open", -1);
		return -1;
	}
	fd = (int)syscall(SYS_pidfd_getfd, pfd, tfd, 0);
	say(who, "pidfd_getfd", fd < 0 ? -1 : 0);
	close(pfd);
	if (fd >= 0)
		say(who, "F_GETFD", fcntl(fd, F_GETFD));
	return fd;
}

static int
status(pid_t p)
{
	int st;

	if (waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
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
		probe(fd, "child's taken copy");
		mkfile("b1");
		mkfile("b2");
		if ((d = dup(fd)) < 0)
			_exit(1);
		close(fd);
		probe(d, "child's dup of the taken copy");
		_exit(0);
	}
	say("parent", "child status", status(p));
	mkfile("b3");
	probe(ifd, "parent's original");
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
		probe(ifd, "child's original");
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &ifd, sizeof(ifd)) != sizeof(ifd))
		exit(2);
	fd = take("parent", p, ifd);
	if (fd >= 0) {
		probe(fd, "parent's taken copy");
		mkfile("d1");
	}
	if (write(go[1], "g", 1) != 1)
		exit(2);
	say("parent", "child status", status(p));
	if (fd >= 0) {
		/* The child is gone: the parent holds the last reference. */
		mkfile("d2");
		probe(fd, "parent's taken copy, child gone");
		close(fd);
	}
}

int
main(void)
{
	static const char *names[] = { "a1", "a2", "a3", "b1", "b2", "b3",
	    "c1", "c2", "c3", "d1", "d2" };
	int probefd, pfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	strcpy(dir, "/tmp/fdtrack_getfd.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	/* pidfd_getfd needs Linux 5.6 and ptrace access to the target. */
	probefd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pfd = probefd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, probefd, 0, 0);
	if (pfd < 0) {
		fprintf(stderr, "pidfd_getfd does not work here: %s\n",
		    strerror(errno));
		rmdir(dir);
		return 77;
	}
	close(pfd);
	close(probefd);
	/* First, while this process has never had an inotify fd. */
	child_to_parent();
	parent_to_child();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rmfile(names[i]);
	rmdir(dir);
	return 0;
}
