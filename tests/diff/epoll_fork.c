/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An epoll instance is shared across fork (each side sees the other's
 * epoll_ctl), survives exec unless close-on-exec, passes over SCM_RIGHTS,
 * and a registered socket that the guest closes really closes: the peer
 * sees EOF at once.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void
show(int ep, const char *what, int ms)
{
	struct epoll_event out[8];
	int n = epoll_wait(ep, out, 8, ms);

	printf("%-36s n=%d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [%llu:%#x]", (unsigned long long)out[i].data.u64,
		    out[i].events);
	printf("\n");
	fflush(stdout);
}

static int
send_fd(int sock, int fd)
{
	char c = 'f';
	struct iovec iov = { &c, 1 };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.b, .msg_controllen = sizeof(u.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return (int)sendmsg(sock, &m, 0);
}

static int
recv_fd(int sock)
{
	char c;
	struct iovec iov = { &c, 1 };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.b, .msg_controllen = sizeof(u.b) };
	int fd = -1;

	if (recvmsg(sock, &m, 0) < 1 || CMSG_FIRSTHDR(&m) == NULL)
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

int
main(int argc, char **argv)
{
	struct epoll_event e = { .events = EPOLLIN };
	int ep, p[2], q[2], sv[2], ctl[2], st;
	char buf[16];
	pid_t pid;

	if (argc == 3 && strcmp(argv[1], "exec") == 0) {
		ep = atoi(argv[2]);
		show(ep, "after exec: inherited instance", 0);
		return 0;
	}
	ep = epoll_create1(0);
	pipe(p);
	pipe(q);
	e.data.u64 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
	write(p[1], "a", 1);
	write(q[1], "b", 1);

	pid = fork();
	if (pid == 0) {
		show(ep, "child sees parent's registration", 0);
		e.data.u64 = 2;
		printf("child adds q: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD,
		    q[0], &e));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	show(ep, "parent sees child's registration", 0);
	epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);
	show(ep, "parent deleted it", 0);
	read(p[0], buf, 1);
	show(ep, "parent read the pipe", 0);

	/* A registered socket closed by the guest: the peer sees EOF now. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	e.data.u64 = 3;
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e);
	close(sv[0]);
	printf("peer read after close: %zd\n", read(sv[1], buf, sizeof(buf)));
	fflush(stdout);
	close(sv[1]);

	/* Same, through a child that had it too. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	e.data.u64 = 4;
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		usleep(100000);
		close(sv[0]);
		_exit(0);
	}
	close(sv[0]);
	write(sv[1], "c", 1);
	show(ep, "child still holds the socket", -1);
	printf("peer read after child's close: %zd\n",
	    read(sv[1], buf, sizeof(buf)));
	fflush(stdout);
	waitpid(pid, &st, 0);
	close(sv[1]);

	/* SCM_RIGHTS: the child gets the epoll fd and waits on it. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, ctl);
	pid = fork();
	if (pid == 0) {
		int got;

		close(ep);
		got = recv_fd(ctl[1]);
		write(p[1], "p", 1);
		show(got, "child waits on a passed epoll fd", -1);
		_exit(0);
	}
	send_fd(ctl[0], ep);
	waitpid(pid, &st, 0);

	/* exec keeps it; close-on-exec does not. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", ep);
		execl("/proc/self/exe", argv[0], "exec", n, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	fcntl(ep, F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", ep);
		execl("/proc/self/exe", argv[0], "exec", n, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return 0;
}
