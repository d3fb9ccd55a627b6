/* SPDX-License-Identifier: BSD-2-Clause */
/* waitid(2): validation, and siginfo/rusage written as the kernel does. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/waitid.h"

static long
play_waitid(struct fake_guest *fg, int idtype, int id, void *si,
    unsigned opts, void *ru)
{
	struct lx_call c = { .nr = LX_NR_waitid };
	struct lx_action a;
	long r;

	c.arg[0] = (uint64_t)idtype;
	c.arg[1] = (uint64_t)(uint32_t)id;
	c.arg[2] = FG_ADDR(si);
	c.arg[3] = opts;
	c.arg[4] = FG_ADDR(ru);
	a = lx_sys_waitid(&c, &fg->g);
	if (a.kind == LX_RETURN)
		return a.value;
	assert_int_equal(a.kind, LX_REWRITE);
	assert_int_equal(a.rewrite.nr, LX_NR_waitid);
	r = syscall(a.rewrite.nr, a.rewrite.arg[0], a.rewrite.arg[1],
	    a.rewrite.arg[2], a.rewrite.arg[3], a.rewrite.arg[4]);
	if (r < 0)
		r = -errno;
	return a.on_exit(&c, &fg->g, r);
}

static void
test_check(void **state)
{
	assert_int_equal(lx_waitid_check(LX_P_ALL, 0, LX_WEXITED), 0);
	assert_int_equal(lx_waitid_check(LX_P_ALL, 0, 0), -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_ALL, 0, LX_WNOHANG), -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_ALL, 0, LX_WEXITED | 0x10),
	    -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_ALL, 0, LX_WSTOPPED |
	    LX_WCONTINUED | LX_WNOWAIT | LX___WALL | LX___WCLONE |
	    LX___WNOTHREAD | LX_WNOHANG), 0);
	assert_int_equal(lx_waitid_check(LX_P_PID, 0, LX_WEXITED), -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_PID, -1, LX_WEXITED),
	    -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_PID, 7, LX_WEXITED), 0);
	assert_int_equal(lx_waitid_check(LX_P_PGID, 0, LX_WEXITED), 0);
	assert_int_equal(lx_waitid_check(LX_P_PGID, -1, LX_WEXITED),
	    -LX_EINVAL);
	assert_int_equal(lx_waitid_check(LX_P_PIDFD, 3, LX_WEXITED), 0);
	assert_int_equal(lx_waitid_check(LX_P_PIDFD, -1, LX_WEXITED),
	    -LX_EINVAL);
	assert_int_equal(lx_waitid_check(4, 0, LX_WEXITED), -LX_EINVAL);
	/* Options are checked before the idtype. */
	assert_int_equal(lx_waitid_check(4, 0, 0), -LX_EINVAL);
}

/* A child found: the six fields in Linux's places, the rest untouched. */
static void
test_exit_child(void **state)
{
	struct fake_guest fg;
	unsigned char si[128];
	struct lx_rusage ru;
	struct lx_siginfo *s = (struct lx_siginfo *)si;
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	fg_init(&fg);
	fg_map(&fg, si, sizeof(si));
	fg_map(&fg, &ru, sizeof(ru));
	memset(si, 0x5a, sizeof(si));
	memset(&ru, 0x5a, sizeof(ru));
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, si, LX_WEXITED, &ru),
	    0);
	assert_int_equal(s->si_signo, LX_SIGCHLD);
	assert_int_equal(s->si_errno, 0);
	assert_int_equal(s->si_code, LX_CLD_EXITED);
	assert_int_equal(s->u.sigchld.pid, pid);
	assert_int_equal(s->u.sigchld.uid, getuid());
	assert_int_equal(s->u.sigchld.status, 7);
	assert_int_equal(si[12], 0x5a);		/* padding: not written */
	for (size_t i = LX_WAITID_CHLD_END; i < sizeof(si); i++)
		assert_int_equal(si[i], 0x5a);
	assert_true(ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
	assert_true(ru.ru_maxrss > 0 && ru.ru_maxrss != 0x5a5a5a5a5a5a5a5a);
	/* Reaped: a second wait finds nothing. */
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, si, LX_WEXITED, NULL),
	    -LX_ECHILD);
}

/* WNOHANG with nothing: 0, six fields zeroed, rusage left alone. */
static void
test_wnohang_nothing(void **state)
{
	struct fake_guest fg;
	unsigned char si[128];
	struct lx_rusage ru;
	struct lx_siginfo *s = (struct lx_siginfo *)si;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	fg_init(&fg);
	fg_map(&fg, si, sizeof(si));
	fg_map(&fg, &ru, sizeof(ru));
	memset(si, 0x5a, sizeof(si));
	memset(&ru, 0x5a, sizeof(ru));
	assert_int_equal(play_waitid(&fg, LX_P_ALL, 0, si,
	    LX_WEXITED | LX_WNOHANG, &ru), 0);
	assert_int_equal(s->si_signo, 0);
	assert_int_equal(s->si_code, 0);
	assert_int_equal(s->u.sigchld.pid, 0);
	assert_int_equal(s->u.sigchld.status, 0);
	assert_int_equal(si[32], 0x5a);
	assert_int_equal(((unsigned char *)&ru)[0], 0x5a);
	kill(pid, SIGKILL);
	/* A bad siginfo pointer: EFAULT, and the child is reaped anyway. */
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, (void *)8,
	    LX_WEXITED, NULL), -LX_EFAULT);
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, si, LX_WEXITED |
	    LX_WNOHANG, NULL), -LX_ECHILD);
}

