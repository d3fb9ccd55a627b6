/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The job-control race that ptrace brings (docs/semantics.md, "Job
 * control"): a parent stops and continues a child N times (default 300)
 * and waits for each report.  Natively it always ends; traced (lxrun or
 * strace -f), a SIGSTOP that lands while the child runs its own code can
 * leave the parent's WCONTINUED wait without a report: the alarm then
 * kills it.  With -w the parent waits until the child sleeps in pause()
 * before it sends SIGSTOP, and no run hangs.
 *
 *   cc -O2 -o sigstop_race tools/repro/sigstop_race.c
 *   timeout 30 lxrun ./sigstop_race 300     (exit 0, or killed by SIGALRM)
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t conts;

static void
on_cont(int sig)
{
	(void)sig;
	conts++;
}

static void
wait_asleep(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (;;) {
		if ((f = fopen(path, "re")) == NULL)
			return;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'S')
			return;
		usleep(1000);
	}
}

int
main(int argc, char **argv)
{
	int asleep = argc > 1 && strcmp(argv[1], "-w") == 0;
	int n = argc > 1 + asleep ? atoi(argv[1 + asleep]) : 300;

	for (int k = 0; k < n; k++) {
		int ready[2], go[2], st;
		char c;
		pid_t pid;

		if (pipe(ready) != 0 || pipe(go) != 0)
			return 2;
		if ((pid = fork()) == 0) {
			struct sigaction sa;

			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = on_cont;
			sigaction(SIGCONT, &sa, NULL);
			if (write(ready[1], "r", 1) != 1)
				_exit(99);
			while (conts == 0)
				pause();
			if (read(go[0], &c, 1) != 1)
				_exit(98);
			_exit(5);
		}
		close(ready[1]);
		close(go[0]);
		if (read(ready[0], &c, 1) != 1)
			return 2;
		if (asleep)
			wait_asleep(pid);
		kill(pid, SIGSTOP);
		close(ready[0]);
		alarm(5);
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
			return 3;
		kill(pid, SIGCONT);
		if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
			return 4;
		if (write(go[1], "g", 1) != 1)
			return 2;
		close(go[1]);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			return 5;
		alarm(0);
	}
	printf("%d rounds\n", n);
	return 0;
}
