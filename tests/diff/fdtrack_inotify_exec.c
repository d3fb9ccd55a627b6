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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *dir;
static char dirbuf[64];

static void
say(const char *who, const char *what, long r)
{
	if (r < 0)
		printf("%s: %s: -1 %s\n", who, what, strerrorname_np(errno));
	else
		printf("%s: %s: %ld\n", who, what, r);
}

/* Queue n IN_CREATE events for files PREFIX1, PREFIX2, ... */
static void
fill(const char *prefix, int n)
{
	char path[128];
	int fd;

	for (int i = 1; i <= n; i++) {
		snprintf(path, sizeof(path), "%s/%s%d", dir, prefix, i);
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

	dir = argv[2];
	for (int i = 6; i < argc; i++)
		say("exec'ed", "F_GETFD of a close-on-exec fd",
		    fcntl(atoi(argv[i]), F_GETFD));
	probe(kept, "exec'ed, kept fd");
	fill("e", 2);
	probe(dupfd, "exec'ed, F_DUPFD copy");
	fill("g", 3);
	probe(reset, "exec'ed, copy with FD_CLOEXEC cleared");
	reopen(kept, "exec'ed");
	fill("h", 1);
	return 0;
}

int
main(int argc, char **argv)
{
	char a[6][16];
	int ifd, gone, gone2, gone3, dupfd, reset, st;
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 6 && strcmp(argv[1], "child") == 0)
		return after_exec(argc, argv);
	strcpy(dirbuf, "/tmp/fdtrack_exec.XXXXXX");
	if ((dir = mkdtemp(dirbuf)) == NULL)
		return 2;
	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ifd, dir, IN_CREATE) < 0 ||
	    (gone = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(gone, dir, IN_CREATE) < 0) {
		perror("inotify");
		return 2;
	}
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
	if (waitpid(p, &st, 0) < 0)
		return 2;
	say("parent", "exec'ed child status", WIFEXITED(st) ?
	    WEXITSTATUS(st) : 128 + WTERMSIG(st));
	/* The exec'ed child read the shared queue; its last event is left. */
	probe(ifd, "parent after the child");
	/* The close-on-exec instance saw every event and was never read. */
	probe(gone, "parent, second instance");
	for (const char *n = "a1\0a2\0a3\0e1\0e2\0g1\0g2\0g3\0h1\0"; *n; n += 3) {
		char path[128];

		snprintf(path, sizeof(path), "%s/%s", dir, n);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
