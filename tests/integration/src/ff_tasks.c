/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ff_tasks: three tasks, each with a call of its own that names it in
 * the trace: the main thread opens "main-marker", a second thread
 * "thread-marker", a forked child "child-marker" (all fail with ENOENT).
 * Prints "main TID", "thread TID" and "child PID", one a line, so a test
 * can check that lxrun -ff wrote each task's calls to FILE.TID.  The
 * child exits 3, the thread 0, the process 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *
thread_main(void *arg)
{
	(void)arg;
	printf("thread %d\n", (int)gettid());
	fflush(stdout);
	open("thread-marker", O_RDONLY);
	return NULL;
}

int
main(void)
{
	pthread_t t;
	pid_t child;
	int st;

	printf("main %d\n", (int)getpid());
	fflush(stdout);
	open("main-marker", O_RDONLY);
	if (pthread_create(&t, NULL, thread_main, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 2;
	if ((child = fork()) < 0)
		return 2;
	if (child == 0) {
		open("child-marker", O_RDONLY);
		_exit(3);
	}
	printf("child %d\n", (int)child);
	fflush(stdout);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 3)
		return 2;
	return 0;
}
