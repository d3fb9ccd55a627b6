/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LXRUN_TRACER_LOOP_H
#define LXRUN_TRACER_LOOP_H

#include <signal.h>

/* Block lxrun's forwarded signals and SIGCHLD, into a signalfd. */
int loop_block_signals(sigset_t *old);

struct task;

/* A stopped thread was resumed: its next stop is likely soon (spin). */
void loop_note_resume(struct task *t);
/* A thread is gone (its stop, if any, no longer counts). */
void loop_note_gone(struct task *t);

#endif
