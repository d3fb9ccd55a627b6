/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -p PID: trace a process that is already running, as strace -p does.
 *
 * Nothing can be emulated for it: its objects were made before lxrun
 * came, and lxrun may not install a seccomp filter in it (a filter stays
 * after lxrun detaches, and with no tracer its RET_TRACE fails calls with
 * ENOSYS).  So its threads are seized without PTRACE_O_EXITKILL (the
 * process lives on when lxrun goes), stopped once (PTRACE_INTERRUPT) and
 * from then on resumed with PTRACE_SYSCALL: every call stops at its entry
 * and exit and is traced as it runs natively (a "trace-only" process,
 * inherited by the children it makes).  lxrun's own SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT detach from everything and end lxrun.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "tracer.h"

#define ATTACH_OPTIONS (LX_PTRACE_OPTIONS & ~PTRACE_O_EXITKILL)

static bool attached_mode;

bool
attach_mode(void)
{
	return attached_mode;
}

/* Seize every thread of pid, again until no new one shows up. */
static int
seize_threads(pid_t pid, struct proc *p, struct mm *m)
{
	char path[64];
	bool more = true;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	while (more) {
		struct dirent *d;
		DIR *dir = opendir(path);

		if (dir == NULL)
			return n > 0 ? 0 : -ESRCH;
		more = false;
		while ((d = readdir(dir)) != NULL) {
			pid_t tid = (pid_t)atoi(d->d_name);

			if (tid <= 0 || task_find(tid) != NULL)
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0, ATTACH_OPTIONS) < 0) {
				int e = errno;

				if (e == ESRCH)
					continue;	/* it just exited */
				closedir(dir);
				return -e;
			}
			ptrace(PTRACE_INTERRUPT, tid, 0, 0);
			if (n++ > 0) {
				p->refs++;
				m->refs++;
			}
			task_new(tid, p, m);
			more = true;
		}
		closedir(dir);
	}
	return 0;
}

int
attach_process(pid_t pid)
{
	struct proc *p = proc_new(pid);
	struct mm *m = mm_new();
	int r;

	attached_mode = true;
	p->checked = true;
	p->trace_only = true;
	if ((r = seize_threads(pid, p, m)) < 0) {
		proc_put(p);
		mm_put(m);
		return r;
	}
	return 0;
}

/*
 * Let one thread go: stop it if it runs, wait for that stop, detach.  A
 * signal it was about to get is handed back with the detach.
 */
static void
detach_task(struct task *t, void *arg)
{
	int st, sig = 0;

	(void)arg;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) == 0) {
		for (;;) {
			if (waitpid(t->tid, &st, __WALL) < 0 ||
			    !WIFSTOPPED(st))
				return;
			sig = WSTOPSIG(st);
			if ((st >> 16) == PTRACE_EVENT_STOP ||
			    sig == (SIGTRAP | 0x80) || (st >> 16) != 0) {
				sig = 0;
				break;
			}
			break;	/* a signal-delivery stop: give it back */
		}
	}
	ptrace(PTRACE_DETACH, t->tid, 0, sig);
}

void
attach_detach_all(void)
{
	task_foreach(detach_task, NULL);
}
