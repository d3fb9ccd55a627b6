/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For scan_programs.sh: built with -nostdlib -static, so the syscalls in
 * it are exactly these: write, getpid, getppid and exit_group made
 * directly, getuid and getgid through a wrapper whose number is its
 * argument (found at its two callers).
 */
#define NOIPA __attribute__((noinline, noipa))
#ifdef __clang__
#undef NOIPA
#define NOIPA __attribute__((noinline))
#endif

static inline long
raw3(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return r;
}

static NOIPA long
wrapper(long nr)
{
	return raw3(nr, 0, 0, 0);
}

void _start(void) __attribute__((noreturn));

void
_start(void)
{
	static const char msg[] = "raw\n";

	raw3(1, 1, (long)msg, sizeof(msg) - 1);		/* write */
	raw3(39, 0, 0, 0);				/* getpid */
	wrapper(102);					/* getuid */
	wrapper(104);					/* getgid */
	__asm__ volatile("mov $110, %%eax\n\tsyscall" ::: "rax", "rcx",
	    "r11", "memory");				/* getppid */
	for (;;)
		raw3(231, 0, 0, 0);			/* exit_group */
}
