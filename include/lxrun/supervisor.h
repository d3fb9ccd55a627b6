/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the supervisor (src/tracer) offers the layers below it.  The
 * registry of emulated objects (src/translate/object.c) and the families
 * (src/epoll, src/inotify) watch host sources in the supervisor's one event
 * queue rather than run loops of their own (DESIGN.md decision 4); a
 * start-up programming error ends lxrun through the supervisor, which
 * first kills every tracee so none is left stopped.  These are the only
 * calls from src/translate and the families up into src/tracer.
 */
#ifndef LXRUN_SUPERVISOR_H
#define LXRUN_SUPERVISOR_H

#include "lxrun/host.h"

/*
 * Anything registered in the supervisor's event queue (lx_loop_hq()) has a
 * struct lx_source as its udata: the loop calls fire() for each event.
 */
struct lx_source {
	void (*fire)(struct lx_source *src, const struct hq_event *ev);
};

/*
 * The supervisor's event queue (src/tracer/loop.c), made on first use.
 * Add sources with hq_change(); their fire() runs on the loop's thread,
 * between stops, and must not block.
 */
struct hq *lx_loop_hq(void);

/*
 * lxrun's own failure (src/tracer/util.c): kill every tracee, print
 * "lxrun: MESSAGE" on stderr and exit 125.  Never for the guest's doing.
 */
void lx_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#endif
