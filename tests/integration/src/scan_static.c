/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For scan_programs.sh: a static glibc program that calls syscall() with
 * ioprio_get, a number glibc itself never uses: scan must resolve it at
 * this call into libc's syscall() inside the one static binary.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(void)
{
	long r = syscall(SYS_ioprio_get, 1, 0);

	printf("static %s\n", r >= 0 ? "ok" : "err");
	return 0;
}
