/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the tests/diff/fdtrack_*.c programs (each compiled alone,
 * after defining _GNU_SOURCE): the result printer say(), the test's
 * directory under /tmp with files made in it (whose IN_CREATE events the
 * programs count), the checks every holder of an inotify fd makes (the
 * probe_*() functions), SCM_RIGHTS send and receive, pidfd_getfd, a
 * child's exit status, and a child forked with a socket to receive fds
 * on and a pipe to acknowledge them.
 */
#ifndef FDTRACK_COMMON_H
#define FDTRACK_COMMON_H

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

/* Most fds one SCM_RIGHTS message of send_fds() or recv_fds() carries. */
#define FDT_MAXFDS 3

/* The test's directory (make_dir(), or given to an exec'ed copy). */
static char dir[64];

/* Print "WHO: WHAT: R", or the errno name when R is negative. */
static __attribute__((unused)) void
say(const char *who, const char *what, long r)
{
	if (r < 0)
		printf("%s: %s: -1 %s\n", who, what, strerrorname_np(errno));
	else
		printf("%s: %s: %ld\n", who, what, r);
}

/* Make dir, /tmp/fdtrack_TAG.XXXXXX; exit 2 if it cannot be made. */
static __attribute__((unused)) void
make_dir(const char *tag)
{
	snprintf(dir, sizeof(dir), "/tmp/fdtrack_%s.XXXXXX", tag);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
}

/* Make the new, empty file dir/NAME (one IN_CREATE event). */
static __attribute__((unused)) void
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

static __attribute__((unused)) void
rmfile(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Remove the files NAMES ("a1\0a2\0", an empty name ends it), then dir. */
static __attribute__((unused)) void
remove_dir(const char *names)
{
	for (const char *n = names; *n != '\0'; n += strlen(n) + 1)
		rmfile(n);
	rmdir(dir);
}

/* A non-blocking inotify fd watching dir for IN_CREATE; exit 2 if not. */
static __attribute__((unused)) int
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

/* FIONREAD, and the access mode and O_NONBLOCK of F_GETFL. */
static __attribute__((unused)) void
probe_status(int fd, const char *who)
{
	int avail = -1, fl;

	say(who, "FIONREAD", ioctl(fd, FIONREAD, &avail) < 0 ? -1 : avail);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		say(who, "F_GETFL", fl);
	else
		printf("%s: F_GETFL: accmode %s nonblock %d\n", who,
		    (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other",
		    (fl & O_NONBLOCK) != 0);
}

/* Print the events in buf[0..n), one a line, and say how many. */
static __attribute__((unused)) void
print_creates(const char *who, const char *buf, ssize_t n)
{
	int nev = 0;

	for (const char *p = buf; n > 0 && p < buf + n; nev++) {
		const struct inotify_event *e =
		    (const struct inotify_event *)(const void *)p;
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
}

/*
 * A read too small for one event (EINVAL), one read that returns every
 * queued event, a read when empty (EAGAIN) and write (EBADF).
 */
static __attribute__((unused)) void
probe_reads(int fd, const char *who)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;

	say(who, "read 8 bytes", read(fd, buf, 8));
	n = read(fd, buf, sizeof(buf));
	say(who, "read 4096 bytes", n);
	print_creates(who, buf, n);
	say(who, "read when empty", read(fd, buf, sizeof(buf)));
	say(who, "write", write(fd, "x", 1));
}

/*
 * Everything an inotify fd with queued IN_CREATE events must answer:
 * probe_status(), probe_reads(), lseek (0: inotify files use
 * noop_llseek) and getsockname (ENOTSOCK).
 */
static __attribute__((unused)) void
probe_inotify(int fd, const char *who)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	probe_status(fd, who);
	probe_reads(fd, who);
	say(who, "lseek", (long)lseek(fd, 0, SEEK_CUR));
	say(who, "getsockname", getsockname(fd, (struct sockaddr *)&ss, &sl));
}

/* probe_status(), F_GETFD (is this copy close-on-exec?), probe_reads(). */
static __attribute__((unused)) void
probe_inotify_fd_flags(int fd, const char *who)
{
	probe_status(fd, who);
	say(who, "F_GETFD", fcntl(fd, F_GETFD));
	probe_reads(fd, who);
}

/* Send fds[0..n) by SCM_RIGHTS with one data byte; exit 2 if it fails. */
static __attribute__((unused)) void
send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(FDT_MAXFDS * sizeof(int))]
	    __attribute__((aligned(8)));
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	if (sendmsg(s, &mh, 0) != 1) {
		perror("sendmsg");
		exit(2);
	}
}

