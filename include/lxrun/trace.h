/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the tracer (and src/main.c) and src/trace: --trace output, -c
 * statistics, the --report verdict and --list-syscalls.  The tracer calls
 * the trace bookkeeping at its stops; src/trace reads the table, the
 * options and guest memory, and never changes what a call does (no
 * action, no guest write, no injection) nor calls ptrace.
 */
#ifndef LXRUN_TRACE_H
#define LXRUN_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lxrun/dispatch.h"
#include "lxrun/lxrun.h"
#include "lxrun/options.h"
#include "lxrun/sysent.h"

const char *lx_served_name(enum lx_served s);	/* "native", ... */

/* Parse "-e trace=..." value into lx_opt.trace_set; -1 on a bad name. */
int lx_trace_set_parse(const char *spec, char *err, size_t errlen);
/*
 * The other -e qualifiers (src/trace/trace_quals.c): status=, signal=
 * and quiet= values into lx_opt; -1 and a message in err on a bad one.
 */
int lx_trace_status_parse(const char *spec, char *err, size_t errlen);
int lx_trace_signal_parse(const char *spec, char *err, size_t errlen);
int lx_trace_quiet_parse(const char *spec, char *err, size_t errlen);
/* Is a "--- SIG... ---" line printed for sig (-e signal=)? */
bool lx_trace_signal_shown(int sig);

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

/*
 * A crash report: a thread stopped with SIGSEGV, SIGBUS, SIGILL, SIGFPE or
 * SIGSYS that it does not catch, so the process dies of it next.  The
 * tracer (src/tracer/crash.c) gathers what the report needs; src/trace
 * prints it with the code disassembled and the thread's last syscalls.
 * reraised: the program's own handler caught the fault and raised the
 * signal again; siginfo, registers and code are then the fault's.
 */
#define LX_CRASH_NREGS 18	/* rip rsp rbp rax rbx rcx rdx rsi rdi
				   r8..r15 eflags */
#define LX_CRASH_BEFORE 64	/* code bytes read before the pc */
#define LX_CRASH_AFTER 32
struct lx_crash {
	int pid, tid, sig;
	bool reraised;
	unsigned char siginfo[128];
	uint64_t regs[LX_CRASH_NREGS];
	uint64_t code_addr;	/* address of code[0] */
	unsigned char code[LX_CRASH_BEFORE + LX_CRASH_AFTER];
	size_t ncode;		/* 0: the pc is not readable */
	char map_pc[256];	/* the /proc/PID/maps line of the pc, or "" */
	char map_addr[256];	/* ... of the fault address, or "" */
};
void lx_trace_crash(const struct lx_crash *c);

/*
 * Where a thread's trace lines go (src/trace/trace_files.c): the -o file
 * or stderr, or with -ff and -o FILE its own FILE.TID.  done() flushes
 * it after the thread's last line (closes its own file); close() at exit.
 */
FILE *lx_trace_stream(int tid);
void lx_trace_stream_done(int tid);
void lx_trace_streams_close(void);

/* Counting without printing (when -c or --report but not --trace). */
void lx_stats_add(long nr, enum lx_served s, long ret, int64_t dur_ns);
/* At exit: the -c table and the --report verdict. */
void lx_stats_print(FILE *out);
void lx_report_print(FILE *out, enum lx_format fmt);
/* The program the report is about, for the HTML page's title. */
void lx_report_set_subject(const char *prog);

/*
 * --list-syscalls: write the table to a stdio stream in "text", "json" or
 * "md".  Returns 0, or -1 for an unknown format.
 */
int lx_sysent_list(FILE *out, const char *format);

#endif
