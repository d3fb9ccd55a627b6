/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun's command-line options, parsed by src/main.c into lx_opt
 * (defaults in src/translate/options.c).  Dispatch reads which families
 * are emulated and whether every call is trapped; src/trace reads what to
 * print and where.
 */
#ifndef LXRUN_OPTIONS_H
#define LXRUN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lxrun/sysent.h"

enum lx_format { LX_FMT_TEXT = 0, LX_FMT_JSON, LX_FMT_MD, LX_FMT_HTML };

/* -X: how named constants print (strace's --const-print-style). */
enum lx_xstyle { LX_XSTYLE_ABBREV = 0, LX_XSTYLE_RAW, LX_XSTYLE_VERBOSE };

/* -e status=: which completed calls are printed (bits). */
#define LX_STATUS_SUCCESSFUL	0x01
#define LX_STATUS_FAILED	0x02
#define LX_STATUS_UNFINISHED	0x04
#define LX_STATUS_UNAVAILABLE	0x08
#define LX_STATUS_DETACHED	0x10
#define LX_STATUS_ALL		0x1f

/* -q, -qq, -e quiet=: which information lines are left out (bits). */
#define LX_QUIET_ATTACH		0x01
#define LX_QUIET_EXIT		0x02
#define LX_QUIET_PERSONALITY	0x04
#define LX_QUIET_PATH_RESOLUTION 0x08
#define LX_QUIET_THREAD_EXECVE	0x10
#define LX_QUIET_ALL		0x1f

struct lx_options {
	bool trace;		/* --trace: print each syscall */
	enum lx_format trace_format;
	FILE *out;		/* -o FILE, else stderr */
	int tt;			/* -t: 1, -tt: 2, -ttt: 3 */
	bool show_time;		/* -T: time spent in each call */
	int show_fd_paths;	/* -y (1), -yy (2) */
	int strsize;		/* -s: max string bytes printed (32) */
	bool summary;		/* -c */
	bool report;		/* --report */
	enum lx_format report_format;
	uint8_t trace_set[LX_NR_MAX];	/* -e trace=: 1 = print this nr */
	bool trace_unknown;		/* print calls outside the table too */
	unsigned emulate;	/* bit (1 << family) set = family emulated */
	bool trap_all;		/* --trap=all (implied by trace, -c, report) */
	bool notify;		/* seccomp user notification (--no-notify) */
	int spin_us;		/* --spin: poll before sleeping; -1 auto */
	bool verbose;		/* -v: unabbreviated structs */
	/* -ff with -o: the trace of each thread in FILE.TID (trace_files.c) */
	bool out_separately;
	const char *out_base;
	unsigned status_set;	/* -e status=: LX_STATUS_* printed (all) */
	uint64_t signal_set;	/* -e signal=: bit (sig - 1) = print it */
	unsigned quiet;		/* -q...: LX_QUIET_* left out */
	enum lx_xstyle xstyle;	/* -X */
};
extern struct lx_options lx_opt;

#endif
