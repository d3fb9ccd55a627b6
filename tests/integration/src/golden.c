/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program with no libc (built -nostdlib -static) whose every syscall is
 * written out here, so its --trace output is the same on every machine:
 * the golden trace of tests/integration/trace_golden.sh.
 */
#define AT_FDCWD	-100
#define AT_REMOVEDIR	0x200
#define O_WRONLY	01
#define O_CREAT		0100
#define O_TRUNC		01000
#define O_CLOEXEC	02000000
#define F_GETFD		1
#define SEEK_END	2
#define SIGUSR1		10
#define SIG_BLOCK	0

struct timespec {
	long tv_sec;
	long tv_nsec;
};

static long
sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile ("syscall" : "=a"(ret)
	    : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
	    : "rcx", "r11", "memory");
	return ret;
}

#define SYS(nr, ...)	sys_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_n(nr, a, b, c, d, e, f, ...) \
	sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
	    (long)(f))

static const char hello[] = "hello, golden\n";
static const char data[] = "data\n";

void _start(void) __attribute__((noreturn));

void
_start(void)
{
	struct timespec ts = { 0, 1000 };
	unsigned long set = 1UL << (SIGUSR1 - 1), old = 0;
	int fds[2] = { -1, -1 };
	char rnd[8];
	long fd;

	SYS(1, 1, hello, sizeof(hello) - 1);			/* write */
	fd = SYS(257, AT_FDCWD, "golden.txt", O_WRONLY | O_CREAT | O_TRUNC,
	    0644);						/* openat */
	SYS(1, fd, data, sizeof(data) - 1);
	SYS(3, fd);						/* close */
	SYS(257, AT_FDCWD, "/nonexistent/golden", 0, 0);	/* ENOENT */
	SYS(258, AT_FDCWD, "sub", 0755);			/* mkdirat */
	SYS(21, "sub", 0);					/* access */
	SYS(82, "golden.txt", "sub/moved.txt");			/* rename */
	SYS(263, AT_FDCWD, "sub/moved.txt", 0);			/* unlinkat */
	SYS(263, AT_FDCWD, "sub", AT_REMOVEDIR);
	SYS(263, AT_FDCWD, "sub", AT_REMOVEDIR);		/* ENOENT */
	SYS(293, fds, O_CLOEXEC);				/* pipe2 */
	SYS(292, fds[0], 10, 0);				/* dup3 */
	SYS(72, 10, F_GETFD);					/* fcntl */
	SYS(3, 10);
	SYS(3, fds[0]);
	SYS(3, fds[1]);
	SYS(3, fds[1]);						/* EBADF */
	SYS(8, 0, 0, SEEK_END);					/* lseek */
	SYS(14, SIG_BLOCK, &set, &old, 8);			/* rt_sigprocmask */
	SYS(35, &ts, 0);					/* nanosleep */
	SYS(318, rnd, 0, 0);					/* getrandom */
	SYS(500, 0, 0, 0, 0, 0, 0);				/* unknown */
	SYS(231, 0);						/* exit_group */
	for (;;)
		;
}
