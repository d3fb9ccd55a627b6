/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named values and flag bits of the Linux x86-64 ABI, for the trace.
 * Values are written as numbers here (not LX_* macros) so that this file
 * does not depend on which family header defines what.
 */
#ifndef LXRUN_TRACE_XLAT_H
#define LXRUN_TRACE_XLAT_H

#include <stdbool.h>
#include <stdint.h>

struct lx_sbuf;

/* A table ends with a NULL name.  Multi-bit flags come first. */
struct lx_xlat {
	uint64_t val;
	const char *name;
};

/* Name of v in x, or NULL. */
const char *lx_xlat_name(const struct lx_xlat *x, uint64_t v);
/* Name of v, else v formatted with fmt ("%lu", "%#lx"...). */
void lx_print_xval(struct lx_sbuf *b, const struct lx_xlat *x, uint64_t v,
    const char *fmt);
/*
 * Bits of v named by x, joined with '|'; bits left over as 0x...; zero
 * prints zero_name (or "0").  Returns the number of names printed.
 */
int lx_print_flags(struct lx_sbuf *b, const struct lx_xlat *x, uint64_t v,
    const char *zero_name);

extern const struct lx_xlat lx_x_open_flags[];
extern const struct lx_xlat lx_x_open_access[];
extern const struct lx_xlat lx_x_at_flags[];
extern const struct lx_xlat lx_x_statx_at_flags[];
extern const struct lx_xlat lx_x_access_mode[];
extern const struct lx_xlat lx_x_file_type[];
extern const struct lx_xlat lx_x_prot[];
extern const struct lx_xlat lx_x_map_type[];
extern const struct lx_xlat lx_x_map_flags[];
extern const struct lx_xlat lx_x_mremap_flags[];
extern const struct lx_xlat lx_x_madvise[];
extern const struct lx_xlat lx_x_clone_flags[];
extern const struct lx_xlat lx_x_sigprocmask_how[];
extern const struct lx_xlat lx_x_sa_flags[];
extern const struct lx_xlat lx_x_whence[];
extern const struct lx_xlat lx_x_fcntl_cmd[];
extern const struct lx_xlat lx_x_fd_flags[];
extern const struct lx_xlat lx_x_seals[];
extern const struct lx_xlat lx_x_ioctl[];
extern const struct lx_xlat lx_x_futex_op[];
extern const struct lx_xlat lx_x_wait_options[];
extern const struct lx_xlat lx_x_idtype[];
extern const struct lx_xlat lx_x_statx_mask[];
extern const struct lx_xlat lx_x_statx_attrs[];
extern const struct lx_xlat lx_x_clockid[];
extern const struct lx_xlat lx_x_poll_events[];
extern const struct lx_xlat lx_x_sock_family[];
extern const struct lx_xlat lx_x_sock_type[];
extern const struct lx_xlat lx_x_sock_flags[];
extern const struct lx_xlat lx_x_sock_level[];
extern const struct lx_xlat lx_x_msg_flags[];
extern const struct lx_xlat lx_x_shutdown_how[];
extern const struct lx_xlat lx_x_rlimit[];
extern const struct lx_xlat lx_x_prctl[];
extern const struct lx_xlat lx_x_arch_prctl[];
extern const struct lx_xlat lx_x_epoll_ctl_op[];
extern const struct lx_xlat lx_x_epoll_events[];
extern const struct lx_xlat lx_x_epoll_create_flags[];
extern const struct lx_xlat lx_x_inotify_mask[];
extern const struct lx_xlat lx_x_inotify_init_flags[];
extern const struct lx_xlat lx_x_mfd_flags[];
extern const struct lx_xlat lx_x_grnd_flags[];
extern const struct lx_xlat lx_x_close_range_flags[];
extern const struct lx_xlat lx_x_ioprio_which[];
extern const struct lx_xlat lx_x_ioprio_class[];
extern const struct lx_xlat lx_x_eventfd_flags[];
extern const struct lx_xlat lx_x_timerfd_flags[];
extern const struct lx_xlat lx_x_unlinkat_flags[];
extern const struct lx_xlat lx_x_rename_flags[];
extern const struct lx_xlat lx_x_si_code[];
extern const struct lx_xlat lx_x_cld_code[];
extern const struct lx_xlat lx_x_segv_code[];
extern const struct lx_xlat lx_x_bus_code[];
extern const struct lx_xlat lx_x_ill_code[];
extern const struct lx_xlat lx_x_fpe_code[];
extern const struct lx_xlat lx_x_trap_code[];
extern const struct lx_xlat lx_x_poll_code[];
extern const struct lx_xlat lx_x_fs_magic[];

#endif
