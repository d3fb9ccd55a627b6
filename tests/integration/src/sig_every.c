/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sig_every PIDFILE: catch every signal a user can send to a program
 * (all but SIGKILL, SIGSTOP, the job-control stops, SIGCHLD, the faults
 * and glibc's own two real-time signals), print "got NAME" for each as
 * it comes, and exit 0 after SIGTERM.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t last;

static void
on_signal(int sig)
{
	char buf[32];
	int n;

	if (sig >= SIGRTMIN)
		n = snprintf(buf, sizeof(buf), "got RT%d\n", sig - SIGRTMIN);
	else
		n = snprintf(buf, sizeof(buf), "got %s\n", sigabbrev_np(sig));
	(void)!write(1, buf, (size_t)n);
	last = sig;
}

static int
skipped(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGTSTP ||
	    sig == SIGTTIN || sig == SIGTTOU || sig == SIGCHLD ||
	    sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	    sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS ||
	    (sig > 31 && sig < SIGRTMIN);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	FILE *f;

	if (argc < 2)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (!skipped(sig))
			sigaction(sig, &sa, NULL);
	if ((f = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	printf("ready\n");
	fflush(stdout);
	while (last != SIGTERM)
		pause();
	return 0;
}
