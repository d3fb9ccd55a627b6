/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where the supervisor's time goes, stop by stop (docs/perf-stop.md).
 * Built only with -DLX_STOPPROF (make STOPPROF=1); otherwise every mark
 * is an empty statement, so the stop path pays nothing for it.
 *
 * The marks partition the supervisor's wall time: each sp_mark(step)
 * charges the time since the previous mark to step.  At exit the totals
 * are printed per seccomp stop on stderr.
 */
#ifndef LXRUN_STOPPROF_H
#define LXRUN_STOPPROF_H

enum sp_step {
	SP_POLL,	/* asleep in poll: the guest runs, stops, wakes us */
	SP_SIGFD,	/* reading SIGCHLD off the signalfd */
	SP_WAIT,	/* waitpid calls, those that find nothing too */
	SP_HQ,		/* the host event queue of the emulated objects */
	SP_INFO,	/* PTRACE_GET_SYSCALL_INFO */
	SP_BEGIN,	/* call_begin's bookkeeping before dispatch */
	SP_HANDLER,	/* dispatch and the handler (guest memory, host) */
	SP_REGS,	/* GETREGS + SETREGS of the answer */
	SP_DONE,	/* call_done: trace, shortages, scratch, park state */
	SP_RESUME,	/* PTRACE_CONT / PTRACE_SYSCALL */
	SP_OTHER,	/* the rest of the loop */
	SP_NSTEPS
};

#ifdef LX_STOPPROF
void sp_mark(enum sp_step step);
void sp_count_stop(void);
#else
#define sp_mark(step) ((void)0)
#define sp_count_stop() ((void)0)
#endif

#endif
