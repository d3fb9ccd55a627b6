/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Syscall numbers the table does not know return ENOSYS, as natively, and
 * lxrun reports them served "unsupported": 500, 1000, the x32 getpid
 * (__X32_SYSCALL_BIT | 39) and -1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
try(const char *what, long nr)
{
	long r;

	errno = 0;
	r = syscall(nr, 1, 2, 3, 4, 5, 6);
	printf("%s: ret %ld errno %s\n", what, r,
	    errno ? strerrorname_np(errno) : "0");
}

int
main(void)
{
	try("syscall(500)", 500);
	try("syscall(1000)", 1000);
	try("x32 getpid", 0x40000000L + 39);
	try("syscall(-1)", -1);
	/* A known syscall still works afterwards. */
	printf("getppid works: %d\n", getppid() > 0);
	return 0;
}
