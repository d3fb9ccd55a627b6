/* SPDX-License-Identifier: BSD-2-Clause */
/* Crash reports at a fault's signal-delivery stop (crash.c). */
#ifndef LXRUN_TRACER_CRASH_H
#define LXRUN_TRACER_CRASH_H

#include <stdbool.h>

struct task;

/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS. */
bool crash_is_fault(int sig);
/* The thread stopped with sig: report if the process dies of it. */
void crash_at_signal_stop(struct task *t, int sig);

#endif
