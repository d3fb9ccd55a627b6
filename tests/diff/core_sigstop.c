/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Job control between a parent and its children: a child that stops itself
 * with SIGSTOP, one stopped by SIGTSTP, one stopped by its parent's SIGSTOP;
 * the parent sees each stop (WUNTRACED), continues the child with SIGCONT,
 * sees that (WCONTINUED) and then the exit.
 *
 * The parent sends its SIGSTOP once the child sleeps in pause().  A stop
 * signal that lands while a traced child runs its own code can leave the
 * real parent's WCONTINUED wait without a report; strace -f shows the same
 * (docs/semantics.md, "Job control"), and this test is about lxrun, not
 * about that ptrace race.
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
describe(const char *what, int st)
{
	if (WIFSTOPPED(st))
		printf("%s: stopped by %s\n", what, strsignal(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	else if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, strsignal(WTERMSIG(st)));
}

/*
 * Child body: stop by SIG (0: tell the parent we are ready and wait to be
 * stopped), then wait for the parent's go (so that the parent sees the
 * continue before the exit: a child that exits first replaces its
 * "continued" report with its exit status) and exit.
 */
static void
child(int sig, int ready, int go)
{
	struct sigaction sa;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	if (sig != 0) {
		raise(sig);
	} else {
		if (write(ready, "r", 1) != 1)
			_exit(99);
		while (conts == 0)
			pause();
	}
	if (read(go, &c, 1) != 1)
		_exit(98);
	_exit(conts == 1 ? 5 : 6);
}

/* Wait until pid sleeps (in pause(): the only call of the child that blocks). */
static void
wait_asleep(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 10000; i++) {
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

static int
stop_and_continue(const char *what, int sig)
{
	int ready[2], go[2], st;
	char c;
	pid_t pid;

	if (pipe(ready) != 0 || pipe(go) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		child(sig, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (sig == 0) {
		if (read(ready[0], &c, 1) != 1)
			return -1;
		wait_asleep(pid);
		kill(pid, SIGSTOP);
	}
	close(ready[0]);
	if (waitpid(pid, &st, WUNTRACED) != pid)
		return -1;
	describe(what, st);
	kill(pid, SIGCONT);
	if (waitpid(pid, &st, WCONTINUED) != pid)
		return -1;
	describe(what, st);
	if (write(go[1], "g", 1) != 1)
		return -1;
	close(go[1]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	describe(what, st);
	return 0;
}

int
main(void)
{
	if (stop_and_continue("raise(SIGSTOP)", SIGSTOP) != 0 ||
	    stop_and_continue("raise(SIGTSTP)", SIGTSTP) != 0 ||
	    stop_and_continue("kill(child, SIGSTOP)", 0) != 0) {
		perror("stop_and_continue");
		return 1;
	}
	return 0;
}
