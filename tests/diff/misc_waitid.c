/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * waitid(2) translated onto the host's wait: idtypes, options, siginfo
 * and rusage in Linux's layout, WNOHANG zeroing, EFAULT reaping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long
wid(int idtype, long id, siginfo_t *si, int opts, struct rusage *ru)
{
	return syscall(SYS_waitid, idtype, id, si, opts, ru);
}

static void
show(const char *what, long r)
{
	if (r < 0)
		printf("waitid(%s) = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("waitid(%s) = %ld\n", what, r);
}

static void
showsi(const siginfo_t *si, pid_t pid)
{
	const unsigned char *b = (const unsigned char *)si;
	int untouched = 1;

	for (size_t i = 28; i < sizeof(*si); i++)
		untouched &= b[i] == 0x5a;
	printf("  signo=%d code=%d pid=%s status=%d tail=%s\n", si->si_signo,
	    si->si_code, si->si_pid == pid ? "child" :
	    si->si_pid == 0 ? "0" : "other", si->si_status,
	    untouched ? "untouched" : "written");
}

static pid_t
child(int how)
{
	pid_t p = fork();

	if (p == 0) {
		if (how < 0)
			for (;;)
				pause();
		_exit(how);
	}
	return p;
}

int
main(void)
{
	siginfo_t si;
	struct rusage ru;
	pid_t p;
	int fd = open("/dev/null", O_RDONLY);

	show("bad options 0", wid(P_ALL, 0, &si, 0, NULL));
	show("WNOHANG only", wid(P_ALL, 0, &si, WNOHANG, NULL));
	show("unknown option", wid(P_ALL, 0, &si, WEXITED | 0x10, NULL));
	show("bad idtype", wid(4, 0, &si, WEXITED, NULL));
	show("P_PID 0", wid(P_PID, 0, &si, WEXITED, NULL));
	show("P_PID -1", wid(P_PID, -1, &si, WEXITED, NULL));
	show("P_PGID -1", wid(P_PGID, -1, &si, WEXITED, NULL));
	show("P_PIDFD -1", wid(P_PIDFD, -1, &si, WEXITED, NULL));
	show("P_PIDFD 99", wid(P_PIDFD, 99, &si, WEXITED, NULL));
	show("P_PIDFD not a pidfd", wid(P_PIDFD, fd, &si, WEXITED, NULL));
	show("no children", wid(P_ALL, 0, &si, WEXITED, NULL));
	show("no children, WNOHANG", wid(P_ALL, 0, &si, WEXITED | WNOHANG,
	    NULL));

	p = child(-1);
	memset(&si, 0x5a, sizeof(si));
	memset(&ru, 0x5a, sizeof(ru));
	show("WNOHANG, nothing yet", wid(P_ALL, 0, &si, WEXITED | WNOHANG,
	    &ru));
	showsi(&si, p);
	printf("  rusage %s\n", ((unsigned char *)&ru)[0] == 0x5a ?
	    "untouched" : "written");
	kill(p, SIGSTOP);
	memset(&si, 0x5a, sizeof(si));
	show("WSTOPPED", wid(P_PID, p, &si, WSTOPPED, NULL));
	showsi(&si, p);
	kill(p, SIGCONT);
	memset(&si, 0x5a, sizeof(si));
	show("WCONTINUED", wid(P_PID, p, &si, WCONTINUED, NULL));
	showsi(&si, p);
	kill(p, SIGKILL);
	memset(&si, 0x5a, sizeof(si));
	show("WNOWAIT", wid(P_PID, p, &si, WEXITED | WNOWAIT, NULL));
	showsi(&si, p);
	show("bad siginfo reaps", wid(P_PID, p, (siginfo_t *)8, WEXITED,
	    NULL));
	show("after EFAULT", wid(P_PID, p, &si, WEXITED | WNOHANG, NULL));

	p = child(3);
	memset(&si, 0x5a, sizeof(si));
	show("bad rusage", wid(P_PID, p, &si, WEXITED, (struct rusage *)8));
	printf("  siginfo %s\n", ((unsigned char *)&si)[0] == 0x5a ?
	    "untouched" : "written");
	show("after bad rusage", wid(P_PID, p, &si, WEXITED, NULL));

	p = child(42);
	memset(&si, 0x5a, sizeof(si));
	memset(&ru, 0x5a, sizeof(ru));
	show("P_PGID 0 with rusage", wid(P_PGID, 0, &si, WEXITED, &ru));
	showsi(&si, p);
	printf("  rusage usec<1e6: %s maxrss>0: %s\n",
	    ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 ?
	    "yes" : "no", ru.ru_maxrss > 0 ? "yes" : "no");

	p = child(5);
	int pfd = (int)syscall(SYS_pidfd_open, p, 0);
	memset(&si, 0x5a, sizeof(si));
	show("P_PIDFD", wid(P_PIDFD, pfd, &si, WEXITED | __WALL, NULL));
	showsi(&si, p);

	p = child(6);
	show("NULL siginfo", wid(P_PID, p, NULL, WEXITED, NULL));
	show("__WCLONE finds none", wid(P_ALL, 0, &si, WEXITED | __WCLONE |
	    WNOHANG, NULL));
	return 0;
}
