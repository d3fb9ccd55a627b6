/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EPOLL_CTL_MOD that changes only the data of a level-triggered
 * registration (lxrun keeps the host's item and proves the fd with kcmp
 * instead of pulling it): the new data is reported, at once when the file
 * is ready and later when it becomes ready; a number that now holds
 * another file gives ENOENT, also in a child whose table differs; a
 * record the kernel kept back after a fault of the copy-out is reported
 * with the data of the latest MOD; a MOD that changes the bits still acts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int ep;

static int
ctl(int op, int fd, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };

	return epoll_ctl(ep, op, fd, &e) < 0 ? -errno : 0;
}

static int
by_data(const void *a, const void *b)
{
	const struct epoll_event *x = a, *y = b;

	return x->data.u64 < y->data.u64 ? -1 : x->data.u64 > y->data.u64;
}

/* Every record of one epoll_wait(0), sorted by data. */
static void
show(const char *what, int max)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, 0);

	printf("%s: %d", what, n);
	if (n > 0)
		qsort(ev, (size_t)n, sizeof(ev[0]), by_data);
	for (int i = 0; i < n; i++)
		printf(" [%llx %x]", (unsigned long long)ev[i].data.u64,
		    ev[i].events);
	printf("\n");
}

int
main(void)
{
	int a[2], b[2], c[2], sv[2], keep;
	char ch;

	if ((ep = epoll_create1(0)) < 0 || pipe(a) < 0 || pipe(b) < 0 ||
	    pipe(c) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return perror("setup"), 1;

	/* ready, then new data: reported with it, again and again */
	printf("add a: %d\n", ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 0x10));
	write(a[1], "x", 1);
	show("a ready", 8);
	for (int i = 1; i <= 3; i++) {
		printf("mod a: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN,
		    0x10 + i));
		show("a after mod", 8);
	}
	read(a[0], &ch, 1);
	show("a drained", 8);

	/* not ready, new data, then ready */
	printf("mod a: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN, 0x20));
	show("a idle", 8);
	write(a[1], "x", 1);
	show("a written", 8);
	read(a[0], &ch, 1);

	/* the number now holds another file: ENOENT, the old item lives on
	 * (its file is still open at keep) and still reports */
	keep = dup(a[0]);
	dup2(b[0], a[0]);
	printf("mod other file: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN,
	    0x30));
	write(a[1], "x", 1);
	show("old item", 8);
	printf("del other file: %d\n", ctl(EPOLL_CTL_DEL, a[0], 0, 0));
	printf("add b: %d\n", ctl(EPOLL_CTL_ADD, a[0], EPOLLIN, 0x40));
	printf("mod b: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN, 0x41));
	write(b[1], "y", 1);
	show("both", 8);
	read(keep, &ch, 1);
	read(a[0], &ch, 1);

	/* a child with its own table: MOD of its fd of the same file works,
	 * of a number holding another file of its own fails */
	fflush(stdout);
	if (fork() == 0) {
		printf("child mod b: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN,
		    0x42));
		dup2(c[0], a[0]);
		printf("child mod other: %d\n", ctl(EPOLL_CTL_MOD, a[0],
		    EPOLLIN, 0x43));
		fflush(stdout);
		_exit(0);
	}
	wait(NULL);
	write(b[1], "y", 1);
	show("after child", 8);
	read(a[0], &ch, 1);

	/* bits change: RDHUP asked for, then the peer shuts down */
	printf("add sv: %d\n", ctl(EPOLL_CTL_ADD, sv[0], EPOLLIN, 0x50));
	printf("mod sv: %d\n", ctl(EPOLL_CTL_MOD, sv[0], EPOLLIN | EPOLLRDHUP,
	    0x51));
	shutdown(sv[1], SHUT_WR);
	show("rdhup", 8);
	printf("mod sv et: %d\n", ctl(EPOLL_CTL_MOD, sv[0],
	    EPOLLIN | EPOLLET, 0x52));
	show("et once", 8);
	show("et twice", 8);
	printf("mod sv lt: %d\n", ctl(EPOLL_CTL_MOD, sv[0], EPOLLIN, 0x53));
	show("lt again", 8);
	printf("del sv: %d\n", ctl(EPOLL_CTL_DEL, sv[0], 0, 0));

	/* the copy-out faults on the second record: the kernel keeps it
	 * back; a MOD then gives it its new data */
	{
		long pg = sysconf(_SC_PAGESIZE);
		char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct epoll_event *e = (struct epoll_event *)(m + pg -
		    sizeof(*e));
		int n;

		mprotect(m + pg, pg, PROT_NONE);
		write(b[1], "y", 1);	/* b, at the number of a[0] */
		write(c[1], "z", 1);
		printf("add c: %d\n", ctl(EPOLL_CTL_ADD, c[0], EPOLLIN, 0x60));
		n = epoll_wait(ep, e, 2, 0);
		printf("faulting wait: %d", n);
		if (n == 1)
			printf(" [%llx]", (unsigned long long)e[0].data.u64);
		printf("\n");
		printf("mod a: %d\n", ctl(EPOLL_CTL_MOD, a[0], EPOLLIN, 0x44));
		printf("mod c: %d\n", ctl(EPOLL_CTL_MOD, c[0], EPOLLIN, 0x61));
		show("kept back", 1);
		show("rest", 8);
	}
	return 0;
}
