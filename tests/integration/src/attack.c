/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hostile guest for tests/integration/security_*.sh: each subcommand
 * tries to make a root lxrun act on something the guest does not hold or
 * may not read, and prints what it got, so the script can check that the
 * attack failed and that the emulation still answered as Linux does.
 *
 *   fdtable-memfd          memfd_create in a thread with a private fd
 *                          table whose number is a root file in the leader
 *   fdtable-epoll VICTIM   the same for epoll's readiness pipe (VICTIM is
 *                          opened for writing at the write end's number)
 *   fdtable-inotify SECRET DIR READY
 *                          the same for inotify_add_watch(DIR): SECRET is
 *                          at the O_PATH fd's number in the leader; the
 *                          names created in DIR (by the script) are printed
 *   race-memfd VICTIM SECS another thread dup2s VICTIM onto the number a
 *                          memfd_create is about to get
 *   race-inotify SECRET DIR READY SECS
 *                          another thread dup2s SECRET onto the number
 *                          inotify_add_watch(DIR) resolves DIR at
 *   memfd-loop SECS        create memfds holding a secret, for a snooper
 *   snoop DIR SECS         another user: open every new file in DIR
 *   precreate              pre-create the memfd backing names lxrun would
 *                          have used, then memfd_create
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char **av;
static atomic_int stop;

static void
close_from(int lo)
{
	for (int fd = lo; fd < 64; fd++)
		close(fd);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for inotify events until `secs` pass; print each name once. */
static void
print_events(int ifd, double secs)
{
	char buf[4096], seen[64][256];
	int nseen = 0;
	double end = now() + secs;

	while (now() < end) {
		struct pollfd p = { ifd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((n = read(ifd, buf, sizeof(buf))) <= 0)
			continue;
		for (char *q = buf; q < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)q;
			int dup = 0;

			for (int i = 0; e->len && i < nseen; i++)
				dup |= strcmp(seen[i], e->name) == 0;
			if (e->len && !dup && nseen < 64) {
				snprintf(seen[nseen++], 256, "%s", e->name);
				printf("event name %s\n", e->name);
			}
			q += sizeof(*e) + e->len;
		}
	}
	fflush(stdout);
}

static void
ready(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0666);

	if (fd >= 0)
		close(fd);
}

/* ---- a thread with its own fd table ---------------------------------- */

static void *
memfd_thread(void *arg)
{
	char buf[8] = "";
	struct stat st;
	int fd;

	if (unshare(CLONE_FILES) < 0) {
		perror("unshare");
		return NULL;
	}
	close_from(3);
	fd = memfd_create("mine", 0);
	printf("memfd_create = %d\n", fd);
	if (fd >= 0 && fstat(fd, &st) == 0)
		printf("memfd mode %o\n", st.st_mode & 07777);
	if (write(fd, "hello", 5) == 5 && pread(fd, buf, 5, 0) == 5)
		printf("memfd reads %s\n", buf);
	return NULL;
}

static void *
epoll_thread(void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep, efd, n;

	if (unshare(CLONE_FILES) < 0) {
		perror("unshare");
		return NULL;
	}
	close_from(3);
	ep = epoll_create1(0);
	efd = eventfd(0, 0);
	printf("epoll_create1 = %d, eventfd = %d\n", ep, efd);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	eventfd_write(efd, 1);
	n = epoll_wait(ep, &out, 1, 1000);
	printf("epoll_wait = %d\n", n);
	return NULL;
}

static void *
inotify_thread(void *arg)
{
	int ifd = 3, wd;

	if (unshare(CLONE_FILES) < 0) {
		perror("unshare");
		return NULL;
	}
	close_from(4);
	wd = inotify_add_watch(ifd, av[3], IN_CREATE);
	printf("add_watch = %d\n", wd);
	fflush(stdout);
	ready(av[4]);
	print_events(ifd, 3.0);
	return NULL;
}

static int
in_thread(void *(*fn)(void *))
{
	pthread_t th;

	pthread_create(&th, NULL, fn, NULL);
	pthread_join(th, NULL);
	return 0;
}

/* ---- races ------------------------------------------------------------ */

static int race_src, race_dst;

static void *
dup2_loop(void *arg)
{
	while (!atomic_load(&stop)) {
		dup2(race_src, race_dst);
		close(race_dst);
	}
	return NULL;
}

