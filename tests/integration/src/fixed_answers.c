/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fixed_answers N: makes N each of rseq(2), vserver (236: Linux has no
 * such call), number 400 (a gap of the table) and number 600 (past it),
 * and prints each one's result and errno once: lxrun answers all four
 * with ENOSYS.  tests/integration/fixed_answers.sh counts lxrun's stops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static const long nrs[] = { SYS_rseq, 236, 400, 600 };
	long n = argc > 1 ? atol(argv[1]) : 1;

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		long r = 0;
		int e = 0;

		for (long k = 0; k < n; k++) {
			errno = 0;
			r = syscall(nrs[i], 0, 0, 0, 0);
			e = errno;
		}
		printf("%ld: %ld %d\n", nrs[i], r, e);
	}
	return 0;
}
