/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemonize FILE: fork a child that, once its parent is gone, uses an
 * epoll instance (lxrun's emulation must still serve it) and writes what
 * epoll_wait returned into FILE; the parent prints the child's pid and
 * exits 3 at once.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	pid_t pid;

	if (argc < 2)
		return 2;
	if ((pid = fork()) == 0) {
		struct epoll_event ev = { .events = EPOLLIN }, out;
		int ep, efd, n;
		FILE *f;

		setsid();
		usleep(500000);		/* the parent has long exited */
		ep = epoll_create1(0);
		efd = eventfd(1, 0);
		epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
		n = epoll_wait(ep, &out, 1, 2000);
		if ((f = fopen(argv[1], "w")) != NULL) {
			fprintf(f, "epoll_wait = %d\n", n);
			fclose(f);
		}
		_exit(0);
	}
	printf("%d\n", (int)pid);
	return 3;
}
