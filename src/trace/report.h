/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What --report and lxrun scan hand to the HTML page (report_html.c):
 * one row per syscall with its count (calls in a run, sites in a scan),
 * how it was (or would be) served, and the verdict lines already written.
 * For src/trace only.
 */
#ifndef LXRUN_TRACE_REPORT_H
#define LXRUN_TRACE_REPORT_H

#include "lxrun/dispatch.h"
#include "lxrun/scan.h"
#include "trace/print.h"

struct lx_rrow {
	long nr;
	char name[40];
	const struct lx_sysent *ent;
	uint64_t count;		/* calls, or sites */
	uint64_t served[3];	/* per enum lx_served: calls, or sites */
	const char *fate;	/* what the verdict says of it */
	bool by_lxrun;		/* lxrun serves every one of them */
	const char *where;	/* scan: the objects it is in, else NULL */
};

struct lx_rdoc {
	const char *subject;	/* the program */
	bool scan;		/* a scan (sites) rather than a run (calls) */
	struct lx_rrow *row;
	int nrows;
	char *verdict[2];	/* NetBSD's and FreeBSD's verdict lines */
	bool served_all;
	const struct lx_scan *s;	/* scan: objects and unknowns */
};

/* The page for n documents (one per program), self-contained. */
void lx_report_html(struct lx_sbuf *b, const struct lx_rdoc *d, int n);
/* HTML-escaped text. */
void lx_html_str(struct lx_sbuf *b, const char *s);

#endif
