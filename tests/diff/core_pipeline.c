/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shell pipelines through sh -c: printf | sort | uniq -c, a pipeline whose
 * status is its last command's, and a here-document through a subshell.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void
run(const char *cmd)
{
	int st;

	fflush(stdout);
	st = system(cmd);
	if (WIFEXITED(st))
		printf("[exit %d]\n", WEXITSTATUS(st));
	else
		printf("[status %#x]\n", st);
}

int
main(void)
{
	run("printf 'pear\\napple\\npear\\nfig\\napple\\npear\\n' | sort | uniq -c");
	run("printf 'a\\nb\\n' | (cat; exit 4) | wc -l; exit 3");
	run("(echo one; echo two >&2) 2>&1 | tr a-z A-Z | sort -r");
	run("seq 1 2000 | tail -n 3 && cat <<X | rev\nabc\nX\n");
	return 0;
}
