/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EPOLLPRI on files whose poll reports a change once (issue 11): the
 * mount table (/proc/self/mountinfo, /proc/self/mounts, as systemd and
 * udisks watch it) and /proc/sys/kernel/hostname, each change reported
 * once, level- and edge-triggered, to a waiting epoll_wait too.  In its
 * own mount and UTS namespaces: the host's tables do not change.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int ep, ep2;
static char dir[] = "/tmp/lxmntXXXXXX";

static void
show_in(int e, const char *what, int timeout)
{
	struct epoll_event out[8];
	int n = epoll_wait(e, out, 8, timeout);

	printf("%s: %d", what, n);
	/* in the order of data, not of readiness (Linux names none) */
	for (uint64_t d = 1; d <= 8; d++)
		for (int i = 0; i < n; i++)
			if (out[i].data.u64 == d)
				printf(" [%llu %#x]", (unsigned long long)d,
				    out[i].events);
	printf("\n");
}

/* ep, then ep2 (where EPOLLIN makes the mount table always ready) */
static void
show(const char *what, int timeout)
{
	show_in(ep, what, timeout);
	show_in(ep2, " with EPOLLIN", 0);
}

static void
add(int to, const char *path, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	int fd = open(path, O_RDONLY);

	if (fd < 0 || epoll_ctl(to, EPOLL_CTL_ADD, fd, &e) < 0)
		perror(path);
}

int
main(void)
{
	pid_t pid;

	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mkdtemp(dir) == NULL) {
		printf("no private mount namespace here\n");
		return 0;
	}
	ep = epoll_create1(0);
	ep2 = epoll_create1(0);
	add(ep, "/proc/self/mountinfo", EPOLLPRI, 1);
	add(ep, "/proc/self/mounts", EPOLLPRI | EPOLLET, 2);
	add(ep2, "/proc/self/mountinfo", EPOLLIN | EPOLLPRI, 3);
	add(ep, "/proc/sys/kernel/hostname", EPOLLPRI, 4);
	show("at first", 0);
	show("again", 0);

	if (mount("none", dir, "tmpfs", 0, NULL) < 0)
		perror("mount");
	show("after a mount", 1000);
	show("again", 0);
	mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL);
	show("after a remount", 1000);
	umount(dir);
	show("after an umount", 1000);
	show("again", 0);
	sethostname("lxrun-test", 10);
	show("after sethostname", 1000);
	show("again", 0);

	/* a waiting epoll_wait is woken by a mount in another process */
	if ((pid = fork()) == 0) {
		usleep(200 * 1000);
		mount("none", dir, "tmpfs", 0, NULL);
		_exit(0);
	}
	show("waiting, a child mounts", 5000);
	waitpid(pid, NULL, 0);
	show("again", 0);
	umount(dir);
	rmdir(dir);
	show("after an umount", 1000);
	return 0;
}
