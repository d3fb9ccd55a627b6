/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What epoll reports per kind of file, and how: one record per fd with
 * the bits OR-ed, RDHUP only when asked, HUP/ERR always (events == 0 too),
 * EPOLLET, EPOLLONESHOT, round robin with maxevents 1, nested epoll and
 * poll() on an epoll fd, a registration that outlives its fd number.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int ep;

static void
add(int fd, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0)
		perror("add");
}

static void
mod(int fd, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e) < 0)
		perror("mod");
}

static void
del(int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
}

static int
cmp(const void *a, const void *b)
{
	const struct epoll_event *x = a, *y = b;

	return x->data.u64 < y->data.u64 ? -1 : x->data.u64 > y->data.u64;
}

/* Wait and print what came, sorted by data (the order is not ABI). */
static void
show(const char *what, int max, int ms)
{
	struct epoll_event out[16];
	int n = epoll_wait(ep, out, max, ms);

	printf("%-34s n=%d", what, n);
	if (n > 0)
		qsort(out, (size_t)n, sizeof(out[0]), cmp);
	for (int i = 0; i < n; i++)
		printf(" [%llu:%#x]", (unsigned long long)out[i].data.u64,
		    out[i].events);
	printf("\n");
}

int
main(void)
{
	int sv[2], p[2], efd, tfd, m, s, inner, dupfd;
	struct itimerspec its = { .it_value = { 0, 20000000 } };
	struct pollfd pf;
	char buf[64];
	uint64_t v;

	ep = epoll_create1(0);

	/* socketpair: IN|OUT in one record; RDHUP only when asked */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	add(sv[0], EPOLLIN | EPOLLOUT, 1);
	show("socket writable", 8, 0);
	write(sv[1], "x", 1);
	show("socket readable+writable", 8, 0);
	shutdown(sv[1], SHUT_WR);
	show("peer SHUT_WR, no RDHUP asked", 8, 0);
	mod(sv[0], EPOLLIN | EPOLLRDHUP, 1);
	show("peer SHUT_WR, RDHUP asked", 8, 0);
	close(sv[1]);
	mod(sv[0], 0, 1);
	show("peer closed, events 0", 8, 0);
	del(sv[0]);
	close(sv[0]);

	/* pipe: HUP for the reader, ERR for the writer */
	pipe(p);
	add(p[0], EPOLLIN, 2);
	add(p[1], EPOLLOUT, 3);
	show("pipe empty", 8, 0);
	write(p[1], "ab", 2);
	show("pipe has data", 8, 0);
	close(p[1]);
	show("pipe writer closed (dup gone)", 8, 0);
	del(p[0]);
	close(p[0]);
	pipe(p);
	add(p[1], EPOLLOUT, 4);
	close(p[0]);
	show("pipe reader closed", 8, 0);
	close(p[1]);

	/* eventfd and timerfd */
	efd = eventfd(0, EFD_NONBLOCK);
	add(efd, EPOLLIN | EPOLLOUT, 5);
	show("eventfd 0", 8, 0);
	v = 3;
	write(efd, &v, 8);
	show("eventfd 3", 8, 0);
	read(efd, &v, 8);
	del(efd);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	add(tfd, EPOLLIN, 6);
	show("timerfd unarmed", 8, 0);
	timerfd_settime(tfd, 0, &its, NULL);
	show("timerfd fires (wait -1)", 8, -1);
	read(tfd, &v, 8);
	show("timerfd read", 8, 0);
	del(tfd);

	/* pty master and slave */
	if (openpty(&m, &s, NULL, NULL, NULL) == 0) {
		add(m, EPOLLIN | EPOLLOUT, 7);
		add(s, EPOLLIN, 8);
		show("pty idle", 8, 0);
		write(m, "hi\n", 3);
		usleep(200000);		/* the line discipline works async */
		show("pty line typed", 8, 0);
		del(m);
		del(s);
		close(s);
		close(m);
	}

	/* EPOLLET: one report per new arrival */
	pipe(p);
	add(p[0], EPOLLIN | EPOLLET, 9);
	write(p[1], "a", 1);
	show("ET first", 8, 0);
	show("ET again, nothing new", 8, 0);
	write(p[1], "b", 1);
	show("ET new data", 8, 0);
	del(p[0]);

	/* EPOLLONESHOT with IN|OUT: the whole registration disarms */
	add(p[1], EPOLLIN | EPOLLOUT | EPOLLONESHOT, 10);
	show("ONESHOT first", 8, 0);
	show("ONESHOT disarmed", 8, 0);
	close(p[0]);
	show("ONESHOT disarmed, even ERR", 8, 0);
	mod(p[1], EPOLLOUT | EPOLLONESHOT, 11);
	show("ONESHOT rearmed by MOD", 8, 0);
	close(p[1]);

	/* round robin: three ready fds, maxevents 1 */
	for (int i = 0; i < 3; i++) {
		int q[2];

		pipe(q);
		write(q[1], "r", 1);
		add(q[0], EPOLLIN, 20 + (uint64_t)i);
	}
	show("rr 1", 1, 0);
	show("rr 2", 1, 0);
	show("rr 3", 1, 0);
	show("rr 4", 1, 0);
	show("rr all", 8, 0);
	close(ep);

	/* registration outlives its fd number: dup, close the original */
	ep = epoll_create1(0);
	pipe(p);
	add(p[0], EPOLLIN, 30);
	dupfd = dup(p[0]);
	close(p[0]);
	write(p[1], "d", 1);
	show("dup then close original", 8, 0);
	printf("DEL by closed number: %d\n",
	    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	read(dupfd, buf, 1);
	close(dupfd);
	show("after last close", 8, 0);
	close(p[1]);

	/* nested epoll and poll() on an epoll fd */
	inner = epoll_create1(0);
	pipe(p);
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u64 = 40 };

		epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &e);
	}
	add(inner, EPOLLIN, 41);
	pf.fd = inner;
	pf.events = POLLIN;
	printf("poll inner idle: %d\n", poll(&pf, 1, 0));
	show("outer, inner idle", 8, 0);
	write(p[1], "n", 1);
	pf.revents = 0;
	/*
	 * A timeout, not 0: under lxrun an epoll fd's own readiness follows
	 * its instance a moment late (docs/semantics.md, epoll).
	 */
	printf("poll inner ready: %d", poll(&pf, 1, 2000));
	printf(" revents=%#x\n", pf.revents);
	show("outer, inner ready", 8, 0);
	read(p[0], buf, 1);
	show("outer, inner drained", 8, 0);
	pf.revents = 0;
	printf("poll inner drained (after wait): %d\n", poll(&pf, 1, 0));
	write(p[1], "n", 1);
	printf("poll inner, timeout, ready: %d\n", poll(&pf, 1, 1000));
	return 0;
}
