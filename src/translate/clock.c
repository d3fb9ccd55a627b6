/* SPDX-License-Identifier: BSD-2-Clause */
/* The clock deadlines are kept in (lx_call.deadline_ns). */
#include <time.h>

#include "lxrun/lxrun.h"

int64_t
lx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
