/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Less common ways for an fd to arrive, and numbers reused after one
 * leaves: an inotify fd relayed A -> B -> C by SCM_RIGHTS (each forked
 * before the instance existed), B receiving it first with MSG_PEEK (the
 * peek installs an fd too), C receiving with a control buffer with room
 * for one of two fds (MSG_CTRUNC, the second dropped) and then exec'ing
 * itself with it; and, in a process that had an inotify fd and a sealed
 * memfd, a socket and a pipe end that later take those numbers must act
 * as a socket and a pipe (write, read, FIONREAD, F_GETFL, getsockname).
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "fdtrack_common.h"

/*
 * The generic checks: FIONREAD, F_GETFL, read 8, read 4096, write (not
 * probe_inotify(): the fd may be a socket or a pipe, whose bytes are no
 * inotify records).
 */
static void
probe(int fd, const char *who)
{
	char buf[4096] __attribute__((aligned(8)));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int avail = -1, fl;
	ssize_t n;

	say(who, "FIONREAD", ioctl(fd, FIONREAD, &avail) < 0 ? -1 : avail);
	fl = fcntl(fd, F_GETFL);
	say(who, "F_GETFL accmode", fl < 0 ? -1 : fl & O_ACCMODE);
	say(who, "read 8 bytes", read(fd, buf, 8));
	n = read(fd, buf, sizeof(buf));
	say(who, "read 4096 bytes", n);
	for (char *p = buf; n > 0 && p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)(void *)p;
		ssize_t left = buf + n - p - (ssize_t)sizeof(*e);

		if (left < 0 || left < (ssize_t)e->len || e->len == 0 ||
		    strnlen(e->name, e->len) == e->len) {
			printf("%s:   not an inotify record\n", who);
			break;
		}
		printf("%s:   event %s %s\n", who, e->mask == IN_CREATE ?
		    "CREATE" : "other", e->name);
		p += sizeof(*e) + e->len;
	}
	say(who, "write", write(fd, "x", 1));
	say(who, "getsockname", getsockname(fd, (struct sockaddr *)&ss, &sl));
}

/* Receive one fd, with room for one only; print the flags. */
static int
recv_one(const char *who, int s, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	int fd;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	/* Room for exactly one fd (CMSG_SPACE would fit two). */
	mh.msg_controllen = CMSG_LEN(sizeof(int));
	say(who, flags & MSG_PEEK ? "recvmsg MSG_PEEK" : "recvmsg",
	    recvmsg(s, &mh, flags));
	say(who, "MSG_CTRUNC", (mh.msg_flags & MSG_CTRUNC) != 0);
	if ((cm = CMSG_FIRSTHDR(&mh)) == NULL || cm->cmsg_type != SCM_RIGHTS)
		exit(3);
	say(who, "fds in the message", (long)((cm->cmsg_len - CMSG_LEN(0)) /
	    sizeof(int)));
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* C: gets the fd from B with room for one of two, then execs itself. */
static void
proc_c(int s)
{
	char num[16];
	int fd = recv_one("C", s, 0);

	probe(fd, "C");
	mkfile("c1");
	fflush(stdout);
	snprintf(num, sizeof(num), "%d", fd);
	execl("/proc/self/exe", "/proc/self/exe", "exec", num, dir,
	    (char *)NULL);
	_exit(127);
}

/* B: peeks, receives, relays two copies to C in one message. */
static void
proc_b(int from_a, int to_a)
{
	int sv[2], fd, pk, two[2];
	pid_t p;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		exit(2);
	fflush(stdout);
	if ((p = fork()) == 0) {
		close(sv[0]);
		proc_c(sv[1]);
	}
	close(sv[1]);
	pk = recv_one("B", from_a, MSG_PEEK);
	probe(pk, "B, peeked copy");
	fd = recv_one("B", from_a, 0);
	mkfile("b1");
	probe(fd, "B, received copy");
	close(pk);
	two[0] = fd;
	two[1] = fd;
	mkfile("b2");
	send_fds(sv[0], two, 2);
	close(fd);
	say("B", "C's status", child_status(p));
	ack(to_a);
}

/* Numbers that held an inotify fd and a sealed memfd, reused. */
static void
reused_numbers(void)
{
	int ifd, mfd, sv[2], pp[2];

	ifd = new_inotify();
	if ((mfd = memfd_create("m", MFD_ALLOW_SEALING)) < 0 ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE) < 0)
		exit(2);
	mkfile("r1");
	probe(ifd, "inotify fd before reuse");
	say("memfd", "write before reuse", write(mfd, "x", 1));
	close(ifd);
	close(mfd);
	/* Lowest free numbers: the socket pair takes ifd's and mfd's. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		exit(2);
	say("socket", "took the inotify fd's number", sv[0] == ifd);
	say("socket", "took the memfd's number", sv[1] == mfd);
	say("socket", "write to the peer", write(sv[1], "hello", 5));
	probe(sv[0], "socket at the inotify fd's number");
	close(sv[0]);
	close(sv[1]);
	if (pipe2(pp, O_NONBLOCK) < 0)
		exit(2);
	say("pipe", "write end at the memfd's number", pp[1] == mfd);
	say("pipe", "write", write(pp[1], "abc", 3));
	probe(pp[0], "pipe read end at the inotify fd's number");
	close(pp[0]);
	close(pp[1]);
}

int
main(int argc, char **argv)
{
	int s, ackfd, ifd;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "exec") == 0) {
		snprintf(dir, sizeof(dir), "%s", argv[3]);
		mkfile("c2");
		probe(atoi(argv[2]), "C after exec");
		return 0;
	}
	make_dir("relay");
	p = fork_peer(proc_b, &s, &ackfd);
	ifd = new_inotify();
	mkfile("a1");
	mkfile("a2");
	send_fd(s, ifd);
	close(ifd);
	wait_ack(ackfd, "A");
	say("A", "B's status", child_status(p));
	reused_numbers();
	remove_dir("a1\0a2\0b1\0b2\0c1\0c2\0r1\0");
	return 0;
}