static int
race_memfd(const char *victim, double secs)
{
	pthread_t th;
	double end = now() + secs;
	long n = 0, ok = 0;

	race_src = open(victim, O_RDONLY);
	race_dst = race_src + 1;
	pthread_create(&th, NULL, dup2_loop, NULL);
	while (now() < end) {
		int fd = memfd_create("race", 0);

		n++;
		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("memfd_create: %ld calls, %ld fds\n", n, ok);
	return 0;
}

static int
race_inotify(double secs)
{
	pthread_t th;
	double end = now() + secs;
	int ifd = inotify_init1(0);
	long n = 0, ok = 0;

	race_src = open(av[2], O_PATH);
	race_dst = race_src + 1;
	pthread_create(&th, NULL, dup2_loop, NULL);
	while (now() < end) {
		n++;
		if (inotify_add_watch(ifd, av[3], IN_CREATE) >= 0)
			ok++;
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("add_watch: %ld calls, %ld watches\n", n, ok);
	fflush(stdout);
	ready(av[4]);
	print_events(ifd, 3.0);
	return 0;
}

/* ---- memfd backing files ----------------------------------------------- */

static int
memfd_loop(double secs)
{
	double end = now() + secs;
	long n = 0;

	while (now() < end) {
		int fd = memfd_create("secret", 0);

		if (fd < 0) {
			printf("memfd_create: %s\n", strerrorname_np(errno));
			return 1;
		}
		if (write(fd, "SECRET-CONTENT", 14) != 14)
			return 1;
		usleep(200);
		close(fd);
		n++;
	}
	printf("memfd-loop: %ld memfds\n", n);
	return 0;
}

static int
snoop(const char *dir, double secs)
{
	int ifd = inotify_init1(IN_NONBLOCK), opened = 0, leaked = 0;
	double end = now() + secs;
	char buf[8192], path[512], data[64];

	inotify_add_watch(ifd, dir, IN_CREATE);
	ready(av[4]);
	while (now() < end) {
		ssize_t n = read(ifd, buf, sizeof(buf));

		if (n <= 0) {
			usleep(100);
			continue;
		}
		for (char *q = buf; q < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)q;
			int fd;

			q += sizeof(*e) + e->len;
			if (!e->len)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->name);
			if ((fd = open(path, O_RDWR)) < 0 &&
			    (fd = open(path, O_RDONLY)) < 0)
				continue;
			opened++;
			printf("opened %s\n", e->name);
			usleep(2000);	/* let the owner write */
			memset(data, 0, sizeof(data));
			if (pread(fd, data, sizeof(data) - 1, 0) > 0 &&
			    strstr(data, "SECRET") != NULL)
				leaked++;
			close(fd);
		}
	}
	printf("snoop: opened %d files, read the secret %d times\n", opened,
	    leaked);
	return 0;
}

static int
precreate(void)
{
	char name[128];
	int fd;

	/* The names lxrun used to give: its pid, then 1, 2, 3... */
	for (int i = 1; i <= 64; i++) {
		snprintf(name, sizeof(name), "/dev/shm/.lxrun-memfd-%d-%d",
		    (int)getppid(), i);
		if ((fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0600)) >= 0)
			close(fd);
	}
	fd = memfd_create("after-precreate", 0);
	printf("memfd_create after precreate: %s\n", fd >= 0 ? "ok" :
	    strerrorname_np(errno));
	for (int i = 1; i <= 64; i++) {
		snprintf(name, sizeof(name), "/dev/shm/.lxrun-memfd-%d-%d",
		    (int)getppid(), i);
		unlink(name);
	}
	return fd >= 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int fd;

	av = argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "fdtable-memfd") == 0 && argc == 3) {
		/* fd 3 of the leader: the root file the thread must not touch */
		close_from(3);
		if (open(argv[2], O_RDONLY) != 3)
			return 2;
		return in_thread(memfd_thread);
	}
	if (strcmp(cmd, "fdtable-epoll") == 0 && argc == 3) {
		/* the pipe is 3 (read, the guest's) and 4 (write, lxrun's) */
		close_from(3);
		if (open("/dev/null", O_RDONLY) != 3 ||
		    open(argv[2], O_WRONLY | O_APPEND) != 4)
			return 2;
		return in_thread(epoll_thread);
	}
	if (strcmp(cmd, "fdtable-inotify") == 0 && argc == 5) {
		/* 3: the inotify fd; 4: where the thread's O_PATH fd will be */
		close_from(3);
		if (inotify_init1(0) != 3 || (fd = open(argv[2], O_PATH)) != 4)
			return 2;
		return in_thread(inotify_thread);
	}
	if (strcmp(cmd, "race-memfd") == 0 && argc == 4)
		return race_memfd(argv[2], atof(argv[3]));
	if (strcmp(cmd, "race-inotify") == 0 && argc == 6)
		return race_inotify(atof(argv[5]));
	if (strcmp(cmd, "memfd-loop") == 0 && argc == 3)
		return memfd_loop(atof(argv[2]));
	if (strcmp(cmd, "snoop") == 0 && argc == 5)
		return snoop(argv[2], atof(argv[3]));
	if (strcmp(cmd, "precreate") == 0)
		return precreate();
	fprintf(stderr, "usage: attack CMD ARGS (see the source)\n");
	return 2;
}
