/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program that handles a signal, then dies by SIGTERM.  The shell must see
 * 143 (128 + SIGTERM) under lxrun as natively: lxrun dies by the guest's
 * signal.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void
on_usr1(int sig)
{
	got = sig;
}

int
main(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("handled signal %d\n", (int)got);

	/* A blocked SIGTERM stays pending until it is unblocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGTERM);
	sigpending(&set);
	printf("SIGTERM pending while blocked: %d\n",
	    sigismember(&set, SIGTERM));
	fflush(stdout);
	fprintf(stderr, "about to unblock SIGTERM\n");
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	printf("still alive after SIGTERM\n");
	return 0;
}
