/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spawner PIDFILE N [idle|busy]: fork N children, each of which forks one
 * grandchild; every process appends its pid to PIDFILE, then all wait
 * forever, idle (pause) or busy (a loop of getppid, so a tracer that stops
 * on every syscall has them in syscall stops all the time).  Used to kill
 * lxrun with SIGKILL and check nothing is left behind.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
note_pid(const char *path)
{
	char line[32];
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	int n = snprintf(line, sizeof(line), "%d\n", (int)getpid());

	if (fd < 0 || write(fd, line, n) != n)
		_exit(2);
	close(fd);
}

static void
linger(int busy)
{
	for (;;) {
		if (busy)
			syscall(SYS_getppid);
		else
			pause();
	}
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 2;
	int busy = argc > 3 && strcmp(argv[3], "busy") == 0;

	if (argc < 2)
		return 2;
	note_pid(argv[1]);
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			if (fork() == 0) {
				note_pid(argv[1]);
				linger(busy);
			}
			note_pid(argv[1]);
			linger(busy);
		}
	}
	linger(busy);
}
