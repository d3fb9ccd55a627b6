/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The i386 ABI through int $0x80 from a 64-bit program: getpid (20),
 * getppid (64), getuid32 (199) and an unknown i386 number (500 ->
 * -ENOSYS).  lxrun must trap these (never let them pass silently) and
 * answer as the kernel does: compared with the 64-bit calls' results.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static long
int80(long nr)
{
	long ret;

	__asm__ volatile ("int $0x80" : "=a"(ret) : "a"(nr)
	    : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
}

int
main(void)
{
	long pid = int80(20), ppid = int80(64), uid = int80(199);
	long bad = int80(500);

	printf("i386 getpid matches: %d\n", pid == (long)getpid());
	printf("i386 getppid matches: %d\n", ppid == (long)getppid());
	printf("i386 getuid32 matches: %d\n", uid == (long)getuid());
	printf("i386 syscall 500: %ld\n", bad);
	printf("64-bit getpid still works: %d\n",
	    syscall(SYS_getpid) == (long)getpid());
	return 0;
}
