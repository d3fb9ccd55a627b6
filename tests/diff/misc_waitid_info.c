/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The siginfo waitid(2) writes when it finds no child or fails: six zero
 * fields (si_signo, si_errno, si_code, si_pid, si_uid, si_status) on
 * ECHILD, on EINVAL for bad options or idtype, on EBADF for a bad pidfd,
 * and under WNOHANG with nothing to reap; EFAULT instead of the error for
 * a bad infop, and a store that stops at an unmapped page; nothing at all
 * for a NULL infop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static unsigned char *page_end;	/* 8 bytes before a PROT_NONE page */

static long
wid(int idtype, long id, void *si, int opts)
{
	return syscall(SYS_waitid, idtype, id, si, opts, NULL);
}

/* Which bytes changed from the 0x5a fill, and to what. */
static void
dump(const unsigned char *b, size_t n)
{
	int any = 0;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0x5a) {
			printf("%s%zu=%02x", any ? " " : "  written: ", i,
			    b[i]);
			any = 1;
		}
	printf("%s\n", any ? "" : "  nothing written");
}

static void
run(const char *what, int idtype, long id, int opts)
{
	unsigned char si[sizeof(siginfo_t)];
	long r;

	memset(si, 0x5a, sizeof(si));
	r = wid(idtype, id, si, opts);
	printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
	dump(si, sizeof(si));
	r = wid(idtype, id, NULL, opts);
	printf("  NULL infop: %ld %s\n", r, r < 0 ? strerrorname_np(errno) :
	    "");
	r = wid(idtype, id, (void *)16, opts);
	printf("  bad infop: %ld %s\n", r, r < 0 ? strerrorname_np(errno) :
	    "");
	memset(page_end, 0x5a, 8);
	r = wid(idtype, id, page_end, opts);
	printf("  infop 8 bytes before a hole: %ld %s\n", r,
	    r < 0 ? strerrorname_np(errno) : "");
	dump(page_end, 8);
}

int
main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t p;

	if (two == MAP_FAILED || mprotect(two + pg, pg, PROT_NONE) < 0)
		return 1;
	page_end = two + pg - 8;

	run("no children", P_ALL, 0, WEXITED);
	run("no children, WNOHANG", P_ALL, 0, WEXITED | WNOHANG);
	run("options 0", P_ALL, 0, 0);
	run("unknown option", P_ALL, 0, WEXITED | 0x10);
	run("bad idtype", 9, 0, WEXITED);
	run("P_PID 0", P_PID, 0, WEXITED);
	run("P_PGID -1", P_PGID, -1, WEXITED);
	run("P_PIDFD not open", P_PIDFD, 999, WEXITED);

	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	run("WNOHANG, child still running", P_ALL, 0, WEXITED | WNOHANG);
	run("WNOHANG, P_PID of another", P_PID, 1, WEXITED | WNOHANG);
	run("bad options with a child", P_PID, p, 0);
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	run("after the child was reaped", P_PID, p, WEXITED);
	return 0;
}
