/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stop-path profile (stopprof.h): per-step time totals, printed per
 * seccomp stop when lxrun exits.  Compiled to nothing unless LX_STOPPROF.
 */
#ifdef LX_STOPPROF
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stopprof.h"

static const char *const step_name[SP_NSTEPS] = {
	[SP_POLL] = "poll (asleep: guest runs, stops, wakes us)",
	[SP_SIGFD] = "signalfd read",
	[SP_WAIT] = "waitpid",
	[SP_HQ] = "host queue dispatch",
	[SP_INFO] = "PTRACE_GET_SYSCALL_INFO",
	[SP_BEGIN] = "call_begin bookkeeping",
	[SP_HANDLER] = "dispatch + handler",
	[SP_REGS] = "GETREGS + SETREGS",
	[SP_DONE] = "call_done",
	[SP_RESUME] = "PTRACE_CONT",
	[SP_OTHER] = "loop, other",
};

static int64_t last_ns, total_ns[SP_NSTEPS];
static long marks[SP_NSTEPS], stops;

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
sp_report(void)
{
	int64_t all = 0;
	long per = stops > 0 ? stops : 1;

	for (int i = 0; i < SP_NSTEPS; i++)
		all += total_ns[i];
	fprintf(stderr, "lxrun stopprof: %ld seccomp stops, %.3f s\n",
	    stops, all / 1e9);
	fprintf(stderr, "  %-44s %10s %8s %8s\n", "step", "us/stop",
	    "share", "marks");
	for (int i = 0; i < SP_NSTEPS; i++)
		fprintf(stderr, "  %-44s %10.2f %7.1f%% %8ld\n", step_name[i],
		    total_ns[i] / 1e3 / per,
		    all > 0 ? 100.0 * total_ns[i] / all : 0, marks[i]);
	fprintf(stderr, "  %-44s %10.2f\n", "total", all / 1e3 / per);
}

void
sp_mark(enum sp_step step)
{
	int64_t t = mono_ns();

	if (last_ns == 0) {
		atexit(sp_report);
		last_ns = t;
		return;
	}
	total_ns[step] += t - last_ns;
	marks[step]++;
	last_ns = t;
}

void
sp_count_stop(void)
{
	stops++;
}
#endif
