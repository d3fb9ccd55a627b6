/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A large getrandom (256 MiB) is filled completely, as on Linux, without
 * holding up the program's other threads: lxrun fills it in slices and
 * serves other stops between them.  A second thread makes 10 ms
 * epoll_waits meanwhile; it must get through many of them (when the fill
 * ran in one piece, every other traced thread stood still for it).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/random.h>

#define LEN (256u << 20)

static atomic_int filling = 1;

static void *
waiter(void *arg)
{
	struct epoll_event ev;
	int ep = epoll_create1(0);
	long *n = arg;

	while (atomic_load(&filling)) {
		epoll_wait(ep, &ev, 1, 10);
		(*n)++;
	}
	return NULL;
}

int
main(void)
{
	unsigned char *b = malloc(LEN);
	pthread_t th;
	long waits = 0;
	ssize_t r;
	int tail = 0;

	if (b == NULL)
		return 1;
	pthread_create(&th, NULL, waiter, &waits);
	r = getrandom(b, LEN, 0);
	atomic_store(&filling, 0);
	pthread_join(th, NULL);
	for (size_t i = 0; i < 4096; i++)
		tail |= b[LEN - 1 - i];
	printf("getrandom(256 MiB) = %s, end of buffer %s\n",
	    r == (ssize_t)LEN ? "256 MiB" : "short", tail ? "filled" : "zero");
	printf("the other thread meanwhile: %s\n", waits >= 10 ?
	    "went on (10 waits or more)" : "HELD UP");
	if (waits < 10)
		fprintf(stderr, "only %ld waits\n", waits);
	return 0;
}
