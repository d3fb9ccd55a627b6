/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ioprio_set/ioprio_get as syncthing uses them: lower this process's I/O
 * priority to best-effort level 5 and read it back.  Also used by
 * tests/integration/report.sh (NetBSD lacks ioprio_set).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WHO_PROCESS 1
#define CLASS_BE 2
#define PRIO(cls, data) (((cls) << 13) | (data))

static void
show(const char *what, long r)
{
	printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int
main(void)
{
	show("ioprio_set BE/5", syscall(SYS_ioprio_set, WHO_PROCESS, 0,
	    PRIO(CLASS_BE, 5)));
	show("ioprio_get", syscall(SYS_ioprio_get, WHO_PROCESS, 0));
	show("ioprio_set bad class", syscall(SYS_ioprio_set, WHO_PROCESS, 0,
	    PRIO(7, 0)));
	show("ioprio_get bad which", syscall(SYS_ioprio_get, 99, 0));
	return 0;
}
