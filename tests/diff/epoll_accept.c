/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EPOLL_CTL_ADD accepts exactly the files Linux accepts (issue 11): EPERM
 * for files without a poll method (regular files, directories, /dev/null,
 * /dev/zero, /dev/urandom, procfs files that do not poll, fsopen and
 * fspick fds, memfds), success for the rest (the mount table, pipes,
 * sockets, eventfd, signalfd, timerfd, pidfd, inotify, epoll,
 * userfaultfd, perf events, io_uring, fanotify, ttys).  A kind this host
 * cannot make prints the same failure natively and under lxrun.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int ep;

static void
try(const char *name, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 1 };
	int r;

	if (fd < 0) {
		printf("%-22s cannot be made here: %s\n", name,
		    strerror(errno));
		return;
	}
	r = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	printf("%-22s %s\n", name, r == 0 ? "accepted" : strerror(errno));
	close(fd);
}

int
main(void)
{
	struct perf_event_attr pa;
	struct io_uring_params up;
	sigset_t m;
	int p[2];

	ep = epoll_create1(0);
	try("regular file", open("/etc/passwd", O_RDONLY));
	try("directory", open("/", O_RDONLY | O_DIRECTORY));
	try("/dev/null", open("/dev/null", O_RDONLY));
	try("/dev/zero", open("/dev/zero", O_RDONLY));
	try("/dev/urandom", open("/dev/urandom", O_RDONLY));
	try("/proc/self/stat", open("/proc/self/stat", O_RDONLY));
	try("/proc/self/status", open("/proc/self/status", O_RDONLY));
	try("/proc/self/mounts", open("/proc/self/mounts", O_RDONLY));
	try("/proc/self/mountinfo", open("/proc/self/mountinfo", O_RDONLY));
	try("fsopen", (int)syscall(SYS_fsopen, "tmpfs", 0));
	try("fspick", (int)syscall(SYS_fspick, AT_FDCWD, "/", 0));
	try("memfd", memfd_create("x", 0));
	pipe(p);
	close(p[1]);
	try("pipe", p[0]);
	try("socket", socket(AF_UNIX, SOCK_STREAM, 0));
	try("eventfd", eventfd(0, 0));
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	try("signalfd", signalfd(-1, &m, 0));
	try("timerfd", timerfd_create(CLOCK_MONOTONIC, 0));
	try("pidfd", (int)syscall(SYS_pidfd_open, getpid(), 0));
	try("inotify", inotify_init1(0));
	try("epoll", epoll_create1(0));
	try("userfaultfd", (int)syscall(SYS_userfaultfd, 0));
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_SOFTWARE;
	pa.size = sizeof(pa);
	pa.config = PERF_COUNT_SW_DUMMY;
	pa.disabled = 1;
	try("perf event", (int)syscall(SYS_perf_event_open, &pa, 0, -1, -1,
	    0));
	memset(&up, 0, sizeof(up));
	try("io_uring", (int)syscall(SYS_io_uring_setup, 4, &up));
	try("fanotify", fanotify_init(FAN_CLASS_NOTIF, O_RDONLY));
	try("tty (ptmx)", open("/dev/ptmx", O_RDWR | O_NOCTTY));
	return 0;
}
