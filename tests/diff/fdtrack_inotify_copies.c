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
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include "fdtrack_common.h"

/* Shared with the children (clone without CLONE_VM, fork). */
static int *nfiles, ifd;

/* Queue 3 more IN_CREATE events (files fN, numbered on), then probe fd. */
static void
check(int fd, const char *who)
{
	char name[16];

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", ++*nfiles);
		mkfile(name);
	}
	if (fd < 0)
		printf("%s: no fd\n", who);
	else
		probe_inotify_fd_flags(fd, who);
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

/* In a clone child: pass fd number d to the parent over pipe pp, exit. */
static __attribute__((noreturn)) void
pass_up(int pp[2], int d)
{
	fflush(stdout);
	if (write(pp[1], &d, sizeof(d)) != sizeof(d))
		_exit(1);
	_exit(0);
}

/* In the parent: say child p's status as WHAT, get what it passed up. */
static int
passed(int pp[2], pid_t p, const char *what)
{
	int d;

	say("parent", what, child_status(p));
	if (read(pp[0], &d, sizeof(d)) != sizeof(d))
		exit(2);
	return d;
}

/* Three clone children, each passing an fd number up over pipe pp. */
static void
shared_table(int pp[2])
{
	int d;
	pid_t p;

	if ((p = clone_files()) == 0) {
		d = dup(ifd);
		check(d, "clone(CLONE_FILES) child's dup");
		pass_up(pp, d);
	}
	d = passed(pp, p, "clone child status");
	check(d, "parent, dup made by the clone child");
	close(d);

	if ((p = clone_files()) == 0)
		pass_up(pp, new_inotify());
	d = passed(pp, p, "clone child status");
	check(d, "parent, inotify made by the clone child");
	/* ifd's queue keeps those 3 events: the next read shows them. */
	close(d);

	if ((p = clone_files()) == 0) {
		if (unshare(CLONE_FILES) < 0)
			_exit(1);
		d = dup(ifd);
		check(d, "unshared clone child's dup");
		pass_up(pp, d);
	}
	d = passed(pp, p, "unshared clone child status");
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
	make_dir("copies");
	nfiles = mmap(NULL, sizeof(*nfiles), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nfiles == MAP_FAILED || pipe(pp) < 0) {
		perror("setup");
		return 2;
	}
	ifd = new_inotify();
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
	say("parent", "forked child status", child_status(p));

	/* The original closed: a copy holds the instance alone. */
	d = fcntl(ifd, F_DUPFD, 150);
	close(ifd);
	check(d, "last copy");
	close(d);
	for (int i = 1; i <= *nfiles; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		rmfile(name);
	}
	remove_dir("");
	return 0;
}
