/* SPDX-License-Identifier: BSD-2-Clause */
/* N getppid calls (tests/integration/spin.sh stops each with --trap=all). */
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;

	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
