/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cost of one stopped system call, for bench/stopcost/run.sh.
 *
 *   stopcost CASE N
 *
 * makes N calls of one kind in a loop and prints
 *   BENCH CASE n=N secs=S result=ok|wrong
 * where S is the loop's own time (CLOCK_MONOTONIC; start-up excluded).
 * The calls are made with syscall() so that libc cannot pick another
 * number (glibc's stat is newfstatat, its epoll_wait may be epoll_pwait):
 * the number is the one lxrun traps and strace -e trace= names.
 *
 *   getppid    getppid(): lxrun never traps it (the control), and under
 *              lxrun --trap=all it is lxrun's own "stop and let it run"
 *   getrandom  getrandom(buf, 1, 0): answered by lxrun at the stop
 *   epwait     epoll_wait(ep, ev, 4, 0) with one fd ready: emulated
 *   epmod      epoll_ctl(ep, EPOLL_CTL_MOD, fd, ...): emulated
 *   stat       newfstatat(AT_FDCWD, "/", &st, 0): translated by lxrun
 *   inoattr    fchmod() of a file an inotify watch asks IN_ATTRIB of, the
 *              event never read (identical unread events are merged, so
 *              the queue keeps one): what making the event costs
 *   inoread    the same fchmod, then read() of the inotify fd, which
 *              finds that one event queued; inoread - inoattr is the
 *              cost of an inotify read with an event queued (emulated)
 *   bare       the same getppid loop, traced by this program's own
 *              minimal tracer: a seccomp filter returns SECCOMP_RET_TRACE
 *              for getppid only, and the tracer does waitpid() and
 *              PTRACE_CONT and nothing else.  That is the floor: the
 *              kernel's cost of one seccomp stop, measured the same way.
 *   barepoll   bare, but the tracer learns of stops as lxrun does:
 *              SIGCHLD blocked and read from a signalfd it polls, then
 *              waitpid(WNOHANG): what that wake-up path adds to a stop.
 *   allowall   the getppid loop under a one-instruction filter that
 *              allows everything: what any seccomp filter costs a call
 *              that is never trapped (the floor of the getppid control)
 *   barenotif  the getppid loop, each call answered by a minimal seccomp
 *              user-notification supervisor (poll, NOTIF_RECV, NOTIF_SEND
 *              of the parent's pid; the listener set to
 *              SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has
 *              it), while the supervisor also ptrace-seizes the child as
 *              lxrun does: the floor of lxrun's notified calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
report(const char *what, long n, double secs, long bad)
{
	printf("BENCH %s n=%ld secs=%.6f result=%s\n", what, n, secs,
	    bad ? "wrong" : "ok");
	fflush(stdout);
}

static long
loop_getppid(long n)
{
	long first = syscall(SYS_getppid), bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) != first)
			bad++;
	return bad;
}

static long
loop_getrandom(long n)
{
	unsigned char b;
	long bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_getrandom, &b, 1, 0) != 1)
			bad++;
	return bad;
}

static int ep, sv[2];

static int
epoll_setup(void)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
	    (ep = epoll_create1(0)) < 0 || write(sv[1], "x", 1) != 1)
		return -1;
	ev.data.fd = sv[0];
	return epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
}

static long
loop_epwait(long n)
{
	struct epoll_event out[4];
	long bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_epoll_wait, ep, out, 4, 0) != 1 ||
		    out[0].data.fd != sv[0])
			bad++;
	return bad;
}

static long
loop_epmod(long n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	long bad = 0;

	for (long i = 0; i < n; i++) {
		ev.data.u64 = (uint64_t)i;
		if (syscall(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, sv[0], &ev) != 0)
			bad++;
	}
	return bad;
}

static long
loop_stat(long n)
{
	struct stat st;
	long bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0) != 0 ||
		    !S_ISDIR(st.st_mode))
			bad++;
	return bad;
}

static int ino, ino_file;
static char ino_path[4096];

static void
inotify_cleanup(void)
{
	unlink(ino_path);
}

/* A file in $TMPDIR, watched for IN_ATTRIB, removed at exit. */
static int
inotify_setup(void)
{
	const char *dir = getenv("TMPDIR");

	snprintf(ino_path, sizeof(ino_path), "%s/stopcost.XXXXXX",
	    dir != NULL ? dir : "/tmp");
	if ((ino_file = mkstemp(ino_path)) < 0)
		return -1;
	atexit(inotify_cleanup);
	if ((ino = inotify_init1(IN_NONBLOCK)) < 0 ||
	    inotify_add_watch(ino, ino_path, IN_ATTRIB) < 0)
		return -1;
	return 0;
}

static long
loop_inoattr(long n)
{
	long bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_fchmod, ino_file, 0600) != 0)
			bad++;
	return bad;
}

static long
loop_inoread(long n)
{
	char buf[4096];
	long bad = 0;

	for (long i = 0; i < n; i++)
		if (syscall(SYS_fchmod, ino_file, 0600) != 0 ||
		    syscall(SYS_read, ino, buf, sizeof(buf)) !=
		    (long)sizeof(struct inotify_event))
			bad++;
	return bad;
}

