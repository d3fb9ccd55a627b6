/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An inotify fd that reaches a process by SCM_RIGHTS still acts as an
 * inotify fd there: the receiver (forked before the inotify instance
 * existed, so it had no copy) gets it once by recvmsg and once by
 * recvmmsg (MSG_CMSG_CLOEXEC, after the sender closed its own copy), and
 * a grandchild forked from the receiver inherits it.  Each holder checks
 * FIONREAD, F_GETFL, a read too small for one event (EINVAL), one read
 * that returns every queued event, EAGAIN when empty, write (EBADF),
 * lseek (0: inotify files use noop_llseek) and getsockname (ENOTSOCK).
 */
#define _GNU_SOURCE
#include "fdtrack_common.h"

/* Receive one fd, by recvmsg or (mmsg) recvmmsg. */
static int
recv_fd(int s, int mmsg, int flags)
{
	int fd, r;

	r = recv_fds(s, &fd, 1, mmsg, flags);
	say("receiver", mmsg ? "recvmmsg" : "recvmsg", r);
	if (fd < 0) {
		printf("receiver: no fd\n");
		exit(3);
	}
	say("receiver", "F_GETFD", fcntl(fd, F_GETFD));
	return fd;
}

static void
receiver(int s, int ackfd)
{
	int fd;
	pid_t p;

	fd = recv_fd(s, 0, 0);
	probe_inotify(fd, "recvmsg copy");
	close(fd);
	ack(ackfd);

	fd = recv_fd(s, 1, MSG_CMSG_CLOEXEC);
	probe_inotify(fd, "recvmmsg copy");
	/* The sender closed its copy: this is the only one left. */
	mkfile("c1");
	mkfile("c2");
	mkfile("c3");
	fflush(stdout);
	if ((p = fork()) == 0) {
		probe_inotify(fd, "grandchild");
		fflush(stdout);
		_exit(0);
	}
	say("receiver", "grandchild status", child_status(p));
	mkfile("d1");
	probe_inotify(fd, "receiver after grandchild");
	close(fd);
	ack(ackfd);
}

int
main(void)
{
	int s, ackfd, ifd;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	make_dir("scm");
	p = fork_peer(receiver, &s, &ackfd);
	ifd = new_inotify();
	mkfile("a1");
	mkfile("a2");
	mkfile("a3");
	send_fd(s, ifd);
	if (wait_ack(ackfd, "parent") < 0)
		return 5;
	mkfile("b1");
	mkfile("b2");
	mkfile("b3");
	send_fd(s, ifd);
	close(ifd);
	if (wait_ack(ackfd, "parent") < 0)
		return 5;
	say("parent", "receiver status", child_status(p));
	remove_dir("a1\0a2\0a3\0b1\0b2\0b3\0c1\0c2\0c3\0d1\0");
	return 0;
}
