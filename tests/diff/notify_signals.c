/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals with a handler installed without SA_RESTART, sent again and
 * again to a thread that calls getrandom (16 bytes) and epoll_wait
 * (timeout 0) in a loop.  Linux never fails either with EINTR: a short
 * getrandom checks for signals only between pages, and epoll_wait with
 * timeout 0 does not wait.  Under lxrun these calls are answered from a
 * seccomp notification, whose wait a signal can end before lxrun took
 * the call: lxrun must make the call again, not let EINTR through.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS	20000

static volatile sig_atomic_t handled;
static volatile int done;
static pid_t target;

static void
on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void *
sender(void *arg)
{
	struct timespec ts = { 0, 20000 };

	(void)arg;
	while (!done) {
		syscall(SYS_tgkill, getpid(), target, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int
main(void)
{
	struct sigaction sa;
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	long eintr_r = 0, eintr_e = 0, other_r = 0, other_e = 0;
	unsigned char b[16];
	pthread_t th;
	int p[2], ep;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART */
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || pipe(p) < 0 ||
	    write(p[1], "x", 1) != 1 || (ep = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("setup");
		return 1;
	}
	target = (pid_t)syscall(SYS_gettid);
	if (pthread_create(&th, NULL, sender, NULL) != 0)
		return 1;
	for (int i = 0; i < ROUNDS; i++) {
		long r = syscall(SYS_getrandom, b, sizeof(b), 0);

		if (r < 0 && errno == EINTR)
			eintr_r++;
		else if (r != (long)sizeof(b))
			other_r++;
		r = syscall(SYS_epoll_wait, ep, out, 4, 0);
		if (r < 0 && errno == EINTR)
			eintr_e++;
		else if (r != 1)
			other_e++;
	}
	done = 1;
	pthread_join(th, NULL);
	printf("getrandom: %ld EINTR, %ld other failures\n", eintr_r, other_r);
	printf("epoll_wait: %ld EINTR, %ld other failures\n", eintr_e,
	    other_e);
	printf("signals handled: %s\n", handled > 0 ? "some" : "none");
	return 0;
}
