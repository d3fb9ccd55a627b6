/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the tracer and src/translate: options, dispatch, --trace output,
 * -c statistics and the --report verdict.  The tracer calls these at stops;
 * they never call ptrace.
 */
#ifndef LXRUN_TRACE_H
#define LXRUN_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lxrun/lxrun.h"
#include "lxrun/sysent.h"

/* How one call was served (the trace's "served" field). */
enum lx_served {
	LX_SERVED_NATIVE = 0,
	LX_SERVED_EMULATED,
	LX_SERVED_UNSUPPORTED,	/* ENOSYS: a missing row or an unknown number */
};
const char *lx_served_name(enum lx_served s);

enum lx_format { LX_FMT_TEXT = 0, LX_FMT_JSON, LX_FMT_MD };

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

/* Parse "-e trace=..." value into lx_opt.trace_set; -1 on a bad name. */
int lx_trace_set_parse(const char *spec, char *err, size_t errlen);

/*
 * Families that must see some native calls register hooks at start-up
 * (from a constructor): hook(nr, family, fn) makes dispatch ask fn first
 * whenever a trapped nr is stopped on and the family is emulated; fn returns
 * lx_native() for calls that are not its business.  What makes nr stop is
 * separate: a static argument rule (trap nr when arg[argidx] == value,
 * e.g. fcntl F_ADD_SEALS), or a per-fd rule added at run time with
 * lx_guest_trap_fd().
 */
void lx_hook_add(long nr, enum lx_family family, lx_handler_fn *fn);
void lx_trap_arg_add(long nr, int argidx, uint64_t value,
    enum lx_family family);
/*
 * A static rule without an argument test: stop on every nr while family
 * is emulated (for rare calls whose interesting cases no argument value
 * tells apart, e.g. readlink of a /proc fd link).
 */
void lx_trap_nr_add(long nr, enum lx_family family);
/* The static argument rules in force (for the filter builder). */
struct lx_trap_arg {
	long nr;
	int argidx;
	uint64_t value;
};
int lx_trap_args(struct lx_trap_arg *out, int max);

/* True if lxrun must stop on nr (row status, --emulate, --trap). */
bool lx_dispatch_traps(long nr);
/* Ask the row's handler; sets *served. */
struct lx_action lx_dispatch(struct lx_call *c, struct lx_guest *g,
    enum lx_served *served);

/*
 * --trace records.  The tracer keeps one per thread.  begin() decodes
 * the arguments that must be read before the call runs (strings, argv,
 * input structs); end() decodes what the call wrote, prints the line and
 * counts the call for -c and --report.
 */
struct lx_trace_rec;
struct lx_trace_rec *lx_trace_rec_new(void);
void lx_trace_rec_free(struct lx_trace_rec *r);
void lx_trace_begin(struct lx_trace_rec *r, const struct lx_call *c,
    struct lx_guest *g);
/* start_ns: CLOCK_REALTIME ns at entry; dur_ns: time in the call. */
void lx_trace_end(struct lx_trace_rec *r, const struct lx_call *c,
    struct lx_guest *g, long ret, enum lx_served served, int64_t start_ns,
    int64_t dur_ns);
/* A call whose thread vanished before its exit (strace "<unfinished>"). */
void lx_trace_unfinished(struct lx_trace_rec *r, const struct lx_call *c);

/* Non-syscall lines: "--- SIGINT {...} ---", "+++ exited with 0 +++". */
struct lx_siginfo;
void lx_trace_signal(int tid, int sig, const void *siginfo /* 128 bytes */);
void lx_trace_exit_status(int tid, int wstatus);
/* Something lxrun did to the thread that the reader must know (a line). */
void lx_trace_note(int tid, const char *note);
/* Whether a "[pid N] " prefix is needed: more than one task was seen. */
void lx_trace_set_multi(bool multi);

/* Counting without printing (when -c or --report but not --trace). */
void lx_stats_add(long nr, enum lx_served s, long ret, int64_t dur_ns);
/* At exit: the -c table and the --report verdict. */
void lx_stats_print(FILE *out);
void lx_report_print(FILE *out, enum lx_format fmt);

#endif
