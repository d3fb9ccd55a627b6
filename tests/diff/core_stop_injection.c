/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SIGSTOP to a process stops every thread, also one that is inside an
 * emulated call while the stop comes (lxrun runs calls of its own in it
 * to make the stand-in fds of epoll_create1 and inotify_init1): the
 * parent sees the stop, and no thread's counter moves until SIGCONT.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long *ctr;

static void *
creator(void *arg)
{
	(void)arg;
	for (;;) {
		int e = epoll_create1(0), i = inotify_init1(0);
		close(e);
		close(i);
		ctr[0]++;
	}
	return NULL;
}

static void *
spinner(void *arg)
{
	(void)arg;
	for (;;)
		ctr[1]++;
	return NULL;
}

int
main(void)
{
	pthread_t a, b;
	unsigned long c0[2], c1[2];
	int st, bad = 0;
	pid_t pid;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid == 0) {
		pthread_create(&a, NULL, creator, NULL);
		pthread_create(&b, NULL, spinner, NULL);
		pause();
		_exit(0);
	}
	while (ctr[0] < 100)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	for (int round = 0; round < 30; round++) {
		kill(pid, SIGSTOP);
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
			printf("no stop\n");
			return 1;
		}
		c0[0] = ctr[0]; c0[1] = ctr[1];
		nanosleep(&ts, NULL);
		c1[0] = ctr[0]; c1[1] = ctr[1];
		if (c1[0] != c0[0] || c1[1] != c0[1])
			bad++;
		kill(pid, SIGCONT);
		waitpid(pid, &st, WCONTINUED);
		nanosleep(&(struct timespec){ 0, 20 * 1000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("rounds where a thread ran while stopped: %d\n", bad);
	return bad != 0;
}
