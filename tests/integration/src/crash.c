/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For crash_report.sh: dies of what argv[1] says, after an emulated
 * getrandom so that the report's last syscalls show an emulated answer.
 *   null: a NULL dereference (SIGSEGV)     ud2: SIGILL
 *   div: an integer division by zero (SIGFPE)
 *   reraise: a SIGSEGV handler that restores SIG_DFL and raises again
 *   recover: a SIGSEGV handler that jumps out: no crash, exit 0
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile int *volatile nowhere;
static volatile int zero;

static void
reraise(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
recover(int sig)
{
	siglongjmp(back, 1);
}

int
main(int argc, char **argv)
{
	char buf[8];
	const char *what = argc > 1 ? argv[1] : "null";

	getrandom(buf, sizeof(buf), 0);
	printf("crashing: %s\n", what);
	fflush(stdout);
	if (strcmp(what, "reraise") == 0)
		signal(SIGSEGV, reraise);
	if (strcmp(what, "recover") == 0) {
		signal(SIGSEGV, recover);
		if (sigsetjmp(back, 1) != 0) {
			puts("recovered");
			return 0;
		}
	}
	if (strcmp(what, "ud2") == 0)
		__asm__ volatile("ud2");
	if (strcmp(what, "div") == 0)
		return 10 / zero;
	return *nowhere;
}
