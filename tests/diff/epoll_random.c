/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixed pseudo-random sequence of epoll operations on a few pipes and
 * socket pairs, printed step by step: ADD, MOD (of the data alone, of the
 * bits, to and from EPOLLET and EPOLLONESHOT) and DEL with their errors,
 * writes and drains, shutdowns, dup2 of another file over a registered
 * number, close and reopen, and epoll_wait with 1 to 4 records, in the
 * order the kernel gives them.  Linux is deterministic here (one thread),
 * so every line must match, errno for errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define NFILES 8
#define STEPS 3000

static uint64_t seed = 0x2545f4914f6cdd1dULL;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* rd[i]: the end registered (a read end or a socket), wr[i]: its peer. */
static int rd[NFILES], wr[NFILES], ep;

static void
make_file(int i)
{
	int p[2];

	if (i % 2 == 0) {
		if (pipe2(p, O_NONBLOCK) < 0)
			exit(2);
	} else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p) < 0)
		exit(2);
	rd[i] = p[0];
	wr[i] = p[1];
}

static uint32_t
rnd_events(void)
{
	static const uint32_t bits[] = {
		EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLET, EPOLLONESHOT, EPOLLPRI,
	};
	uint32_t ev = 0;

	for (unsigned k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
		if (rnd(3) == 0)
			ev |= bits[k];
	return ev;
}

static void
ctl(int op, const char *name, int i, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };
	int r = epoll_ctl(ep, op, rd[i], &e);

	printf("%s %d ev=%x data=%llx: %d\n", name, i, ev,
	    (unsigned long long)data, r < 0 ? -errno : r);
}

static void
drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);	/* a write after a shutdown: EPIPE */
	if ((ep = epoll_create1(0)) < 0)
		return 2;
	for (int i = 0; i < NFILES; i++)
		make_file(i);
	for (int step = 0; step < STEPS; step++) {
		int i = (int)rnd(NFILES), w, n;
		struct epoll_event out[4];
		uint64_t data = ((uint64_t)i << 32) | (uint64_t)rnd(100);

		printf("%d ", step);
		switch (rnd(12)) {
		case 0:
			ctl(EPOLL_CTL_ADD, "add", i, rnd_events(), data);
			break;
		case 1:
			/* the data alone, keeping a plain level mask */
			ctl(EPOLL_CTL_MOD, "mod-data", i, EPOLLIN, data);
			break;
		case 2:
			ctl(EPOLL_CTL_MOD, "mod", i, rnd_events(), data);
			break;
		case 3:
			ctl(EPOLL_CTL_DEL, "del", i, 0, 0);
			break;
		case 4:
		case 5:
			w = (int)write(wr[i], "x", 1);
			printf("write %d: %d\n", i, w < 0 ? -errno : w);
			break;
		case 6:
			drain(rd[i]);
			printf("drain %d\n", i);
			break;
		case 7:
			if (i % 2 == 1) {
				shutdown(wr[i], SHUT_WR);
				printf("shutdown %d\n", i);
			} else {
				drain(wr[i]);	/* a pipe's write end: EBADF */
				printf("nothing %d\n", i);
			}
			break;
		case 8: {
			/* another file at the registered number: the item
			 * stays while its file lives in the old copy */
			int j = (i + 1) % NFILES, keep = dup(rd[i]);

			dup2(rd[j], rd[i]);
			printf("dup2 %d over %d\n", j, i);
			ctl(EPOLL_CTL_MOD, "mod-data", i, EPOLLIN, data);
			dup2(keep, rd[i]);
			close(keep);
			break;
		}
		case 9:
			/* close both ends: the registration goes with them */
			close(rd[i]);
			close(wr[i]);
			make_file(i);
			printf("reopen %d\n", i);
			break;
		default:
			n = epoll_wait(ep, out, 1 + (int)rnd(4), 0);
			printf("wait: %d", n < 0 ? -errno : n);
			for (int k = 0; k < n; k++)
				printf(" [%llx %x]",
				    (unsigned long long)out[k].data.u64,
				    out[k].events);
			printf("\n");
			break;
		}
	}
	return 0;
}
