/* SPDX-License-Identifier: BSD-2-Clause */
/* lxrun's exit status is the guest's: exit(3) from a thread -> 3. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *
quit(void *arg)
{
	(void)arg;
	printf("thread calls exit(3)\n");
	exit(3);
}

int
main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, quit, NULL);
	for (;;)
		pause();
}
