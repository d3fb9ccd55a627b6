/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inotify fd as a file: watches survive close_range and dup2 in the
 * guest; a dup reads whole events as the original does; F_GETFL; poll
 * readiness; a blocking read woken by another process; a signal during a
 * blocking read (EINTR without SA_RESTART, the read goes on with it);
 * fork sharing (each event read once, by parent or child); exec keeps
 * the fd; write gives EBADF.
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "inotify_common.h"

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
set_alarm_handler(int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
}

/* A child that makes file name in d after ms milliseconds. */
static pid_t
later(const char *name, int ms)
{
	pid_t p = fork();

	if (p == 0) {
		char path[64];

		usleep((useconds_t)ms * 1000);
		snprintf(path, sizeof(path), "d/%s", name);
		put_file(path, NULL);
		_exit(0);
	}
	return p;
}

static void
blocking_read(int fd, const char *label)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;

	errno = 0;
	n = read(fd, buf, sizeof(buf));
	printf("%s: %zd %s\n", label, n, n < 0 ? strerror(errno) : "");
	if (n > 0)
		print_events(buf, n);
}

int
main(int argc, char **argv)
{
	struct pollfd pfd;
	int fd, bfd, d, st;
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;
	pid_t p;

	if (argc == 3) {
		/* After exec: the inherited fd still has its events. */
		fd = atoi(argv[2]);
		fcntl(fd, F_SETFL, O_NONBLOCK);
		drain(fd, "after exec");
		return 0;
	}
	CHECK(mkdir("d", 0755));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(fd, "d", IN_CREATE | IN_DELETE));
	printf("F_GETFL: %#x\n", fcntl(fd, F_GETFL));
	errno = 0;
	n = write(fd, "x", 1);
	printf("write: %zd %s\n", n, strerror(errno));

	/* The guest closes everything above its inotify fd. */
	CHECK(syscall(SYS_close_range, fd + 1, ~0U, 0));
	put_file("d/a", NULL);
	drain(fd, "after close_range");
	CHECK(d = dup2(fd, 20));
	put_file("d/b", NULL);
	drain(d, "read through dup2 copy");
	close(fd);
	put_file("d/c", NULL);
	errno = 0;
	n = read(d, buf, 16);
	printf("dup, 16 bytes: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	drain(d, "dup after closing the original");
	CHECK(fd = fcntl(d, F_DUPFD_CLOEXEC, 30));
	close(d);
	put_file("d/e", NULL);
	drain(fd, "F_DUPFD_CLOEXEC copy");

	/* poll */
	pfd.fd = fd;
	pfd.events = POLLIN;
	printf("poll empty: %d\n", poll(&pfd, 1, 0));
	put_file("d/f", NULL);
	st = poll(&pfd, 1, 1000);
	printf("poll after create: %d revents %#x\n", st, pfd.revents);
	drain(fd, "after poll");

	/* Blocking reads on a blocking copy. */
	CHECK(bfd = inotify_init1(0));
	CHECK(inotify_add_watch(bfd, "d", IN_CREATE));
	p = later("g", 100);
	blocking_read(bfd, "blocking read");
	waitpid(p, &st, 0);
	set_alarm_handler(0);
	alarm(1);
	blocking_read(bfd, "blocking read, SIGALRM without SA_RESTART");
	set_alarm_handler(1);
	p = later("h", 2500);	/* well after the alarm, even on a loaded machine */
	alarm(1);
	blocking_read(bfd, "blocking read, SIGALRM with SA_RESTART");
	waitpid(p, &st, 0);

	/* Fork: parent and child share one queue. */
	fflush(stdout);
	put_file("d/i", NULL);
	put_file("d/j", NULL);
	p = fork();
	if (p == 0) {
		n = read(bfd, buf, 32);
		printf("child read %zd\n", n);
		print_events(buf, n);
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, &st, 0);
	n = read(bfd, buf, sizeof(buf));
	printf("parent read %zd\n", n);
	print_events(buf, n);
	n = read(fd, buf, sizeof(buf));
	printf("nonblocking copy read %zd\n", n);
	print_events(buf, n);

	/* exec with the blocking fd kept open. */
	put_file("d/k", NULL);
	fflush(stdout);
	{
		char num[16];

		snprintf(num, sizeof(num), "%d", bfd);
		execl("/proc/self/exe", argv[0], "exec", num, (char *)NULL);
		perror("execl");
	}
	return 1;
}