/* A filter that stops getppid and lets everything else run. */
static int
trap_getppid(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/*
 * The floor: the child stops itself, the parent seizes it, and every
 * seccomp stop is answered by PTRACE_CONT.  The child times its loop.
 */
static int
bare(long n, int use_poll)
{
	struct signalfd_siginfo si[4];
	struct pollfd pfd;
	sigset_t chld;
	pid_t pid;
	int st;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (use_poll) {
		sigprocmask(SIG_BLOCK, &chld, NULL);
		pfd.fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
		pfd.events = POLLIN;
	}

	fflush(stdout);
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		double t0;
		long bad;

		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		raise(SIGSTOP);
		if (trap_getppid() < 0)
			_exit(3);
		t0 = now();
		bad = loop_getppid(n);
		report(use_poll ? "barepoll" : "bare", n, now() - t0, bad);
		_exit(bad != 0);
	}
	if (waitpid(pid, &st, WSTOPPED) != pid ||
	    ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP |
	    PTRACE_O_EXITKILL) < 0 || kill(pid, SIGCONT) < 0)
		return 1;
	for (;;) {
		int sig = 0;
		pid_t got;

		if (use_poll) {
			while ((got = waitpid(pid, &st, __WALL | WNOHANG)) == 0) {
				poll(&pfd, 1, -1);
				if (read(pfd.fd, si, sizeof(si)) < 0)
					return 1;
			}
		} else {
			got = waitpid(pid, &st, __WALL);
		}
		if (got != pid)
			return 1;
		if (WIFEXITED(st))
			return WEXITSTATUS(st);
		if (WIFSIGNALED(st))
			return 1;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			sig = 0;
		else if (st >> 16 == 0 && WSTOPSIG(st) != SIGSTOP)
			sig = WSTOPSIG(st);	/* pass signals on */
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV	(1UL << 5)
#endif

/*
 * The child installs a filter that notifies getppid, hands its listener
 * over (the parent takes it with pidfd_getfd once the child says its
 * number on a pipe) and times its loop; the parent answers.
 */
static int
bare_notif(long n)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	int up[2], down[2], cfd, pidfd, lfd, st;
	pid_t pid, me = getpid();
	char go = 0;

	fflush(stdout);
	if (pipe(up) < 0 || pipe(down) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		double t0;
		long bad = 0;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    (cfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER |
		    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog)) < 0 ||
		    write(up[1], &cfd, sizeof(cfd)) != (ssize_t)sizeof(cfd) ||
		    read(down[0], &go, 1) != 1)
			_exit(3);
		close(cfd);
		t0 = now();
		for (long i = 0; i < n; i++)
			if (syscall(SYS_getppid) != me)
				bad++;
		report("barenotif", n, now() - t0, bad);
		_exit(bad != 0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL) < 0 ||
	    read(up[0], &cfd, sizeof(cfd)) != (ssize_t)sizeof(cfd) ||
	    (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    (lfd = (int)syscall(SYS_pidfd_getfd, pidfd, cfd, 0)) < 0)
		return 1;
	ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, 1UL, 0);
	if (write(down[1], "g", 1) != 1)
		return 1;
	for (long i = 0; i < n; i++) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (poll(&pfd, 1, -1) < 0)
			return 1;
		memset(&req, 0, sizeof(req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			return 1;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = me;
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			return 1;
	}
	if (waitpid(pid, &st, __WALL) != pid)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		long (*loop)(long);
		int (*setup)(void);
	} cases[] = {
		{ "getppid", loop_getppid, NULL },
		{ "getrandom", loop_getrandom, NULL },
		{ "epwait", loop_epwait, epoll_setup },
		{ "epmod", loop_epmod, epoll_setup },
		{ "stat", loop_stat, NULL },
		{ "inoattr", loop_inoattr, inotify_setup },
		{ "inoread", loop_inoread, inotify_setup },
	};
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: stopcost CASE N\n");
		return 2;
	}
	n = atol(argv[2]);
	if (strcmp(argv[1], "bare") == 0)
		return bare(n, 0);
	if (strcmp(argv[1], "barepoll") == 0)
		return bare(n, 1);
	if (strcmp(argv[1], "barenotif") == 0)
		return bare_notif(n);
	if (strcmp(argv[1], "allowall") == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { 1, f };
		double t0;
		long bad;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			perror("seccomp");
			return 1;
		}
		t0 = now();
		bad = loop_getppid(n);
		report("allowall", n, now() - t0, bad);
		return bad != 0;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double t0;
		long bad;

		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		if (cases[i].setup != NULL && cases[i].setup() < 0) {
			perror("setup");
			return 1;
		}
		t0 = now();
		bad = cases[i].loop(n);
		report(cases[i].name, n, now() - t0, bad);
		return bad != 0;
	}
	fprintf(stderr, "stopcost: unknown case %s\n", argv[1]);
	return 2;
}
