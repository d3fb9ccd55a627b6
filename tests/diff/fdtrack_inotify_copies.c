/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every copy of an inotify fd acts as the inotify fd: dup, dup2 to a high
 * free number and over an fd that held a pipe, dup3 with O_CLOEXEC,
 * F_DUPFD and F_DUPFD_CLOEXEC (minimum 100), a dup made by a thread, one
 * made by a clone(CLONE_FILES) child in the table it shares with the
 * parent (probed by both), an inotify instance made by such a child and
 * used by the parent, a dup made after unshare(CLONE_FILES) (absent from
 * the parent's table) and one made by a forked child after unshare.  Each
 * copy: FIONREAD, F_GETFL, a too small read (EINVAL), one read returning
 * every queued event, EAGAIN, write (EBADF).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
/* Shared with the children (clone without CLONE_VM, fork). */
static int *nfiles, ifd;

static void
say(const char *who, const char *what, long r)
{
	if (r < 0)
		printf("%s: %s: -1 %s\n", who, what, strerrorname_np(errno));
	else
		printf("%s: %s: %ld\n", who, what, r);
}

/* Queue n IN_CREATE events (files f1, f2, ... in order). */
static void
fill(int n)
{
	char path[128];
	int fd;

	while (n-- > 0) {
		snprintf(path, sizeof(path), "%s/f%d", dir, ++*nfiles);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
			perror(path);
			exit(2);
		}
		close(fd);
	}
}

static void
probe(int fd, const char *who)
{
	char buf[4096] __attribute__((aligned(8)));
	int avail = -1, fl, nev = 0;
	ssize_t n;

	if (fd < 0) {
		printf("%s: no fd\n", who);
		return;
	}
	say(who, "FIONREAD", ioctl(fd, FIONREAD, &avail) < 0 ? -1 : avail);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		say(who, "F_GETFL", fl);
	else
		printf("%s: F_GETFL: accmode %s nonblock %d\n", who,
		    (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other",
		    (fl & O_NONBLOCK) != 0);
	say(who, "F_GETFD", fcntl(fd, F_GETFD));
	say(who, "read 8 bytes", read(fd, buf, 8));
	n = read(fd, buf, sizeof(buf));
	say(who, "read 4096 bytes", n);
	for (char *p = buf; n > 0 && p < buf + n; nev++) {
		struct inotify_event *e = (struct inotify_event *)(void *)p;
		ssize_t left = buf + n - p - (ssize_t)sizeof(*e);

		/* Never trust a record past the bytes read (lxrun bugs). */
		if (left < 0 || left < (ssize_t)e->len || (e->len > 0 &&
		    strnlen(e->name, e->len) == e->len)) {
			printf("%s:   malformed event\n", who);
			break;
		}
		printf("%s:   event %s%s%s\n", who,
		    e->mask == IN_CREATE ? "CREATE" : "other",
		    e->len > 0 ? " " : "", e->len > 0 ? e->name : "");
		p += sizeof(*e) + e->len;
	}
	printf("%s: events in one read: %d\n", who, nev);
	say(who, "read when empty", read(fd, buf, sizeof(buf)));
	say(who, "write", write(fd, "x", 1));
}

static void
check(int fd, const char *who)
{
	fill(3);
	probe(fd, who);
}

static void *
thread_dup(void *arg)
{
	int d = dup(ifd);

	(void)arg;
	check(d, "thread's dup");
	close(d);
	return NULL;
}

/* A child that shares the fd table (raw clone: no CLONE_VM, own stack). */
static pid_t
clone_files(void)
{
	return (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL,
	    0);
}

static int
status(pid_t p)
{
	int st;

	if (waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The child sends an fd number over pipe pp, probes it, and exits. */
static void
shared_table(int pp[2])
{
	int d = -1;
	pid_t p;

	if ((p = clone_files()) == 0) {
		d = dup(ifd);
		check(d, "clone(CLONE_FILES) child's dup");
		fflush(stdout);
		if (write(pp[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	say("parent", "clone child status", status(p));
	if (read(pp[0], &d, sizeof(d)) != sizeof(d))
		exit(2);
	check(d, "parent, dup made by the clone child");
	close(d);

	if ((p = clone_files()) == 0) {
		d = inotify_init1(IN_NONBLOCK);
		if (d < 0 || inotify_add_watch(d, dir, IN_CREATE) < 0)
			_exit(1);
		fflush(stdout);
		if (write(pp[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	say("parent", "clone child status", status(p));
	if (read(pp[0], &d, sizeof(d)) != sizeof(d))
		exit(2);
	check(d, "parent, inotify made by the clone child");
	/* ifd's queue keeps those 3 events: the next read shows them. */
	close(d);

	if ((p = clone_files()) == 0) {
		if (unshare(CLONE_FILES) < 0)
			_exit(1);
		d = dup(ifd);
		check(d, "unshared clone child's dup");
		fflush(stdout);
		if (write(pp[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	say("parent", "unshared clone child status", status(p));
	if (read(pp[0], &d, sizeof(d)) != sizeof(d))
		exit(2);
	say("parent", "F_GETFD of the unshared child's dup", fcntl(d,
	    F_GETFD));
}

int
main(void)
{
	int pp[2], d, hi, pipefd[2];
	pthread_t t;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	strcpy(dir, "/tmp/fdtrack_copies.XXXXXX");
	nfiles = mmap(NULL, sizeof(*nfiles), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nfiles == MAP_FAILED || mkdtemp(dir) == NULL || pipe(pp) < 0) {
		perror("setup");
		return 2;
	}
	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ifd, dir, IN_CREATE) < 0) {
		perror("inotify");
		return 2;
	}
	check(ifd, "original");
	d = dup(ifd);
	check(d, "dup");
	close(d);
	d = dup2(ifd, 200);
	say("dup2", "to 200", d == 200 ? 0 : -1);
	check(d, "dup2 copy");
	close(d);
	if (pipe(pipefd) < 0)
		return 2;
	d = dup2(ifd, pipefd[0]);
	say("dup2", "over a pipe's fd", d == pipefd[0] ? 0 : -1);
	check(d, "dup2 copy over a pipe");
	close(d);
	close(pipefd[1]);
	d = dup3(ifd, 201, O_CLOEXEC);
	say("dup3", "to 201", d == 201 ? 0 : -1);
	check(d, "dup3 O_CLOEXEC copy");
	close(d);
	d = fcntl(ifd, F_DUPFD, 100);
	say("F_DUPFD", "at least 100", d >= 100 ? 0 : -1);
	check(d, "F_DUPFD copy");
	hi = d;
	d = fcntl(ifd, F_DUPFD_CLOEXEC, 100);
	say("F_DUPFD_CLOEXEC", "above the F_DUPFD copy", d > hi ? 0 : -1);
	check(d, "F_DUPFD_CLOEXEC copy");
	close(d);
	close(hi);

	if (pthread_create(&t, NULL, thread_dup, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 2;
	shared_table(pp);

	fflush(stdout);
	if ((p = fork()) == 0) {
		if (unshare(CLONE_FILES) < 0)
			_exit(1);
		d = dup(ifd);
		check(d, "forked child's dup after unshare");
		_exit(0);
	}
	say("parent", "forked child status", status(p));

	/* The original closed: a copy holds the instance alone. */
	d = fcntl(ifd, F_DUPFD, 150);
	close(ifd);
	check(d, "last copy");
	close(d);
	for (int i = 1; i <= *nfiles; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
