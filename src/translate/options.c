/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun's options, with their defaults: nothing printed, every syscall
 * selected for --trace, strings cut at 32 bytes, every family emulated.
 */
#include "lxrun/kernel.h"
#include "lxrun/options.h"

struct lx_options lx_opt = {
	.trace = false,
	.trace_format = LX_FMT_TEXT,
	.out = NULL,			/* stderr */
	.tt = 0,
	.show_time = false,
	.show_fd_paths = 0,
	.strsize = 32,
	.summary = false,
	.report = false,
	.report_format = LX_FMT_TEXT,
	.trace_set = { [0 ... LX_NR_MAX - 1] = 1 },
	.trace_unknown = true,
	.emulate = (1u << LX_FAM_COUNT) - 1,
	.trap_all = false,
	.notify = true,
	.spin_us = -1,
	.verbose = false,
	.out_separately = false,
	.out_base = NULL,
	.status_set = LX_STATUS_ALL,
	.signal_set = ~(uint64_t)0,
	.quiet = 0,
	.xstyle = LX_XSTYLE_ABBREV,
};

struct lx_kernel lx_kernel = {
	.stat_null_path = true,
	.memfd_exec_seal = true,
};
