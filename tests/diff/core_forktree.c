/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fork/exec/wait tree three levels below the root: every process forks
 * two children that re-exec this program (through /proc/self/exe) with
 * their depth and index.  A child's stdout is a pipe to its parent, which
 * reads its children in order and prints their reports indented under its
 * own, so the output is deterministic although the children run at the
 * same time.  Exit statuses travel up too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXDEPTH 3
#define FANOUT 2

struct child {
	pid_t pid;
	int fd;
};

static int
spawn(int depth, int index, struct child *c)
{
	char d[16], i[16];
	int p[2];

	if (pipe(p) != 0)
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		snprintf(d, sizeof(d), "%d", depth);
		snprintf(i, sizeof(i), "%d", index);
		execl("/proc/self/exe", "core_forktree", d, i, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

/* Copy a child's report to stdout, indented one step. */
static void
relay(int fd)
{
	FILE *f = fdopen(fd, "r");
	char line[256];

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		printf("  %s", line);
	if (f != NULL)
		fclose(f);
}

int
main(int argc, char **argv)
{
	int depth = argc > 1 ? atoi(argv[1]) : 0;
	int index = argc > 2 ? atoi(argv[2]) : 0;
	struct child c[FANOUT];
	int sum = depth * 10 + index;

	printf("depth %d index %d ppid-alive %d\n", depth, index,
	    getppid() > 1);
	fflush(stdout);
	if (depth == MAXDEPTH)
		return sum;

	for (int i = 0; i < FANOUT; i++)
		if (spawn(depth + 1, i, &c[i]) != 0) {
			perror("spawn");
			return 100;
		}
	for (int i = 0; i < FANOUT; i++) {
		int st;

		relay(c[i].fd);
		if (waitpid(c[i].pid, &st, 0) != c[i].pid) {
			perror("waitpid");
			return 101;
		}
		if (!WIFEXITED(st)) {
			printf("  child %d did not exit: %#x\n", i, st);
			continue;
		}
		printf("  child %d exit %d\n", i, WEXITSTATUS(st));
		sum += WEXITSTATUS(st);
	}
	/* No child is left: wait must say so. */
	errno = 0;
	if (wait(NULL) != -1 || errno != ECHILD)
		printf("  wait after all: unexpected errno %d\n", errno);
	printf("depth %d sum %d\n", depth, sum);
	return depth == 0 ? 0 : sum % 256;
}
