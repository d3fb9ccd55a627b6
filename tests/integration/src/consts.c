/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * consts: one call for each kind of named constant the trace prints
 * (flags, enumerations, signals, signal sets, AT_FDCWD, file modes,
 * siginfo codes, ioctl requests...), built static so that its trace is
 * the same under strace and lxrun line for line.  Run in an empty
 * directory.  tests/integration/trace_xstyle.sh compares lxrun's -X raw
 * and -X verbose lines with strace's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static void
on_usr1(int sig)
{
	(void)sig;
}

int
main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	struct timespec ts;
	struct pollfd pfd;
	struct rlimit rl;
	struct stat st;
	sigset_t set;
	int sv[2], word = 0, ep, fd;
	char rnd[8];
	void *m;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &word, sizeof(word));
	send(sv[0], "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(sv[0], SHUT_WR);
	fcntl(sv[1], F_SETFL, O_NONBLOCK | O_APPEND);
	ioctl(sv[1], FIONREAD, &word);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	getrlimit(RLIMIT_NOFILE, &rl);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(m, 4096, PROT_NONE);
	madvise(m, 4096, MADV_DONTNEED);
	ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
	fd = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(fd, ".", IN_CREATE | IN_DELETE);
	fd = memfd_create("m", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	fcntl(fd, F_GETFD);
	getrandom(rnd, sizeof(rnd), GRND_NONBLOCK);
	pfd.fd = sv[1];
	pfd.events = POLLIN | POLLOUT;
	poll(&pfd, 1, 0);
	fstat(fd, &st);
	timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	access("/", R_OK | X_OK);
	mkdir("consts-dir", 0750);
	unlinkat(AT_FDCWD, "consts-dir", AT_REMOVEDIR);
	openat(AT_FDCWD, "consts-file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	lseek(fd, 0, SEEK_END);
	syscall(SYS_close_range, 100, 200, CLOSE_RANGE_CLOEXEC);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return 0;
}
