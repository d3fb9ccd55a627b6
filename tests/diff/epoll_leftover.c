/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Edge-triggered and one-shot items left on the ready list because the
 * waiter asked for fewer records than were ready.  Linux polls such an
 * item again when a later epoll_wait reaches it, so:
 *   - its file closed meanwhile: the item is gone, never reported;
 *   - its file drained meanwhile: passed over, and a one-shot item stays
 *     armed (a later write reports it);
 *   - its file changed meanwhile: reported with the bits of now.
 * lxrun takes every ready item from its host set at once; before it
 * polled the leftovers again it reported all three with what it had seen
 * (tests/diff/epoll_random.c with other seeds found them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int ep;

static void
ctl(int op, int fd, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };

	if (epoll_ctl(ep, op, fd, &e) < 0) {
		printf("epoll_ctl %d on %d: %d\n", op, fd, -errno);
		exit(1);
	}
}

/* One wait with room for max records, printed in the kernel's order. */
static void
wait_print(const char *what, int max)
{
	struct epoll_event out[8];
	int n = epoll_wait(ep, out, max, 0);

	printf("%s: %d", what, n < 0 ? -errno : n);
	for (int i = 0; i < n; i++)
		printf(" [%llu %x]", (unsigned long long)out[i].data.u64,
		    out[i].events);
	printf("\n");
}

static void
drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void
pipe_nb(int p[2])
{
	if (pipe2(p, O_NONBLOCK) < 0)
		exit(2);
}

int
main(void)
{
	int a[2], b[2], s[2], c[2];

	if ((ep = epoll_create1(0)) < 0)
		return 2;

	/* 1. A one-shot leftover whose file is closed: gone. */
	pipe_nb(a);
	pipe_nb(b);
	ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 1);
	ctl(EPOLL_CTL_ADD, b[0], EPOLLIN | EPOLLONESHOT, 2);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	wait_print("closed, first", 1);
	close(b[0]);
	close(b[1]);
	pipe_nb(b);		/* the same numbers, another file */
	write(b[1], "x", 1);
	wait_print("closed, after", 4);
	drain(a[0]);
	ctl(EPOLL_CTL_DEL, a[0], 0, 0);

	/* 2. Edge and one-shot leftovers drained: passed over. */
	pipe_nb(c);
	drain(b[0]);
	ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 3);
	ctl(EPOLL_CTL_ADD, b[0], EPOLLIN | EPOLLET, 4);
	ctl(EPOLL_CTL_ADD, c[0], EPOLLIN | EPOLLONESHOT, 5);
	write(a[1], "x", 1);
	write(b[1], "x", 1);
	write(c[1], "x", 1);
	wait_print("drained, first", 1);
	drain(b[0]);
	drain(c[0]);
	wait_print("drained, after", 4);
	/* the one-shot item was never reported: still armed */
	write(c[1], "y", 1);
	wait_print("one-shot, written again", 4);
	wait_print("one-shot, fired", 4);
	drain(a[0]);
	drain(c[0]);
	ctl(EPOLL_CTL_DEL, a[0], 0, 0);
	ctl(EPOLL_CTL_DEL, b[0], 0, 0);
	ctl(EPOLL_CTL_DEL, c[0], 0, 0);

	/* 3. An edge one-shot leftover whose peer shut down: new bits. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) < 0)
		return 2;
	write(a[1], "x", 1);
	ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 6);
	ctl(EPOLL_CTL_ADD, s[0], EPOLLOUT | EPOLLRDHUP | EPOLLET |
	    EPOLLONESHOT, 7);
	wait_print("changed, first", 1);
	shutdown(s[1], SHUT_WR);
	wait_print("changed, after", 4);
	wait_print("changed, again", 4);
	return 0;
}
