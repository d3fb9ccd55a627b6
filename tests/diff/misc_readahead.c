/* SPDX-License-Identifier: BSD-2-Clause */
/* readahead(2) translated onto posix_fadvise(WILLNEED): every errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
ra(const char *what, int fd, long off, long count)
{
	long r = syscall(SYS_readahead, fd, off, count);

	if (r < 0)
		printf("readahead(%s) = -1 %s\n", what,
		    strerrorname_np(errno));
	else
		printf("readahead(%s) = %ld\n", what, r);
}

int
main(void)
{
	int p[2], s[2];
	int f = open("/etc/passwd", O_RDONLY);
	int w = open("wfile", O_WRONLY | O_CREAT, 0644);
	int rw = open("wfile", O_RDWR);
	int d = open(".", O_RDONLY);
	int n = open("/dev/null", O_RDONLY);
	int op = open("/etc/passwd", O_PATH);
	int m = memfd_create("ra", 0);
	int pr = open("/proc/self/status", O_RDONLY);

	pipe(p);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	write(rw, "hello", 5);
	ra("regular file", f, 0, 4096);
	ra("read-write file", rw, 0, 10);
	ra("write-only file", w, 0, 10);
	ra("O_PATH fd", op, 0, 10);
	ra("pipe read end", p[0], 0, 10);
	ra("pipe write end", p[1], 0, 10);
	ra("socket", s[0], 0, 10);
	ra("directory", d, 0, 10);
	ra("char device", n, 0, 10);
	ra("memfd", m, 0, 10);
	ra("procfs file", pr, 0, 10);
	ra("closed fd", 999, 0, 10);
	ra("fd -1", -1, 0, 10);
	ra("count 0", f, 0, 0);
	ra("negative offset", f, -1, 10);
	ra("negative count", f, 0, -1);
	ra("both negative", f, -5, -5);
	ra("huge offset", f, 1L << 62, 10);
	ra("huge count", f, 5, INT64_MAX);
	ra("pipe, negative count", p[0], 0, -1);
	return 0;
}
