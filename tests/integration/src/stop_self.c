/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stop_self PIDFILE: write our pid, print "stopping", stop with SIGSTOP;
 * once someone sends SIGCONT, print that and exit 0.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t conts;

static void
on_cont(int sig)
{
	(void)sig;
	conts++;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	FILE *f;

	if (argc < 2)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	f = fopen(argv[1], "w");
	if (f == NULL)
		return 2;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	printf("stopping\n");
	fflush(stdout);
	raise(SIGSTOP);
	printf("continued, SIGCONT handled %d time(s)\n", (int)conts);
	return 0;
}
