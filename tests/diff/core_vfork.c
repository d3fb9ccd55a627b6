/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vfork in its three common uses: vfork + exec of another program, vfork +
 * _exit, and posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)).  The parent
 * must stay suspended until the child execs or exits, and sees the exit
 * statuses.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile int touched;

static void
report(const char *what, pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("%s: wait failed\n", what);
		return;
	}
	if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: status %#x\n", what, st);
}

int
main(void)
{
	char *argv[] = { "sh", "-c", "echo spawned; exit 9", NULL };
	pid_t pid;

	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "echo child says hello; exit 7",
		    (char *)NULL);
		_exit(127);
	}
	report("vfork+exec", pid);

	pid = vfork();
	if (pid == 0) {
		/* The child shares our memory until it exits. */
		touched = 42;
		_exit(3);
	}
	report("vfork+_exit", pid);
	printf("child wrote %d into the shared memory\n", touched);

	pid = vfork();
	if (pid == 0) {
		execl("/nonexistent/program", "x", (char *)NULL);
		_exit(126);
	}
	report("vfork+failed exec", pid);

	fflush(stdout);
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0) {
		printf("posix_spawn failed\n");
		return 1;
	}
	report("posix_spawn", pid);
	return 0;
}
