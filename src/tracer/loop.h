/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LXRUN_TRACER_LOOP_H
#define LXRUN_TRACER_LOOP_H

#include <signal.h>

/* Block lxrun's forwarded signals and SIGCHLD, into a signalfd. */
int loop_block_signals(sigset_t *old);

#endif