/* Bad rusage pointer: EFAULT before siginfo is written. */
static void
test_bad_rusage(void **state)
{
	struct fake_guest fg;
	unsigned char si[128];
	pid_t pid = fork();

	if (pid == 0)
		_exit(1);
	fg_init(&fg);
	fg_map(&fg, si, sizeof(si));
	memset(si, 0x5a, sizeof(si));
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, si, LX_WEXITED,
	    (void *)8), -LX_EFAULT);
	assert_int_equal(si[0], 0x5a);
	assert_int_equal(play_waitid(&fg, LX_P_ALL, 0, si, LX_WEXITED, NULL),
	    -LX_ECHILD);
	assert_int_equal(play_waitid(&fg, LX_P_ALL, 0, si, 0, NULL),
	    -LX_EINVAL);
}

/* Stopped and continued children: codes and statuses. */
static void
test_stop_continue(void **state)
{
	struct fake_guest fg;
	struct lx_siginfo s;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	fg_init(&fg);
	fg_map(&fg, &s, sizeof(s));
	kill(pid, SIGSTOP);
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, &s, LX_WSTOPPED,
	    NULL), 0);
	assert_int_equal(s.si_code, LX_CLD_STOPPED);
	assert_int_equal(s.u.sigchld.status, LX_SIGSTOP);
	kill(pid, SIGCONT);
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, &s, LX_WCONTINUED,
	    NULL), 0);
	assert_int_equal(s.si_code, LX_CLD_CONTINUED);
	assert_int_equal(s.u.sigchld.status, LX_SIGCONT);
	kill(pid, SIGKILL);
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, &s,
	    LX_WEXITED | LX_WNOWAIT, NULL), 0);
	assert_int_equal(s.si_code, LX_CLD_KILLED);
	assert_int_equal(s.u.sigchld.status, LX_SIGKILL);
	assert_int_equal(play_waitid(&fg, LX_P_PID, pid, &s, LX_WEXITED,
	    NULL), 0);
}

/*
 * Errors write siginfo too: six zero fields on ECHILD, EINVAL, EBADF
 * (padding and the rest untouched), EFAULT instead of the error for a bad
 * infop, and a store that stops at the first unmapped page, as the
 * kernel's own, checked against the kernel.
 */
static void
test_errors_write_siginfo(void **state)
{
	static const struct {
		int idtype, id;
		unsigned opts;
		long want;
	} t[] = {
		{ LX_P_ALL, 0, LX_WEXITED, -LX_ECHILD },
		{ LX_P_ALL, 0, LX_WEXITED | LX_WNOHANG, -LX_ECHILD },
		{ LX_P_ALL, 0, 0, -LX_EINVAL },
		{ LX_P_ALL, 0, LX_WEXITED | 0x10, -LX_EINVAL },
		{ 7, 0, LX_WEXITED, -LX_EINVAL },
		{ LX_P_PID, 0, LX_WEXITED, -LX_EINVAL },
		{ LX_P_PIDFD, 999, LX_WEXITED, -LX_EBADF },
	};
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char mine[128], kern[128];
	struct fake_guest fg;

	assert_true(two != MAP_FAILED);
	assert_int_equal(mprotect(two + pg, pg, PROT_NONE), 0);
	fg_init(&fg);
	fg_map(&fg, mine, sizeof(mine));
	fg_map(&fg, two, pg);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long k;

		memset(mine, 0x5a, sizeof(mine));
		memset(kern, 0x5a, sizeof(kern));
		k = syscall(SYS_waitid, t[i].idtype, t[i].id, kern, t[i].opts,
		    NULL);
		assert_int_equal(k < 0 ? -errno : k, t[i].want);
		assert_int_equal(play_waitid(&fg, t[i].idtype, t[i].id, mine,
		    t[i].opts, NULL), t[i].want);
		assert_memory_equal(mine, kern, sizeof(mine));
		assert_int_equal(mine[0], 0);		/* written */
		assert_int_equal(mine[12], 0x5a);	/* padding */
		assert_int_equal(mine[28], 0x5a);	/* the rest */
		/* NULL infop: the plain error */
		assert_int_equal(play_waitid(&fg, t[i].idtype, t[i].id, NULL,
		    t[i].opts, NULL), t[i].want);
		/* bad infop: EFAULT instead */
		assert_int_equal(play_waitid(&fg, t[i].idtype, t[i].id,
		    (void *)8, t[i].opts, NULL), -LX_EFAULT);
		/* 8 bytes before an unmapped page: signo and errno only */
		memset(two, 0x5a, pg);
		k = syscall(SYS_waitid, t[i].idtype, t[i].id, two + pg - 8,
		    t[i].opts, NULL);
		assert_int_equal(k < 0 ? -errno : k, -LX_EFAULT);
		memcpy(kern, two + pg - 8, 8);
		memset(two, 0x5a, pg);
		assert_int_equal(play_waitid(&fg, t[i].idtype, t[i].id,
		    two + pg - 8, t[i].opts, NULL), -LX_EFAULT);
		assert_memory_equal(two + pg - 8, kern, 8);
		assert_int_equal(two[pg - 8], 0);
	}
	munmap(two, 2 * pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_exit_child),
		cmocka_unit_test(test_wnohang_nothing),
		cmocka_unit_test(test_bad_rusage),
		cmocka_unit_test(test_stop_continue),
		cmocka_unit_test(test_errors_write_siginfo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
