/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A root program that drops to nobody without no_new_privs, then uses the
 * objects whose emulation needs per-fd seccomp rules (issue 16 case 7):
 * a sealed memfd must refuse writes, an inotify fd must read whole events
 * (EINVAL for a buffer too small), and a close of an fd registered with
 * epoll must really close it (the peer sees EOF).  A second thread runs
 * all along, so that it too must be held to the rules.  Run natively and
 * under a root lxrun: the output must be the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int done;
static int sealed_fd = -1;
static long thread_writes_ok;

static void
result(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

/* Keeps trying to write the memfd once it is sealed. */
static void *
sibling(void *arg)
{
	while (!atomic_load(&done)) {
		int fd = atomic_load((atomic_int *)&sealed_fd);

		if (fd >= 0 && pwrite(fd, "x", 1, 0) == 1)
			thread_writes_ok++;
		usleep(100);
	}
	return NULL;
}

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[4096];
	pthread_t th;
	int sv[2], ep, ifd, mfd, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0) {
		printf("needs root\n");
		return 0;
	}
	pthread_create(&th, NULL, sibling, NULL);
	/* setresuid drops every capability; no no_new_privs is set */
	if (setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 1;
	printf("now uid %d\n", (int)geteuid());

	mfd = memfd_create("sealed", MFD_ALLOW_SEALING);
	result("write before the seal", write(mfd, "data", 4));
	result("F_ADD_SEALS", fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE |
	    F_SEAL_SHRINK | F_SEAL_GROW));
	atomic_store((atomic_int *)&sealed_fd, mfd);
	usleep(50000);
	result("write after the seal", write(mfd, "more", 4));
	result("ftruncate after the seal", ftruncate(mfd, 0));
	printf("sibling thread's writes that went through: %ld\n",
	    thread_writes_ok);

	ifd = inotify_init1(IN_NONBLOCK);
	result("inotify_add_watch", inotify_add_watch(ifd, ".", IN_CREATE));
	close(open("created-1", O_CREAT | O_WRONLY, 0644));
	close(open("created-2", O_CREAT | O_WRONLY, 0644));
	result("read into 8 bytes", read(ifd, buf, 8));
	n = (int)read(ifd, buf, sizeof(buf));
	printf("read: %d bytes, first name %s\n", n,
	    n > 0 ? ((struct inotify_event *)buf)->name : "-");

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ep = epoll_create1(0);
	result("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	close(sv[0]);
	{
		struct pollfd p = { sv[1], POLLIN, 0 };

		n = poll(&p, 1, 2000);
		printf("peer after close: %s\n", n == 1 &&
		    read(sv[1], buf, 1) == 0 ? "EOF" : "no EOF");
	}
	atomic_store(&done, 1);
	pthread_join(th, NULL);
	return 0;
}
