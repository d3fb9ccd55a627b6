/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seals and names belong to the object: shared by dups, /proc reopens,
 * fork and SCM_RIGHTS.  A shared mapping is shared across fork.  readlink
 * of /proc/self/fd/N, /proc/PID/fd/N and /dev/fd/N names the memfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A bad buffer the compiler must not see through. */
static char *volatile bad_ptr = (char *)16;

static void
res(const char *what, long r)
{
	if (r < 0)
		printf("%-46s -> %s\n", what, strerror(errno));
	else
		printf("%-46s -> %ld\n", what, r);
	fflush(stdout);
}

static void
link_of(const char *what, const char *path, size_t bufsiz)
{
	char buf[300];
	ssize_t n = readlink(path, buf, bufsiz);

	if (n < 0)
		printf("%-46s -> %s\n", what, strerror(errno));
	else
		printf("%-46s -> %zd \"%.*s\"\n", what, n, (int)n, buf);
	fflush(stdout);
}

static void
send_fd(int sock, int fd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	sendmsg(sock, &msg, 0);
}

static int
recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	int fd = -1;

	if (recvmsg(sock, &msg, 0) == 1 && CMSG_FIRSTHDR(&msg) != NULL)
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	return fd;
}

static void
wait_child(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	fflush(stdout);
}

static void
readlinks(void)
{
	int fd = memfd_create("readlink-me", MFD_CLOEXEC), dfd;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	link_of("readlink /proc/self/fd/N", path, 300);
	link_of("readlink with bufsiz 10", path, 10);
	link_of("readlink with bufsiz 0", path, 0);
	{
		char b[300];
		ssize_t n = readlink(path, bad_ptr, sizeof(b));

		printf("%-46s -> %s\n", "readlink to address 16",
		    n < 0 ? strerror(errno) : "ok");
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), fd);
	link_of("readlink /proc/PID/fd/N", path, 300);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	link_of("readlink /dev/fd/N", path, 300);
	{
		char b[300];
		ssize_t n;

		dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
		snprintf(path, sizeof(path), "%d", fd);
		n = readlinkat(dfd, path, b, sizeof(b));
		printf("%-46s -> %zd \"%.*s\"\n", "readlinkat(fd dir, \"N\")",
		    n, (int)(n > 0 ? n : 0), b);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlinkat(AT_FDCWD, path, b, sizeof(b));
		printf("%-46s -> %zd \"%.*s\"\n", "readlinkat(AT_FDCWD, path)",
		    n, (int)(n > 0 ? n : 0), b);
		close(dfd);
	}
	link_of("readlink /proc/self/fd/999", "/proc/self/fd/999", 300);
	link_of("readlink of a plain symlink", "/proc/self/cwd/../..", 300);
	close(fd);
}

int
main(void)
{
	int fd, fd2, ro, sv[2];
	char path[64], c;
	pid_t pid;
	char *m;

	setvbuf(stdout, NULL, _IOLBF, 0);
	readlinks();

	/* dups and /proc reopens share seals */
	fd = memfd_create("shared", MFD_ALLOW_SEALING);
	write(fd, "hello", 5);
	fd2 = dup(fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY);
	res("seal SHRINK through a dup", fcntl(fd2, F_ADD_SEALS,
	    F_SEAL_SHRINK));
	res("seals through the first fd", fcntl(fd, F_GET_SEALS));
	res("seals through a read-only reopen", fcntl(ro, F_GET_SEALS));
	res("add through the read-only reopen", fcntl(ro, F_ADD_SEALS,
	    F_SEAL_GROW));
	{
		char b[8] = { 0 };

		res("read through the reopen", pread(ro, b, 5, 0));
		printf("  data: %s\n", b);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ro);
	link_of("readlink of the reopen", path, 300);

	/* fork: the child shares the object, seals, name */
	if ((pid = fork()) == 0) {
		res("child: seals", fcntl(fd, F_GET_SEALS));
		res("child: add GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
		res("child: write past the end", pwrite(fd, "x", 1, 5));
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		link_of("child: readlink", path, 300);
		_exit(0);
	}
	wait_child(pid);
	res("parent: seals after the child's", fcntl(fd, F_GET_SEALS));
	res("parent: write past the end", pwrite(fd, "x", 1, 5));
	res("parent: write inside", pwrite(fd, "j", 1, 0));

	/* a shared mapping across fork */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if ((pid = fork()) == 0) {
		m[1] = 'E';
		_exit(0);
	}
	wait_child(pid);
	printf("parent sees the child's store: %.5s\n", m);
	res("WRITE while a shared mapping exists", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_WRITE));
	munmap(m, 4096);
	res("WRITE after munmap", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));

	/* a child forked after the seal is held to it */
	if ((pid = fork()) == 0) {
		res("late child: write", write(fd, "x", 1));
		res("late child: write through a dup", write(dup(fd), "x", 1));
		res("late child: mmap shared rw", mmap(NULL, 4096,
		    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ?
		    -1 : 0);
		_exit(0);
	}
	wait_child(pid);

	/* SCM_RIGHTS to a child */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		int got;

		close(sv[0]);
		got = recv_fd(sv[1]);
		res("receiver: seals", fcntl(got, F_GET_SEALS));
		res("receiver: write", pwrite(got, "x", 1, 0));
		snprintf(path, sizeof(path), "/proc/self/fd/%d", got);
		link_of("receiver: readlink", path, 300);
		{
			char *p = mmap(NULL, 5, PROT_READ, MAP_SHARED, got, 0);

			printf("receiver: maps %.5s\n", p);
		}
		res("receiver: add SEAL", fcntl(got, F_ADD_SEALS,
		    F_SEAL_SEAL));
		write(sv[1], "d", 1);
		_exit(0);
	}
	close(sv[1]);
	{
		int sealme = memfd_create("passed", MFD_ALLOW_SEALING);

		write(sealme, "world", 5);
		fcntl(sealme, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW);
		send_fd(sv[0], sealme);
		close(sealme);
		read(sv[0], &c, 1);
	}
	wait_child(pid);

	/* sealed before fork? no: fork, then the parent seals */
	fd = memfd_create("late-seal", MFD_ALLOW_SEALING);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		read(sv[1], &c, 1);
		res("early child: seals after the parent's",
		    fcntl(fd, F_GET_SEALS));
		res("early child: write", write(fd, "x", 1));
		_exit(0);
	}
	res("parent: seal WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	write(sv[0], "g", 1);
	wait_child(pid);
	return 0;
}
