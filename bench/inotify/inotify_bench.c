/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify benchmarks (bench/inotify/run.sh runs them natively and under
 * lxrun):
 *   throughput DIR N  a child creates N files in DIR (watched for
 *                     IN_CREATE|IN_DELETE) and deletes them; the parent
 *                     reads every event.  Prints seconds and the events
 *                     read (of 2N).
 *   latency FILE N    write a byte to FILE (watched for IN_MODIFY), time
 *                     until the event is read; N times.  "read" blocks in
 *                     read(); "poll" waits in poll() first, as an event
 *                     loop does.  Prints the mean in microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
throughput(const char *dir, int n)
{
	char buf[65536] __attribute__((aligned(8)));
	long events = 0, overflow = 0;
	int fd, st, done = 0;
	double t0, t1;
	pid_t p;

	mkdir(dir, 0755);
	if ((fd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE) < 0) {
		perror("inotify");
		return 1;
	}
	t0 = now();
	if ((p = fork()) == 0) {
		char path[4096];

		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/f%d", dir, i);
			close(open(path, O_WRONLY | O_CREAT, 0644));
		}
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/f%d", dir, i);
			unlink(path);
		}
		_exit(0);
	}
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;

		if (events >= 2L * n)
			break;
		if (poll(&pfd, 1, done ? 1000 : 100) == 0) {
			if (done)
				break;	/* the child is gone, nothing more */
			if (waitpid(p, &st, WNOHANG) == p)
				done = 1;
			continue;
		}
		while ((r = read(fd, buf, sizeof(buf))) > 0) {
			struct inotify_event *e;

			for (char *q = buf; q < buf + r; q += sizeof(*e) + e->len) {
				e = (struct inotify_event *)(void *)q;
				if (e->mask & IN_Q_OVERFLOW)
					overflow++;
				else
					events++;
			}
		}
	}
	t1 = now();
	if (!done)
		waitpid(p, &st, 0);
	printf("throughput %.3f s, events %ld of %d, overflow %ld\n",
	    t1 - t0, events, 2 * n, overflow);
	return 0;
}

static int
latency(const char *file, int n, int use_poll)
{
	char buf[4096] __attribute__((aligned(8)));
	double total = 0;
	int fd, w;

	if ((w = open(file, O_WRONLY | O_CREAT, 0644)) < 0 ||
	    (fd = inotify_init1(0)) < 0 ||
	    inotify_add_watch(fd, file, IN_MODIFY) < 0) {
		perror("latency");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		double t0 = now();

		if (pwrite(w, "x", 1, 0) != 1)
			return 1;
		if (use_poll) {
			struct pollfd pfd = { fd, POLLIN, 0 };

			poll(&pfd, 1, -1);
		}
		if (read(fd, buf, sizeof(buf)) <= 0)
			return 1;
		total += now() - t0;
	}
	printf("latency-%s %.2f us\n", use_poll ? "poll" : "read",
	    total / n * 1e6);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "throughput") == 0)
		return throughput(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "latency") == 0)
		return latency(argv[2], atoi(argv[3]), 0) ||
		    latency(argv[2], atoi(argv[3]), 1);
	fprintf(stderr, "usage: %s throughput DIR N | latency FILE N\n",
	    argv[0]);
	return 2;
}
