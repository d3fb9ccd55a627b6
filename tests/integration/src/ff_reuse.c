/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ff_reuse: two children with the same pid, one after the other.  Run as
 * root as pid 1 of a new pid namespace with its own /proc (unshare -pf
 * --mount-proc): the first child opens "first-marker" and exits; once it
 * is reaped, ns_last_pid is set so that the next fork gets its pid again,
 * and the second child opens "second-marker".  Prints "reused PID", or
 * "not reused A B" and exits 2.  trace_ff.sh checks that lxrun -ff keeps
 * both children's lines in FILE.PID.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t
child(const char *marker)
{
	pid_t pid = fork();

	if (pid == 0) {
		open(marker, O_RDONLY);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

int
main(void)
{
	pid_t first, second;
	FILE *f;

	if ((first = child("first-marker")) < 0)
		return 2;
	if ((f = fopen("/proc/sys/kernel/ns_last_pid", "w")) == NULL) {
		perror("ns_last_pid");
		return 2;
	}
	fprintf(f, "%d", (int)first - 1);
	if (fclose(f) != 0) {
		perror("ns_last_pid");
		return 2;
	}
	second = child("second-marker");
	if (second != first) {
		printf("not reused %d %d\n", (int)first, (int)second);
		return 2;
	}
	printf("reused %d\n", (int)first);
	return 0;
}
