/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /proc/PID/fdinfo/N of an epoll fd reads as Linux's: pos, flags
 * (O_RDWR, O_CLOEXEC), mnt_id and ino of the eventpoll file, then one
 * "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x" line per
 * registration, with the events as the kernel keeps them (EPOLLERR and
 * EPOLLHUP added, a ONESHOT that fired reduced to its private bits).
 * The inode and device of each target are checked against what fstat
 * says of it (they differ between runs); the rest of each line is
 * printed as read, padding included.  Linux lists the registrations in
 * the order of struct file addresses, so the lines are sorted by tfd.
 * Read by path, by openat on the fdinfo directory, through a dup, by
 * /proc/self/task/TID, and from a forked child through /proc/PPID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(x) do { if ((x) < 0) { perror(#x); exit(2); } } while (0)

static int
by_tfd(const void *a, const void *b)
{
	return atoi(*(char *const *)a + 4) - atoi(*(char *const *)b + 4);
}

/* One tfd: line: all but ino and sdev as read, those two against fstat. */
static void
show_tfd(pid_t pid, const char *line)
{
	char path[64], head[256];
	unsigned long ino;
	unsigned sdev;
	struct stat st;
	const char *p = strstr(line, " ino:");
	int tfd;

	if (p == NULL || sscanf(line, "tfd: %d", &tfd) != 1 ||
	    sscanf(p, " ino:%lx sdev:%x", &ino, &sdev) != 2) {
		printf("  unparsed: %s", line);
		return;
	}
	snprintf(head, sizeof(head), "%.*s", (int)(p - line), line);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, tfd);
	if (stat(path, &st) < 0) {
		printf("  %s (target: %s)\n", head, strerror(errno));
		return;
	}
	printf("  %s ino/sdev %s\n", head, ino == st.st_ino &&
	    sdev == (major(st.st_dev) << 20 | minor(st.st_dev)) ?
	    "as fstat" : "differ");
}

static void
show(pid_t pid, int dirfd, const char *path, const char *label)
{
	char buf[16384], *lines[64];
	int fd, nl = 0;
	ssize_t n;

	printf("%s:\n", label);
	if ((fd = openat(dirfd, path, O_RDONLY)) < 0) {
		printf("  open: %s\n", strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		printf("  read: %s\n", strerror(errno));
		return;
	}
	buf[n] = '\0';
	for (char *s = buf, *e; *s != '\0'; s = e + 1) {
		if ((e = strchr(s, '\n')) == NULL) {
			printf("  no newline: %s\n", s);
			break;
		}
		e[0] = '\0';
		if (strncmp(s, "tfd:", 4) != 0)
			printf("  %s\n", s);
		else if (nl < 64)
			lines[nl++] = s;
	}
	qsort(lines, (size_t)nl, sizeof(lines[0]), by_tfd);
	for (int i = 0; i < nl; i++) {
		char l[512];

		snprintf(l, sizeof(l), "%s\n", lines[i]);
		show_tfd(pid, l);
	}
}

static void
add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
}

int
main(void)
{
	char path[64], num[16];
	int ep, ep0, inner, p[2], sv[2], efd, dir, dupfd;
	struct epoll_event ev;
	pid_t child;
	int st;

	CHECK(ep = epoll_create1(EPOLL_CLOEXEC));
	CHECK(ep0 = epoll_create1(0));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	show(getpid(), AT_FDCWD, path, "empty, EPOLL_CLOEXEC");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep0);
	show(getpid(), AT_FDCWD, path, "empty, no flags");

	CHECK(pipe(p));
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK(efd = eventfd(0, EFD_CLOEXEC));
	CHECK(inner = epoll_create1(EPOLL_CLOEXEC));
	add(ep, p[0], EPOLLIN, 0x1122334455667788ULL);
	add(ep, efd, EPOLLOUT | EPOLLET, 7);
	add(ep, sv[0], EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, 0xfeed);
	add(ep, inner, EPOLLIN | EPOLLPRI, 0);
	add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 0xffffffffffffffffULL);
	add(inner, sv[1], EPOLLOUT, 3);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	show(getpid(), AT_FDCWD, path, "five registrations");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", inner);
	show(getpid(), AT_FDCWD, path, "the nested one");

	/* The ONESHOT fires: the kernel keeps its private bits only. */
	CHECK(write(sv[1], "x", 1));
	for (int i = 0; i < 100; i++)
		if (epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 0xfeed)
			break;
	ev.events = EPOLLIN;
	ev.data.u64 = 1;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	CHECK(dir = open("/proc/self/fdinfo", O_RDONLY | O_DIRECTORY));
	snprintf(num, sizeof(num), "%d", ep);
	show(getpid(), dir, num, "ONESHOT fired, MOD, DEL; openat on the "
	    "fdinfo directory");

	/* The pipe's read end closed: its registration goes with it. */
	CHECK(close(p[0]));
	CHECK(dupfd = dup(ep));
	snprintf(num, sizeof(num), "%d", dupfd);
	show(getpid(), dir, num, "a target closed; through a dup");
	snprintf(path, sizeof(path), "/proc/self/task/%d/fdinfo/%d",
	    (int)gettid(), ep);
	show(getpid(), AT_FDCWD, path, "by /proc/self/task/TID");

	fflush(stdout);
	CHECK(child = fork());
	if (child == 0) {
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d",
		    (int)getppid(), ep);
		show(getppid(), AT_FDCWD, path, "a child reads its parent's");
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(child, &st, 0));
	close(dir);
	return 0;
}
