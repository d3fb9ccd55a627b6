/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /proc/self/fdinfo/N of an epoll fd read in a pid namespace of its own,
 * through that namespace's procfs: the pid in the path names another
 * process in lxrun's view, so lxrun must find the file the guest opened
 * from what that file says, not from the path.  Needs root (exit 77).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static int
child(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	char path[64], buf[4096], *l;
	int ep, p[2], fd;
	ssize_t n;

	if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
		perror("mount proc");
		return 2;
	}
	if ((ep = epoll_create1(0)) < 0 || pipe(p) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("epoll");
		return 2;
	}
	printf("pid in its namespace: %d\n", (int)getpid());
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)getpid(), ep);
	if ((fd = open(path, O_RDONLY)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) < 0) {
		perror(path);
		return 2;
	}
	buf[n] = '\0';
	/* the inode numbers differ from run to run: up to " ino:" */
	for (l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n")) {
		char *ino = strstr(l, " ino:");

		if (strncmp(l, "tfd:", 4) == 0 && ino != NULL)
			*ino = '\0';
		if (strncmp(l, "ino:", 4) != 0 && strncmp(l, "mnt_id:", 7) != 0)
			printf("  %s\n", l);
	}
	fflush(stdout);
	return 0;
}

int
main(void)
{
	int st;
	pid_t pid;

	if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
		fprintf(stderr, "unshare: %s (needs root)\n", strerror(errno));
		return 77;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("mount private");
		return 2;
	}
	fflush(stdout);
	if ((pid = fork()) < 0)
		return 2;
	if (pid == 0)
		_exit(child());
	if (waitpid(pid, &st, 0) < 0)
		return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 3;
}
