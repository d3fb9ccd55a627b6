/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An epoll instance released while the supervisor's loop still has its
 * readiness in hand: 2,000 times, an instance is made ready (a pipe with
 * data, registered; a nested instance that is ready too) and its last
 * fd closed at once.  lxrun's loop then gets "this instance's queue is
 * ready" and "the instance's last reference is gone" in one batch; a
 * release that freed the instance at once made the later event call a
 * function pointer of freed memory and write to a closed fd number (a
 * sanitizer build reports it: make check-asan).  Meanwhile a long-lived
 * instance must keep working, whatever fd numbers the others reused.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#define ROUNDS 2000

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int keep = epoll_create1(0), kp[2], bad = 0;

	pipe(kp);
	ev.data.u64 = 7;
	epoll_ctl(keep, EPOLL_CTL_ADD, kp[0], &ev);
	for (int i = 0; i < ROUNDS; i++) {
		int ep = epoll_create1(0), inner = epoll_create1(0), p[2];

		pipe(p);
		write(p[1], "r", 1);
		ev.data.u64 = (uint64_t)i;
		epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev);
		epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
		epoll_ctl(ep, EPOLL_CTL_ADD, inner, &ev);
		if (i % 2 == 0 && epoll_wait(ep, out, 4, 0) != 2)
			bad++;
		close(inner);
		close(ep);
		close(p[0]);
		close(p[1]);
		/* the long-lived instance: nothing until its pipe is written */
		if (i % 100 == 0 && epoll_wait(keep, out, 4, 0) != 0)
			bad++;
	}
	write(kp[1], "k", 1);
	if (epoll_wait(keep, out, 4, 1000) != 1 || out[0].data.u64 != 7)
		bad++;
	printf("%d rounds, %d wrong answers\n", ROUNDS, bad);
	return 0;
}
