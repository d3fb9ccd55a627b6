/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec with no free fd below RLIMIT_NOFILE (a soft limit under the hard
 * one), with one and with two.  The kernel's exec needs no fd; lxrun's
 * stub needs one to map a static program.  It first takes lxrun's own fd
 * of the file (pidfd_open, then pidfd_getfd: two fds): with one free
 * that fails after the pidfd_open, and the stub must close the pidfd and
 * open the file by path instead; with none that fails too, and lxrun
 * must raise the soft limit for the stub and put it back.  Otherwise the
 * exec would die past its point of no return.  The child lists its open
 * fds (none of lxrun's may be left in it) and its limit.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void
list_fds(const char *who)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		printf("%s: RLIMIT_NOFILE %lu %lu\n", who,
		    (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	printf("%s: open fds:", who);
	for (int fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			printf(" %d", fd);
	printf("\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	char self[4096];

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		list_fds("child");
		return 3;
	}
	if (realpath(argv[0], self) == NULL) {
		perror("realpath");
		return 2;
	}
	/* only 0, 1 and 2 open: the free ones are those the limit leaves */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	for (int free_fds = 0; free_fds <= 2; free_fds++) {
		struct rlimit rl = { 3 + (rlim_t)free_fds, 64 };
		int st;
		pid_t pid;

		fflush(stdout);
		if ((pid = fork()) == 0) {
			char *av[] = { self, "child", NULL };

			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				_exit(90);
			execv(self, av);
			_exit(91);
		}
		if (waitpid(pid, &st, 0) < 0)
			return 2;
		printf("%d free: %s %d\n", free_fds, WIFEXITED(st) ? "exit" :
		    "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	return 0;
}
