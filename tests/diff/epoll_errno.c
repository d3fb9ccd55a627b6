/* SPDX-License-Identifier: BSD-2-Clause */
/* epoll's errno matrix, checked against the kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Raw calls: glibc's wrappers are declared with access attributes. */
static int
wait_raw(int ep, void *ev, long max, int to)
{
	return (int)syscall(SYS_epoll_wait, ep, ev, max, to);
}

/* Low in the address space (unlike the stack), so + 2 GiB stays user. */
static struct epoll_event low[4];

static void
show(const char *what, int r)
{
	printf("%-40s %d %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int ep, sv[2], p[2], fd, dir, e[8];
	void *bad;

	show("epoll_create(0)", epoll_create(0));
	show("epoll_create(-1)", epoll_create(-1));
	show("epoll_create1(1)", epoll_create1(1));
	show("epoll_create1(O_NONBLOCK)", epoll_create1(O_NONBLOCK));
	ep = epoll_create(1);
	show("epoll_create(1) >= 0", ep >= 0 ? 0 : -1);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	fd = open("f", O_CREAT | O_RDWR, 0600);
	dir = open(".", O_RDONLY | O_DIRECTORY);
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	show("ADD regular file", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	show("ADD directory", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev));
	show("ADD epfd to itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	show("ADD to a non-epoll epfd", epoll_ctl(p[0], EPOLL_CTL_ADD, sv[0], &ev));
	show("ADD bad epfd", epoll_ctl(999, EPOLL_CTL_ADD, sv[0], &ev));
	show("ADD bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	show("ADD NULL event", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], NULL));
	show("ADD unmapped event", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], bad));
	show("DEL NULL event, not there", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
	show("MOD not there", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev));
	show("op 42", epoll_ctl(ep, 42, sv[0], &ev));
	show("op 42 NULL event", epoll_ctl(ep, 42, sv[0], NULL));
	show("ADD", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	show("ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	show("MOD", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	show("MOD EXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev));
	show("ADD EXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLIN;
	show("MOD of an EXCLUSIVE registration", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	show("ADD EXCLUSIVE|ONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
	show("ADD EXCLUSIVE|RDHUP", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	e[0] = epoll_create1(0);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	show("ADD EXCLUSIVE epoll target", epoll_ctl(ep, EPOLL_CTL_ADD, e[0], &ev));
	ev.events = EPOLLIN | EPOLLWAKEUP;
	show("ADD WAKEUP", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	show("DEL", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
	show("DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));

	/* nesting: cycles and depth */
	ev.events = EPOLLIN;
	show("ADD e0 into ep", epoll_ctl(ep, EPOLL_CTL_ADD, e[0], &ev));
	show("ADD ep into e0 (cycle)", epoll_ctl(e[0], EPOLL_CTL_ADD, ep, &ev));
	for (int i = 1; i < 8; i++)
		e[i] = epoll_create1(0);
	for (int i = 1; i < 8; i++) {
		char what[64];

		snprintf(what, sizeof(what), "chain: e%d into e%d", i - 1, i);
		if (i == 1)
			continue;
		show(what, epoll_ctl(e[i], EPOLL_CTL_ADD, e[i - 1], &ev));
	}

	/* epoll_wait */
	show("wait maxevents 0", wait_raw(ep, out, 0, 0));
	show("wait maxevents -1", wait_raw(ep, out, -1, 0));
	show("wait maxevents INT_MAX/12", wait_raw(ep, low, INT_MAX / 12, 0));
	show("wait maxevents INT_MAX/12+1", wait_raw(ep, out, INT_MAX / 12 + 1, 0));
	show("wait bad epfd", epoll_wait(999, out, 4, 0));
	show("wait non-epoll epfd", epoll_wait(p[0], out, 4, 0));
	show("wait kernel address", wait_raw(ep, (void *)-4096L, 1, 0));
	write(sv[1], "x", 1);
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	show("wait unmapped events, one ready", wait_raw(ep, bad, 4, 0));
	show("wait after EFAULT still ready", epoll_wait(ep, out, 4, 0));
	{
		long r = syscall(SYS_epoll_pwait, ep, out, 4, 0, bad, 8);

		show("pwait unmapped sigmask", (int)r);
		r = syscall(SYS_epoll_pwait, ep, out, 4, 0, out, 4);
		show("pwait sigsetsize 4", (int)r);
		r = syscall(SYS_epoll_pwait2, ep, out, 4, bad, NULL, 8);
		show("pwait2 unmapped timeout", (int)r);
		struct timespec ts = { 0, 1000000000 };
		r = syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
		show("pwait2 tv_nsec 1e9", (int)r);
		ts.tv_nsec = 0;
		ts.tv_sec = -1;
		r = syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
		show("pwait2 tv_sec -1", (int)r);
		ts.tv_sec = 0;
		r = syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
		show("pwait2 zero timeout", (int)r);
	}
	return 0;
}
