/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The supervisor's own pid.  kcmp of one of our fds against a guest's
 * (or against our own epoll sets) names us by pid on every call, and
 * glibc stopped caching getpid() in 2.25: one system call each time,
 * about 1 µs on the VM the project runs on.  lxrun forks only for -D
 * (its tracer is a grandchild): pthread_atfork forgets the value there.
 * The spawned child (clone with CLONE_VM) makes raw system calls only.
 */
#include <pthread.h>
#include <unistd.h>

#include "lxrun/host.h"

static pid_t self;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
forget(void)
{
	self = 0;
}

static void
setup(void)
{
	(void)pthread_atfork(NULL, NULL, forget);
}

pid_t
host_self(void)
{
	if (self == 0) {
		(void)pthread_once(&once, setup);
		self = getpid();
	}
	return self;
}
