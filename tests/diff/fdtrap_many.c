/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Issue 20, item 1: the rules lxrun adds for the fds of its objects
 * (reads of an inotify fd, writes to a sealed memfd) must not grow with
 * the fd numbers a program has used.  Thousands of inotify fds moved to
 * distinct numbers and hundreds of sealed memfds held at once used to
 * cost one seccomp filter each, until the kernel's cap on filter size
 * sent the process to checked mode (a note on stderr); every syscall of
 * the process ran through all of them meanwhile.
 *
 * Checked here: the objects still behave as Linux's at the highest
 * numbers, a pipe whose numbers share a block with them still works, and
 * the process carries a bounded number of filters (/proc/self/status,
 * Seccomp_filters: natively 0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define NINOTIFY 3000
#define FIRST_HIGH 100
#define NMEMFD 600
#define MAX_FILTERS 150

static int
seccomp_filters(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int
need(int ok, const char *what)
{
	if (!ok) {
		printf("%s: %s\n", what, strerror(errno));
		exit(1);
	}
	return 1;
}

int
main(void)
{
	struct rlimit rl;
	int memfds[NMEMFD], p[2], fd, hi;
	char buf[4096], c;
	ssize_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max < 8192) {
		fprintf(stderr, "RLIMIT_NOFILE hard limit below 8192\n");
		return 77;
	}
	rl.rlim_cur = 8192;
	need(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit");

	/* inotify fds, each moved to a number of its own, then closed */
	for (int i = 0; i < NINOTIFY; i++) {
		need((fd = inotify_init1(IN_CLOEXEC)) >= 0, "inotify_init1");
		need(dup2(fd, FIRST_HIGH + i) == FIRST_HIGH + i, "dup2");
		close(fd);
		close(FIRST_HIGH + i);
	}
	printf("%d inotify fds at %d..%d\n", NINOTIFY, FIRST_HIGH,
	    FIRST_HIGH + NINOTIFY - 1);

	/* sealed memfds, all open at once */
	for (int i = 0; i < NMEMFD; i++) {
		need((memfds[i] = memfd_create("m", MFD_ALLOW_SEALING)) >= 0,
		    "memfd_create");
		need(write(memfds[i], "x", 1) == 1, "write");
		need(fcntl(memfds[i], F_ADD_SEALS, F_SEAL_WRITE) == 0,
		    "F_ADD_SEALS");
	}
	errno = 0;
	n = write(memfds[NMEMFD - 1], "y", 1);
	printf("write to the last sealed memfd: %zd %s\n", n, strerror(errno));
	for (int i = 0; i < NMEMFD; i++)
		close(memfds[i]);
	printf("%d sealed memfds\n", NMEMFD);

	/* an inotify fd at the highest number still reads its events */
	hi = FIRST_HIGH + NINOTIFY + 7;
	need((fd = inotify_init1(0)) >= 0, "inotify_init1");
	need(dup2(fd, hi) == hi, "dup2");
	close(fd);
	need(inotify_add_watch(hi, ".", IN_CREATE) == 1, "inotify_add_watch");
	need((fd = open("created", O_CREAT | O_WRONLY, 0600)) >= 0, "open");
	close(fd);
	n = read(hi, buf, sizeof(buf));
	if (n >= (ssize_t)sizeof(struct inotify_event)) {
		struct inotify_event *ev = (struct inotify_event *)buf;

		printf("event at fd %d: mask %#x name %s\n", hi, ev->mask,
		    ev->len ? ev->name : "");
	} else {
		printf("read at fd %d: %zd %s\n", hi, n, strerror(errno));
	}
	errno = 0;
	n = write(hi, "z", 1);
	printf("write to it: %zd %s\n", n, strerror(errno));
	close(hi);

	/* a pipe among the numbers the inotify fds used */
	need(pipe(p) == 0, "pipe");
	need(dup2(p[0], FIRST_HIGH + 1) == FIRST_HIGH + 1, "dup2");
	need(dup2(p[1], FIRST_HIGH + 2) == FIRST_HIGH + 2, "dup2");
	close(p[0]);
	close(p[1]);
	need(write(FIRST_HIGH + 2, "p", 1) == 1, "pipe write");
	need(read(FIRST_HIGH + 1, &c, 1) == 1, "pipe read");
	printf("pipe at %d/%d: %c\n", FIRST_HIGH + 1, FIRST_HIGH + 2, c);

	n = seccomp_filters();
	if (n >= 0 && n <= MAX_FILTERS)
		printf("seccomp filters: at most %d\n", MAX_FILTERS);
	else
		printf("seccomp filters: %zd\n", n);
	return 0;
}
