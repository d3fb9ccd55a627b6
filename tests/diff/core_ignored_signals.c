/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals the program ignores are invisible (issue 11 part 4).  Linux
 * discards an ignored signal (here SIGCHLD, ignored by default) when it
 * is sent, so a wait goes on; under ptrace it wakes the thread, and the
 * calls that then fail with EINTR rather than a restart code must not:
 * each call below waits 1 s while ten children die 50 ms apart, and must
 * end as natively (its timeout, or what it waited for) after about 1 s
 * (checked loosely, 0.9 to 2.5 s).  A real signal with a handler must
 * still interrupt (EINTR), as must a stop and SIGCONT, as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
children(void)
{
	for (int i = 1; i <= 10; i++)
		if (fork() == 0) {
			usleep((useconds_t)i * 50000);
			_exit(0);
		}
}

static void
reap(void)
{
	while (wait(NULL) > 0)
		;
}

static void
report(const char *name, long r, int e, double d)
{
	printf("%-26s %ld %s, %s\n", name, r, r < 0 ? strerrorname_np(e) : "",
	    d >= 0.9 && d < 2.5 ? "after about 1 s" : "WRONG TIME");
	if (d < 0.9 || d >= 2.5)
		fprintf(stderr, "%s took %.3f s\n", name, d);
}

#define WAIT(name, expr) do {						\
		double t0;						\
		long r;							\
		int e;							\
		children();						\
		t0 = now();						\
		r = (long)(expr);					\
		e = errno;						\
		report(name, r, e, now() - t0);				\
		reap();							\
	} while (0)

static int semid;

/* Lets a semop that waits go after a little more than 1 s. */
static void *
sem_poster(void *arg)
{
	struct sembuf up = { 0, 1, 0 };

	(void)arg;
	usleep(1150000);
	semop(semid, &up, 1);
	return NULL;
}

static void
on_usr1(int sig)
{
	(void)sig;
}

int
main(void)
{
	struct timespec one = { 1, 0 };
	struct sembuf down = { 0, -1, 0 };
	struct epoll_event ev;
	struct io_event evs[1];
	aio_context_t ctx = 0;
	sigset_t set;
	pthread_t th;
	int ep = epoll_create1(0);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	WAIT("sigtimedwait(1 s)", sigtimedwait(&set, NULL, &one));
	semid = semget(IPC_PRIVATE, 1, 0600);
	WAIT("semtimedop(1 s)", semtimedop(semid, &down, 1, &one));
	pthread_create(&th, NULL, sem_poster, NULL);
	WAIT("semop (posted after 1 s)", semop(semid, &down, 1));
	pthread_join(th, NULL);
	semctl(semid, 0, IPC_RMID);
	syscall(SYS_io_setup, 8, &ctx);
	WAIT("io_getevents(1 s)", syscall(SYS_io_getevents, ctx, 1, 1, evs,
	    &one));
	WAIT("epoll_wait(1000)", epoll_wait(ep, &ev, 1, 1000));
	WAIT("nanosleep(1 s)", nanosleep(&one, NULL));
	WAIT("poll(1000)", poll(NULL, 0, 1000));

	/* A signal with a handler interrupts, as on Linux. */
	signal(SIGUSR1, on_usr1);
	if (fork() == 0) {
		usleep(200000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	{
		int r = sigtimedwait(&set, NULL, &one), e = errno;

		printf("sigtimedwait and a handled SIGUSR1: %d %s\n", r,
		    r < 0 ? strerrorname_np(e) : "");
	}
	reap();

	/* A stop and SIGCONT end an epoll_wait with EINTR on Linux. */
	if (fork() == 0) {
		usleep(200000);
		kill(getppid(), SIGSTOP);
		usleep(100000);
		kill(getppid(), SIGCONT);
		_exit(0);
	}
	{
		int r = epoll_wait(ep, &ev, 1, 3000), e = errno;

		printf("epoll_wait and SIGSTOP, SIGCONT: %d %s\n", r,
		    r < 0 ? strerrorname_np(e) : "");
	}
	reap();
	return 0;
}