static __attribute__((unused)) void
send_fd(int s, int fd)
{
	send_fds(s, &fd, 1);
}

/*
 * Receive one message by recvmsg or (mmsg) recvmmsg with flags; it must
 * carry exactly n fds, put in fds[0..n) (else fds[0] is -1).  Returns
 * what the call returned.
 */
static __attribute__((unused)) int
recv_fds(int s, int *fds, int n, int mmsg, int flags)
{
	char cbuf[CMSG_SPACE(FDT_MAXFDS * sizeof(int))]
	    __attribute__((aligned(8)));
	char c;
	struct iovec iov = { &c, 1 };
	struct mmsghdr mm = { 0 };
	struct cmsghdr *cm;
	int r;

	fds[0] = -1;
	mm.msg_hdr.msg_iov = &iov;
	mm.msg_hdr.msg_iovlen = 1;
	mm.msg_hdr.msg_control = cbuf;
	mm.msg_hdr.msg_controllen = sizeof(cbuf);
	if (mmsg)
		r = recvmmsg(s, &mm, 1, flags, NULL);
	else
		r = (int)recvmsg(s, &mm.msg_hdr, flags);
	cm = CMSG_FIRSTHDR(&mm.msg_hdr);
	if (r >= 0 && cm != NULL && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(n * sizeof(int)))
		memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return r;
}

/* A new fd for fd number tfd of process pid (pidfd_getfd, Linux 5.6). */
static __attribute__((unused)) int
take_fd(pid_t pid, int tfd)
{
	int pfd, fd, e;

	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return -1;
	fd = (int)syscall(SYS_pidfd_getfd, pfd, tfd, 0);
	e = errno;
	close(pfd);
	errno = e;
	return fd;
}

/* Wait for child p: its exit status, 128 + the signal that killed it. */
static __attribute__((unused)) int
child_status(pid_t p)
{
	int st;

	if (waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Fork a child that runs fn(s, ackfd), then exits 0: s is one end of a
 * datagram socket pair and ackfd the write end of a pipe.  The parent
 * keeps the other ends, in *s and *ackfd; exit 2 if they cannot be made.
 */
static __attribute__((unused)) pid_t
fork_peer(void (*fn)(int, int), int *s, int *ackfd)
{
	int sv[2], ap[2];
	pid_t p;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0 || pipe(ap) < 0) {
		perror("setup");
		exit(2);
	}
	fflush(stdout);
	if ((p = fork()) == 0) {
		close(sv[0]);
		close(ap[0]);
		fn(sv[1], ap[1]);
		_exit(0);
	}
	close(sv[1]);
	close(ap[1]);
	*s = sv[0];
	*ackfd = ap[0];
	return p;
}

/* One byte on pipe end p: "done, go on"; exit 4 if it cannot be sent. */
static __attribute__((unused)) void
ack(int p)
{
	if (write(p, "k", 1) != 1)
		exit(4);
}

/* Wait for ack() on pipe end p; print "WHO: no ack" if none came. */
static __attribute__((unused)) int
wait_ack(int p, const char *who)
{
	char c;

	if (read(p, &c, 1) != 1) {
		printf("%s: no ack\n", who);
		return -1;
	}
	return 0;
}

#endif
