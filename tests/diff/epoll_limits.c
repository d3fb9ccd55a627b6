/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Limits are the guest's own, as on Linux (issue 17):
 *  - 300 epoll instances, each with a registration, all work (each used
 *    to cost lxrun a host inotify instance: the 128th failed with ENOMEM),
 *    and lxrun holds no inotify instance for them;
 *  - with exactly one free fd under RLIMIT_NOFILE, epoll_create1 and
 *    inotify_init1 succeed and the objects work (their stand-ins used to
 *    need two fds); with none, EMFILE.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#define NINST 300
#define TOP 64		/* fds 0..TOP-1 in use, TOP the one free */

/* inotify instances a process holds (lxrun, when it is our parent). */
static int
inotify_count(pid_t pid)
{
	char path[320], link[128], dir[64];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL) {
		ssize_t k;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((k = readlink(path, link, sizeof(link) - 1)) < 0)
			continue;
		link[k] = '\0';
		n += strcmp(link, "anon_inode:inotify") == 0;
	}
	closedir(dp);
	return n;
}

static void
many_instances(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	static int ep[NINST], p[2];
	int made = 0, ready = 0;

	pipe(p);
	write(p[1], "x", 1);
	for (int i = 0; i < NINST; i++) {
		if ((ep[i] = epoll_create1(EPOLL_CLOEXEC)) < 0) {
			printf("epoll_create1 #%d: %s\n", i + 1, strerror(errno));
			break;
		}
		made++;
		ev.data.u64 = (uint64_t)i;
		epoll_ctl(ep[i], EPOLL_CTL_ADD, p[0], &ev);
	}
	for (int i = 0; i < made; i++)
		ready += epoll_wait(ep[i], &out, 1, 0) == 1 &&
		    out.data.u64 == (uint64_t)i;
	printf("%d instances made, %d report their pipe; parent holds %d "
	    "inotify instances\n", made, ready, inotify_count(getppid()));
	for (int i = 0; i < made; i++)
		close(ep[i]);
	close(p[0]);
	close(p[1]);
}

/* Fill every fd number below TOP; RLIMIT_NOFILE TOP + 1: one free. */
static void
one_free(void)
{
	struct rlimit rl;
	int fd;

	while ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd < TOP)
		;
	if (fd >= TOP)
		close(fd);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = TOP + 1;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static void
one_fd_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 }, out;
	struct pollfd pf;
	int ep = epoll_create1(0), none, p[2], fl;

	printf("epoll_create1, one free fd: %d%s\n", ep,
	    ep < 0 ? strerror(errno) : "");
	none = epoll_create1(0);
	printf("epoll_create1, none free: %d %s\n", none,
	    none < 0 ? strerror(errno) : "");
	if (ep < 0)
		return;
	fl = fcntl(ep, F_GETFD);
	printf("close-on-exec %s, blocking %s\n", fl & FD_CLOEXEC ? "yes" : "no",
	    fcntl(ep, F_GETFL) & O_NONBLOCK ? "no" : "yes");
	close(10);
	close(11);
	pipe(p);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	pf.fd = ep;
	pf.events = POLLIN;
	printf("empty: poll %d wait %d\n", poll(&pf, 1, 0),
	    epoll_wait(ep, &out, 1, 0));
	write(p[1], "y", 1);
	printf("ready: poll %d", poll(&pf, 1, 1000));
	out.data.u64 = 0;
	fl = epoll_wait(ep, &out, 1, 1000);
	printf(" wait %d data %llu\n", fl, (unsigned long long)out.data.u64);
	close(p[0]);
	close(p[1]);
	open("/dev/null", O_RDONLY);
	open("/dev/null", O_RDONLY);
	close(ep);
}

static void
one_fd_inotify(void)
{
	char buf[256];
	struct inotify_event *e = (void *)buf;
	int in = inotify_init1(IN_CLOEXEC), none, fd;
	ssize_t n;

	printf("inotify_init1, one free fd: %d%s\n", in,
	    in < 0 ? strerror(errno) : "");
	none = inotify_init1(0);
	printf("inotify_init1, none free: %d %s\n", none,
	    none < 0 ? strerror(errno) : "");
	if (in < 0)
		return;
	printf("close-on-exec %s, blocking %s\n",
	    fcntl(in, F_GETFD) & FD_CLOEXEC ? "yes" : "no",
	    fcntl(in, F_GETFL) & O_NONBLOCK ? "no" : "yes");
	/* lxrun's inotify_add_watch needs a free fd of the guest's */
	close(12);
	close(13);
	printf("add_watch: %d\n", inotify_add_watch(in, ".", IN_CREATE));
	fd = open("made", O_CREAT | O_WRONLY, 0600);
	close(fd);
	n = read(in, buf, sizeof(buf));
	printf("read %s: %s\n", n > 0 ? "an event" : "nothing",
	    n > 0 && (e->mask & IN_CREATE) ? e->name : "-");
	close(in);
}

int
main(void)
{
	many_instances();
	one_free();
	one_fd_epoll();
	one_fd_inotify();
	return 0;
}
