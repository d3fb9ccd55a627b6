/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun scan: which syscalls a program and the libraries the dynamic
 * loader would give it can make, found without running it.  src/elf
 * reads the ELF files (libelf), follows DT_NEEDED as ld.so does and
 * disassembles (capstone) every syscall site; src/trace prints the result
 * (text, JSON, HTML) with each syscall's status in lxrun, NetBSD and
 * FreeBSD.
 */
#ifndef LXRUN_SCAN_H
#define LXRUN_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lxrun/options.h"
#include "lxrun/sysent.h"

/* i386 numbers (int $0x80, sysenter) are kept apart from x86-64 ones. */
#define LX_SCAN_I386_MAX 512

/* One ELF file: the program, its interpreter, or a library. */
struct lx_scan_obj {
	char *path;		/* as opened */
	char *name;		/* DT_NEEDED name, or the path given */
	const char *role;	/* "program", "interpreter", "library",
				   "dlopen" (given with --dlopen) */
	char *error;		/* NULL, or why it could not be scanned */
	bool is_go;
	unsigned sites;		/* syscall instructions in code that can run */
	unsigned unreached;	/* ... in code no path gets to (not counted) */
	unsigned resolved;	/* ... whose numbers are all known */
	unsigned via_callers;	/* ... numbers from callers' arguments */
	unsigned unresolved;	/* ... with a path to an unknown number */
	unsigned call_sites;	/* calls to wrappers that decide a number */
	unsigned call_unresolved; /* ... whose number stays unknown */
	uint32_t count[LX_NR_MAX];	/* sites (and calls) per x86-64 nr */
	uint32_t count_i386[LX_SCAN_I386_MAX];
};

/* A place whose number stays unknown, for the detailed output. */
struct lx_scan_unknown {
	int obj;		/* index into objs */
	uint64_t addr;		/* the syscall, or the call to a wrapper */
	char *func;		/* function it is in, or NULL */
	const char *why;	/* "number from memory", ... */
};

struct lx_scan {
	char *prog;		/* the path given */
	char *note;		/* e.g. "script: scanned its interpreter" */
	struct lx_scan_obj *objs;
	int nobjs;
	char **missing;		/* DT_NEEDED names ld.so would not find */
	int nmissing;
	struct lx_scan_unknown *unknown;
	int nunknown;
	double seconds;		/* wall time of the scan */
	bool all_code;		/* no pruning (opts or out of memory) */
};

/* What to scan besides the program and the libraries it needs. */
struct lx_scan_opts {
	bool all_code;		/* count the sites of all code, not only of
				   code a path gets to */
	const char *const *dlopen;	/* libraries the program dlopens */
	int ndlopen;
};

/*
 * Scan path and its libraries into *s.  0, or -1 with a message in err
 * when path itself cannot be scanned (a missing library is reported in
 * s->missing, not as a failure).
 */
int lx_scan_run(const char *path, const struct lx_scan_opts *opts,
    struct lx_scan *s, char *err, size_t errlen);
void lx_scan_free(struct lx_scan *s);

/*
 * src/trace: the results for n programs as text, JSON (one object, or an
 * array of them for several programs) or one HTML page.  verbose: list
 * every place whose number stays unknown.
 */
void lx_scan_print(FILE *out, const struct lx_scan *s, int n,
    enum lx_format fmt, bool verbose);

#endif
