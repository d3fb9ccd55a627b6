/* SPDX-License-Identifier: BSD-2-Clause */
/* The last syscalls of each thread (recent.c), for crash reports. */
#ifndef LXRUN_TRACE_RECENT_H
#define LXRUN_TRACE_RECENT_H

#include <stdio.h>

#include "lxrun/dispatch.h"
#include "lxrun/lxrun.h"

#define LX_RECENT_N 8

struct lx_recent {
	char name[40];
	uint64_t arg[6];
	long ret;
	enum lx_served served;
};

void lx_recent_add(const struct lx_call *c, const char *name, long ret,
    enum lx_served served);
/* The thread's last calls, oldest first, into out[LX_RECENT_N]. */
int lx_recent_get(int tid, struct lx_recent *out);

#endif
