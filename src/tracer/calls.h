/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LXRUN_TRACER_CALLS_H
#define LXRUN_TRACER_CALLS_H

#include "tracer.h"

int task_resume(struct task *t, int sig);
void seccomp_stop(struct task *t);
void syscall_stop(struct task *t);
void apply_action(struct task *t);
void exec_event_exit(struct task *t);
bool signal_before_entry(struct task *t);

#endif
