/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inotify fds across exec: a forked child re-executes this program
 * keeping an inotify fd without O_CLOEXEC, an F_DUPFD copy at 100 or
 * above, and a copy marked close-on-exec by close_range(CLOSE_RANGE_
 * CLOEXEC) and then unmarked with F_SETFD 0; three fds must be gone
 * after exec (EBADF): a second inotify instance marked by close_range
 * (fd, fd, CLOSE_RANGE_CLOEXEC), a dup3(O_CLOEXEC) copy and one inside a
 * close_range(CLOSE_RANGE_CLOEXEC) span.  The exec'ed program checks
 * FIONREAD, F_GETFL, a too small read (EINVAL), one read returning every
 * queued event, EAGAIN and write (EBADF) on each kept fd.  Also opening
 * /proc/self/fd/N of an inotify fd (Linux: ENXIO for every access mode).
 */
#define _GNU_SOURCE
#include "fdtrack_common.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Queue n IN_CREATE events for files PREFIX1, PREFIX2, ... */
static void
fill(const char *prefix, int n)
{
	char name[16];

	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		mkfile(name);
	}
}

static void
reopen(int fd, const char *who)
{
	static const struct { int flags; const char *name; } modes[] = {
		{ O_RDONLY, "O_RDONLY" }, { O_WRONLY, "O_WRONLY" },
		{ O_RDWR, "O_RDWR" }, { O_RDONLY | O_NONBLOCK, "O_NONBLOCK" },
	};
	char path[64], what[64];
	int r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		r = open(path, modes[i].flags);
		snprintf(what, sizeof(what), "open /proc/self/fd/N %s",
		    modes[i].name);
		say(who, what, r < 0 ? -1 : 0);
		if (r >= 0)
			close(r);
	}
}

/* After exec: argv = prog child DIR KEPT KEPT_DUPFD KEPT_RESET GONE... */
static int
after_exec(int argc, char **argv)
{
	int kept = atoi(argv[3]), dupfd = atoi(argv[4]), reset = atoi(argv[5]);

	snprintf(dir, sizeof(dir), "%s", argv[2]);
	for (int i = 6; i < argc; i++)
		say("exec'ed", "F_GETFD of a close-on-exec fd",
		    fcntl(atoi(argv[i]), F_GETFD));
	probe_inotify_fd_flags(kept, "exec'ed, kept fd");
	fill("e", 2);
	probe_inotify_fd_flags(dupfd, "exec'ed, F_DUPFD copy");
	fill("g", 3);
	probe_inotify_fd_flags(reset, "exec'ed, copy with FD_CLOEXEC cleared");
	reopen(kept, "exec'ed");
	fill("h", 1);
	return 0;
}

int
main(int argc, char **argv)
{
	char a[6][16];
	int ifd, gone, gone2, gone3, dupfd, reset;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 6 && strcmp(argv[1], "child") == 0)
		return after_exec(argc, argv);
	make_dir("exec");
	ifd = new_inotify();
	gone = new_inotify();
	say("parent", "close_range one fd CLOEXEC",
	    syscall(SYS_close_range, gone, gone, CLOSE_RANGE_CLOEXEC));
	say("parent", "F_GETFD after close_range", fcntl(gone, F_GETFD));
	gone2 = dup3(ifd, 210, O_CLOEXEC);
	gone3 = dup2(ifd, 240);
	say("parent", "close_range span CLOEXEC",
	    syscall(SYS_close_range, 235, 245, CLOSE_RANGE_CLOEXEC));
	dupfd = fcntl(ifd, F_DUPFD, 100);
	reset = dup2(ifd, 230);
	say("parent", "close_range CLOEXEC",
	    syscall(SYS_close_range, 230, 230, CLOSE_RANGE_CLOEXEC));
	say("parent", "F_SETFD 0", fcntl(reset, F_SETFD, 0));
	if (gone2 < 0 || gone3 < 0 || dupfd < 0 || reset < 0)
		return 2;
	reopen(ifd, "parent");
	reopen(reset, "parent, dup2 copy");
	fill("a", 3);

	snprintf(a[0], sizeof(a[0]), "%d", ifd);
	snprintf(a[1], sizeof(a[1]), "%d", dupfd);
	snprintf(a[2], sizeof(a[2]), "%d", reset);
	snprintf(a[3], sizeof(a[3]), "%d", gone);
	snprintf(a[4], sizeof(a[4]), "%d", gone2);
	snprintf(a[5], sizeof(a[5]), "%d", gone3);
	if ((p = fork()) == 0) {
		execl("/proc/self/exe", argv[0], "child", dir, a[0], a[1],
		    a[2], a[3], a[4], a[5], (char *)NULL);
		perror("execl");
		_exit(127);
	}
	say("parent", "exec'ed child status", child_status(p));
	/* The exec'ed child read the shared queue; its last event is left. */
	probe_inotify_fd_flags(ifd, "parent after the child");
	/* The close-on-exec instance saw every event and was never read. */
	probe_inotify_fd_flags(gone, "parent, second instance");
	remove_dir("a1\0a2\0a3\0e1\0e2\0g1\0g2\0g3\0h1\0");
	return 0;
}
