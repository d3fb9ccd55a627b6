/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ioprio_set/ioprio_get kept per thread by lxrun: classes, levels, hints,
 * which/who, EINVAL/ESRCH/EPERM, and inheritance across fork and threads.
 * Only values that do not depend on the rest of the system are printed
 * (IOPRIO_WHO_USER for root would include every kernel thread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROCESS	1
#define PGRP	2
#define USER	3
#define V(c, l)	(((c) << 13) | (l))

static void
show(const char *what, long r)
{
	if (r < 0)
		printf("%s = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s = %ld (class %ld, data %ld)\n", what, r, r >> 13,
		    r & 0x1fff);
}

static long
set(int which, int who, int prio)
{
	return syscall(SYS_ioprio_set, which, who, prio);
}

static long
get(int which, int who)
{
	return syscall(SYS_ioprio_get, which, who);
}

static void *
thread_main(void *arg)
{
	show("  thread: get(PROCESS, 0), inherited", get(PROCESS, 0));
	show("  thread: set(PROCESS, 0, BE 1)", set(PROCESS, 0, V(2, 1)));
	show("  thread: get(PROCESS, 0)", get(PROCESS, 0));
	return arg;
}

int
main(void)
{
	pthread_t t;
	pid_t c;
	int st;

	setvbuf(stdout, NULL, _IONBF, 0);
	setpgid(0, 0);		/* a group of our own, for PGRP */
	show("fresh get(PROCESS, 0)", get(PROCESS, 0));
	show("fresh get(PROCESS, self)", get(PROCESS, getpid()));
	show("fresh get(PGRP, 0)", get(PGRP, 0));
	show("set(PROCESS, 0, BE 7)", set(PROCESS, 0, V(2, 7)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("set(PROCESS, 0, BE 0 + hint)", set(PROCESS, 0, V(2, 8)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("set(PROCESS, 0, IDLE 5)", set(PROCESS, 0, V(3, 5)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("set(PROCESS, 0, RT 4) as root", set(PROCESS, 0, V(1, 4)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("set(PROCESS, 0, NONE 0)", set(PROCESS, 0, V(0, 0)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("get(PGRP, 0), NONE from nice", get(PGRP, 0));
	show("set(PROCESS, 0, 0x10000|BE 3) truncated",
	    set(PROCESS, 0, 0x10000 | V(2, 3)));
	show("get(PROCESS, 0)", get(PROCESS, 0));
	show("set(NONE 5)", set(PROCESS, 0, V(0, 5)));
	show("set(class 4)", set(PROCESS, 0, V(4, 0)));
	show("set(class 7)", set(PROCESS, 0, V(7, 0)));
	show("set(-1)", set(PROCESS, 0, -1));
	show("set(which 0)", set(0, 0, V(2, 0)));
	show("set(which 9)", set(9, 0, V(2, 0)));
	show("get(which 0)", get(0, 0));
	show("get(which 4)", get(4, 0));
	show("set(PROCESS, -5)", set(PROCESS, -5, V(2, 0)));
	show("get(PROCESS, -5)", get(PROCESS, -5));
	show("set(PROCESS, 999999)", set(PROCESS, 999999, V(2, 0)));
	show("get(PROCESS, 999999)", get(PROCESS, 999999));
	show("get(PGRP, 999999)", get(PGRP, 999999));
	show("set(PGRP, 999999)", set(PGRP, 999999, V(2, 0)));
	show("get(PGRP, -1)", get(PGRP, -1));
	show("get(USER, 987654), nobody", get(USER, 987654));

	show("set(PROCESS, 0, IDLE 0)", set(PROCESS, 0, V(3, 0)));
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
	show("main after thread: get(PROCESS, 0)", get(PROCESS, 0));

	c = fork();
	if (c == 0) {
		show("  child: get(PROCESS, 0), inherited", get(PROCESS, 0));
		show("  child: set(PGRP, 0, BE 2)", set(PGRP, 0, V(2, 2)));
		show("  child: get(PGRP, 0)", get(PGRP, 0));
		_exit(0);
	}
	waitpid(c, &st, 0);
	show("parent after child's PGRP set", get(PROCESS, 0));

	show("set(PROCESS, 0, NONE 0)", set(PROCESS, 0, V(0, 0)));
	c = fork();
	if (c == 0) {
		show("  child of NONE: get(PROCESS, 0)", get(PROCESS, 0));
		_exit(0);
	}
	waitpid(c, &st, 0);

	c = fork();
	if (c == 0) {
		/* A user of its own: USER then sees only this process. */
		if (setresuid(54321, 54321, 54321) != 0)
			_exit(1);
		show("  uid 54321: set(RT 0) without CAP", set(PROCESS, 0,
		    V(1, 0)));
		show("  uid 54321: set(USER, 0, IDLE 3)", set(USER, 0,
		    V(3, 3)));
		show("  uid 54321: get(USER, 54321)", get(USER, 54321));
		show("  uid 54321: get(USER, 0)", get(USER, 0));
		show("  uid 54321: set(PROCESS, parent)", set(PROCESS,
		    getppid(), V(2, 0)));
		_exit(0);
	}
	waitpid(c, &st, 0);
	return 0;
}
