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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* Everything an inotify fd with queued IN_CREATE events must answer. */
static void
probe(int fd, const char *who)
{
	char buf[4096] __attribute__((aligned(8)));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int avail = -1, fl, nev = 0;
	ssize_t n;

	errno = 0;
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

static void
send_fd(int s, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(s, &mh, 0) != 1) {
		perror("sendmsg");
		exit(2);
	}
}

/* Receive one fd, by recvmsg or (mmsg) recvmmsg. */
static int
recv_fd(int s, int mmsg, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	char c;
	struct iovec iov = { &c, 1 };
	struct mmsghdr mm = { 0 };
	struct cmsghdr *cm;
	int fd, r;

	mm.msg_hdr.msg_iov = &iov;
	mm.msg_hdr.msg_iovlen = 1;
	mm.msg_hdr.msg_control = cbuf;
	mm.msg_hdr.msg_controllen = sizeof(cbuf);
	if (mmsg)
		r = recvmmsg(s, &mm, 1, flags, NULL);
	else
		r = (int)recvmsg(s, &mm.msg_hdr, flags);
	say("receiver", mmsg ? "recvmmsg" : "recvmsg", r);
	cm = CMSG_FIRSTHDR(&mm.msg_hdr);
	if (r < 0 || cm == NULL || cm->cmsg_type != SCM_RIGHTS) {
		printf("receiver: no fd\n");
		exit(3);
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	say("receiver", "F_GETFD", fcntl(fd, F_GETFD));
	return fd;
}

static void
ack(int p)
{
	if (write(p, "k", 1) != 1)
		exit(4);
}

static void
wait_ack(int p)
{
	char c;

	if (read(p, &c, 1) != 1) {
		printf("parent: no ack\n");
		exit(5);
	}
}

static void
receiver(int s, int ackfd)
{
	int fd, st;
	pid_t p;

	fd = recv_fd(s, 0, 0);
	probe(fd, "recvmsg copy");
	close(fd);
	ack(ackfd);

	fd = recv_fd(s, 1, MSG_CMSG_CLOEXEC);
	probe(fd, "recvmmsg copy");
	/* The sender closed its copy: this is the only one left. */
	mkfile("c1");
	mkfile("c2");
	mkfile("c3");
	fflush(stdout);
	if ((p = fork()) == 0) {
		probe(fd, "grandchild");
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, &st, 0);
	say("receiver", "grandchild status", WIFEXITED(st) ?
	    WEXITSTATUS(st) : 128 + WTERMSIG(st));
	mkfile("d1");
	probe(fd, "receiver after grandchild");
	close(fd);
	ack(ackfd);
}

int
main(void)
{
	int sv[2], ap[2], ifd, st;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	strcpy(dir, "/tmp/fdtrack_scm.XXXXXX");
	if (mkdtemp(dir) == NULL || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) <
	    0 || pipe(ap) < 0) {
		perror("setup");
		return 2;
	}
	if ((p = fork()) == 0) {
		close(sv[0]);
		close(ap[0]);
		receiver(sv[1], ap[1]);
		_exit(0);
	}
	close(sv[1]);
	close(ap[1]);
	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ifd, dir, IN_CREATE) < 0) {
		perror("inotify");
		return 2;
	}
	mkfile("a1");
	mkfile("a2");
	mkfile("a3");
	send_fd(sv[0], ifd);
	wait_ack(ap[0]);
	mkfile("b1");
	mkfile("b2");
	mkfile("b3");
	send_fd(sv[0], ifd);
	close(ifd);
	wait_ack(ap[0]);
	waitpid(p, &st, 0);
	say("parent", "receiver status", WIFEXITED(st) ? WEXITSTATUS(st) :
	    128 + WTERMSIG(st));
	for (const char *n = "a1\0a2\0a3\0b1\0b2\0b3\0c1\0c2\0c3\0d1\0"; *n;
	    n += 3) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", dir, n);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
