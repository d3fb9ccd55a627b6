/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Conversions from the host's structures (what the host analogue of a
 * syscall wrote into scratch memory) to Linux's layouts, shared by the
 * translated syscalls in src/translate/sys_*.c.  On a Linux host most are
 * field-for-field copies; they exist so that a NetBSD host, whose struct
 * stat and siginfo differ, needs only this file changed.
 */
#ifndef LXRUN_TRANSLATE_STAT_CONVERT_H
#define LXRUN_TRANSLATE_STAT_CONVERT_H

#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "lxrun/lxrun.h"

/* Linux's 32-bit new_encode_dev() of a device number. */
uint64_t lx_encode_dev(uint32_t major, uint32_t minor);
/* Host mode (type and permission bits) in Linux's encoding. */
uint32_t lx_mode_from_host(uint32_t mode);

/* Host struct stat -> Linux struct stat (padding zeroed, as cp_new_stat). */
void lx_stat_from_host(struct lx_stat *out, const struct stat *st);
/* The same from the host's file status record (basic fields asked). */
void lx_stat_from_hstat(struct lx_stat *out, const struct host_stat *hs);
/*
 * Host file status (struct host_stat, BSD terms) -> Linux struct statx:
 * stx_mask from what the host filled, file flags (UF_/SF_ IMMUTABLE,
 * APPEND, NODUMP) and the other properties into stx_attributes, and what
 * the file system reports into stx_attributes_mask.
 */
void lx_statx_from_hstat(struct lx_statx *out, const struct host_stat *hs);
/* A statx request mask (STATX_*) as host_stat's want (HS_*). */
uint32_t lx_hs_want(uint32_t lx_mask);
/* statx's AT_STATX_* sync type as host_stat's sync (HS_SYNC_*). */
int lx_hs_sync(uint32_t lx_flags);

/*
 * The part of a host siginfo that waitid() reports, in Linux's layout:
 * si_signo, si_errno, si_code, si_pid, si_uid, si_status.  Other bytes of
 * out are left alone.
 */
void lx_siginfo_from_host_waitid(struct lx_siginfo *out, const siginfo_t *si);
/* Host struct rusage -> Linux struct rusage. */
void lx_rusage_from_host(struct lx_rusage *out, const struct rusage *ru);

/* Host *at() flags for the Linux AT_SYMLINK_NOFOLLOW / AT_NO_AUTOMOUNT. */
int lx_host_at_flags(uint32_t lx_flags);

/*
 * A handler that rewrites its call keeps the scratch address it gave the
 * host call in c->park_state, which the tracer keeps until the exit stop,
 * so that the exit function finds the host's result again.
 */
static inline void
lx_stash_scratch(struct lx_call *c, uint64_t addr)
{
	c->data = addr;
}

static inline uint64_t
lx_stashed_scratch(const struct lx_call *c)
{
	return c->data;
}

/* A rewrite action: run nr(a0..a5) in the guest, then on_exit. */
static inline struct lx_action
lx_rewrite(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5, lx_exit_fn *on_exit)
{
	struct lx_action a = { .kind = LX_REWRITE, .on_exit = on_exit };

	a.rewrite.nr = nr;
	a.rewrite.arg[0] = a0;
	a.rewrite.arg[1] = a1;
	a.rewrite.arg[2] = a2;
	a.rewrite.arg[3] = a3;
	a.rewrite.arg[4] = a4;
	a.rewrite.arg[5] = a5;
	return a;
}

/* Kernel-encoded result of a guest call: an errno value or not. */
static inline int
lx_is_err(long r)
{
	return r < 0 && r >= -LX_EMAXERRNO;
}

#endif

/*
 * How a newfstatat/statx call maps onto the host, decided as Linux's
 * vfs_fstatat / sys_statx do (fs/stat.c, getname_maybe_null):
 */
enum lx_stat_route {
	LX_STAT_FD = 1,		/* empty path and dfd >= 0: host fstat(dfd) */
	LX_STAT_CWD,		/* empty path, AT_FDCWD: host fstatat(".") */
	LX_STAT_PATH,		/* host fstatat(dfd, the guest's own path) */
};

/*
 * Route for (dfd, path, flags); for statx, mask is checked too (is_statx).
 * Returns an lx_stat_route or -LX_E* in Linux's order of checks.
 */
long lx_stat_route(struct lx_guest *g, int dfd, uint64_t path,
    uint32_t flags, int is_statx, uint32_t mask);
/*
 * Rewrite the call into the host's fstat/fstatat for route, with a host
 * struct stat in scratch; on_exit converts it.  Scratch is stashed.
 */
struct lx_action lx_stat_rewrite(struct lx_call *c, struct lx_guest *g,
    long route, int dfd, uint64_t path, uint32_t flags, lx_exit_fn *on_exit);
/*
 * LX_STAT_PATH in one stop: the supervisor's own lookup of the guest's
 * path (lx_guest_path_stat); -LX_EAGAIN when it cannot be sure to see
 * what the guest sees, and the call must be rewritten.
 */
int lx_stat_path_direct(struct lx_guest *g, int dfd, uint64_t path,
    uint32_t flags, struct stat *st);
/* At the exit stop: read the host struct stat the call left in scratch. */
int lx_stat_result(struct lx_call *c, struct lx_guest *g, struct stat *st);
