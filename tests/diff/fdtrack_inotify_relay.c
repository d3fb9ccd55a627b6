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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The generic checks: FIONREAD, F_GETFL, read 8, read 4096, write. */
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

static void
send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] __attribute__((aligned(8)));
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
	if (sendmsg(s, &mh, 0) != 1)
		exit(2);
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
proc_c(const char *prog, int s)
{
	char num[16];
	int fd = recv_one("C", s, 0);

	probe(fd, "C");
	mkfile("c1");
	fflush(stdout);
	snprintf(num, sizeof(num), "%d", fd);
	execl(prog, prog, "exec", num, dir, (char *)NULL);
	_exit(127);
}

/* B: peeks, receives, relays two copies to C in one message. */
static void
proc_b(const char *prog, int from_a, int to_a)
{
	int sv[2], fd, pk, two[2], st;
	pid_t p;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		exit(2);
	fflush(stdout);
	if ((p = fork()) == 0) {
		close(sv[0]);
		proc_c(prog, sv[1]);
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
	waitpid(p, &st, 0);
	say("B", "C's status", WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
	    WTERMSIG(st));
	if (write(to_a, "k", 1) != 1)
		exit(4);
}

/* Numbers that held an inotify fd and a sealed memfd, reused. */
static void
reused_numbers(void)
{
	int ifd, mfd, sv[2], pp[2];

	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ifd, dir, IN_CREATE) < 0 ||
	    (mfd = memfd_create("m", MFD_ALLOW_SEALING)) < 0 ||
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
	int sv[2], ap[2], ifd, st;
	char c;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "exec") == 0) {
		snprintf(dir, sizeof(dir), "%s", argv[3]);
		mkfile("c2");
		probe(atoi(argv[2]), "C after exec");
		return 0;
	}
	strcpy(dir, "/tmp/fdtrack_relay.XXXXXX");
	if (mkdtemp(dir) == NULL || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) <
	    0 || pipe(ap) < 0)
		return 2;
	if ((p = fork()) == 0) {
		close(sv[0]);
		close(ap[0]);
		proc_b("/proc/self/exe", sv[1], ap[1]);
		_exit(0);
	}
	close(sv[1]);
	close(ap[1]);
	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ifd, dir, IN_CREATE) < 0)
		return 2;
	mkfile("a1");
	mkfile("a2");
	send_fds(sv[0], &ifd, 1);
	close(ifd);
	if (read(ap[0], &c, 1) != 1)
		printf("A: no ack\n");
	waitpid(p, &st, 0);
	say("A", "B's status", WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
	    WTERMSIG(st));
	reused_numbers();
	for (const char *n = "a1\0a2\0b1\0b2\0c1\0c2\0r1\0"; *n; n += 3) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", dir, n);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
