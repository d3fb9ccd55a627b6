/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake guest for unit tests: guest addresses are the test's own
 * pointers, but only inside regions the test declared (fg_map), so a
 * handler's access elsewhere gets -LX_EFAULT as from a real tracee.
 * Injected syscalls go to a callback the test sets (default: run them on
 * the test process itself); pull_fd dup()s the test's own fd; path_open
 * is an openat(O_PATH) of the test's own, when the test allows it.
 */
#ifndef FAKE_GUEST_H
#define FAKE_GUEST_H

#include "lxrun/lxrun.h"

struct fake_guest {
	struct lx_guest g;
	struct { uint64_t base; size_t len; } region[16];
	int nregion;
	char scratch[LX_SCRATCH_MAX * 2];
	long (*syscall)(struct fake_guest *fg, long nr, const uint64_t a[6]);
	int nsyscalls;			/* injected so far */
	long last_nr;
	struct lx_fd_trap traps[32];	/* trap_fd rules added */
	int ntraps;
	int trap_fd;
	bool path_open;			/* path_open opens (false: EAGAIN) */
};

/* A fresh fake guest (pid/tid = the test's) with its scratch mapped. */
void fg_init(struct fake_guest *fg);
/* Declare [p, p+len) as valid guest memory. */
void fg_map(struct fake_guest *fg, const void *p, size_t len);
/*
 * Play the tracer for a handler's action: a value is returned as is, a
 * rewrite is run on this process (as the guest) and passed through the
 * action's exit function.  Any other action fails the test.
 */
long fg_play(struct fake_guest *fg, struct lx_call *c, struct lx_action a);

/* Guest address of a test pointer. */
#define FG_ADDR(p) ((uint64_t)(uintptr_t)(p))

#endif
