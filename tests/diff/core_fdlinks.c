/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Emulated objects look like Linux's where a program can tell: readlink
 * of /proc/self/fd/N, /proc/PID/fd/N, /dev/fd/N and readlinkat on an
 * opened /proc/self/fd directory give "anon_inode:[eventpoll]" for an
 * epoll fd and "anon_inode:inotify" for an inotify fd (lxrun's are a pipe
 * and a socket underneath); an ordinary pipe still reads "pipe:[...]", a
 * dup of the epoll fd reads like the original, and a too-small buffer is
 * cut as readlink cuts.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

static void
show(const char *what, const char *path)
{
	char buf[128];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s: error\n", what);
		return;
	}
	buf[n] = '\0';
	/* pipe and socket inode numbers differ from run to run */
	if (strncmp(buf, "pipe:[", 6) == 0)
		strcpy(buf, "pipe:[N]");
	printf("%s: %s\n", what, buf);
}

int
main(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int in = inotify_init1(IN_CLOEXEC);
	int p[2], dup_ep, dir;
	char path[64], buf[8];
	ssize_t n;

	if (ep < 0 || in < 0 || pipe(p) < 0)
		return 1;
	dup_ep = dup(ep);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ep);
	show("epoll /proc/self/fd", path);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), ep);
	show("epoll /proc/PID/fd", path);
	snprintf(path, sizeof(path), "/dev/fd/%d", dup_ep);
	show("dup of epoll /dev/fd", path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in);
	show("inotify", path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	show("plain pipe", path);
	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%d", in);
	n = readlinkat(dir, path, buf, sizeof(buf));
	printf("readlinkat inotify, 8-byte buffer: %zd \"%.*s\"\n", n,
	    (int)(n > 0 ? n : 0), buf);
	return 0;
}
