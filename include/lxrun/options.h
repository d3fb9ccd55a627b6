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
	bool verbose;		/* -v: unabbreviated structs */
};
extern struct lx_options lx_opt;

#endif
