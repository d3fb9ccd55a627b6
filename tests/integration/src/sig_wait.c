/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sig_wait PIDFILE [handle|default]: write our pid to PIDFILE, print
 * "ready", then wait for a signal.  With "handle" (the default) SIGTERM,
 * SIGINT and SIGHUP are caught: print which one came and exit 0.  With
 * "default" they keep their default action (the process dies by them).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void
on_signal(int sig)
{
	got = sig;
}

int
main(int argc, char **argv)
{
	int handle = argc < 3 || strcmp(argv[2], "default") != 0;
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	sigset_t block, old;
	FILE *f;

	if (argc < 2)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handle ? on_signal : SIG_DFL;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	/* Block until we wait, so a signal cannot slip in before it. */
	sigprocmask(SIG_BLOCK, &block, &old);
	f = fopen(argv[1], "w");
	if (f == NULL)
		return 2;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	printf("ready\n");
	fflush(stdout);
	while (got == 0)
		sigsuspend(&old);
	printf("got %s\n", sigabbrev_np(got));
	return 0;
}
