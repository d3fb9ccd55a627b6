/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixed mix of calls for the trace, -c and --report tests: getppid x10
 * (native), getrandom x3 (emulated), syscall 500 x2 (unsupported), an
 * openat that fails with ENOENT, ioprio_set x1 (NetBSD lacks it).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(void)
{
	char buf[8];

	for (int i = 0; i < 10; i++)
		syscall(SYS_getppid);
	for (int i = 0; i < 3; i++)
		syscall(SYS_getrandom, buf, sizeof(buf), 0);
	for (int i = 0; i < 2; i++)
		syscall(500, 0, 0, 0, 0, 0, 0);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/lxrun-test", O_RDONLY);
	syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 5);
	printf("done\n");
	return 0;
}
