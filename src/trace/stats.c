/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Counting calls for -c and --report, and printing both at exit.  -c is
 * strace's summary table with a column for how each syscall was served;
 * --report says which of the syscalls the run used NetBSD's compat_linux
 * and FreeBSD's Linuxulator lack, and whether lxrun served them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/print.h"
#include "trace/report.h"

#define NSERVED 3
#define MAX_UNKNOWN 64

struct stat_row {
	uint64_t calls, errors;
	int64_t ns;
	uint64_t served[NSERVED];
};

static struct stat_row known_rows[LX_NR_MAX];
static struct {
	long nr;
	struct stat_row s;
} unknown_rows[MAX_UNKNOWN];
static int nunknown;

static bool
is_known(long nr)
{
	return nr >= 0 && nr < LX_NR_MAX && lx_sysent_known(nr);
}

static struct stat_row *
row_for(long nr)
{
	if (is_known(nr))
		return &known_rows[nr];
	for (int i = 0; i < nunknown; i++)
		if (unknown_rows[i].nr == nr)
			return &unknown_rows[i].s;
	if (nunknown == MAX_UNKNOWN)
		return NULL;
	unknown_rows[nunknown].nr = nr;
	return &unknown_rows[nunknown++].s;
}

void
lx_stats_count(const struct lx_sysent *ent, long nr, enum lx_served s,
    long ret, int64_t dur_ns)
{
	struct stat_row *r = row_for(nr);

	(void)ent;
	if (r == NULL)
		return;
	r->calls++;
	if (LX_IS_ERR(ret))
		r->errors++;
	r->ns += dur_ns > 0 ? dur_ns : 0;
	if ((unsigned)s < NSERVED)
		r->served[s]++;
}

void
lx_stats_reset(void)
{
	memset(known_rows, 0, sizeof(known_rows));
	memset(unknown_rows, 0, sizeof(unknown_rows));
	nunknown = 0;
}

void
lx_stats_add(long nr, enum lx_served s, long ret, int64_t dur_ns)
{
	lx_stats_count(lx_sysent(nr), nr, s, ret, dur_ns);
}

/* One used syscall, as both outputs list it. */
struct used {
	long nr;
	char name[32];
	const struct lx_sysent *ent;
	const struct stat_row *s;
};

static int
collect(struct used **out, bool only_selected)
{
	struct used *u = calloc(LX_NR_MAX + MAX_UNKNOWN, sizeof(*u));
	int n = 0;

	if (u == NULL)
		abort();
	for (long nr = 0; nr < LX_NR_MAX; nr++) {
		if (known_rows[nr].calls == 0)
			continue;
		if (only_selected && !lx_opt.trace_set[nr])
			continue;
		u[n].nr = nr;
		u[n].ent = lx_sysent(nr);
		snprintf(u[n].name, sizeof(u[n].name), "%s", u[n].ent->name);
		u[n].s = &known_rows[nr];
		n++;
	}
	for (int i = 0; i < nunknown; i++) {
		if (only_selected && !lx_opt.trace_unknown)
			continue;
		u[n].nr = unknown_rows[i].nr;
		u[n].ent = lx_sysent(unknown_rows[i].nr);
		snprintf(u[n].name, sizeof(u[n].name), "syscall_%#lx",
		    (unsigned long)unknown_rows[i].nr);
		u[n].s = &unknown_rows[i].s;
		n++;
	}
	*out = u;
	return n;
}

/* "native", "emulated", or e.g. "native+emulated" when mixed. */
static void
served_words(struct lx_sbuf *b, const struct stat_row *s)
{
	bool first = true;

	for (int i = 0; i < NSERVED; i++) {
		if (s->served[i] == 0)
			continue;
		if (!first)
			sb_putc(b, '+');
		first = false;
		sb_puts(b, lx_served_name((enum lx_served)i));
	}
	if (first)
		sb_puts(b, "-");
}

static int
by_time(const void *a, const void *b)
{
	const struct used *x = a, *y = b;

	if (x->s->ns != y->s->ns)
		return x->s->ns < y->s->ns ? 1 : -1;
	if (x->s->calls != y->s->calls)
		return x->s->calls < y->s->calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void
print_errors(struct lx_sbuf *b, uint64_t errors)
{
	if (errors)
		sb_printf(b, " %9llu", (unsigned long long)errors);
	else
		sb_printf(b, " %9s", "");
}

static const char dashes[] = "------ ----------- ----------- --------- "
    "--------- ---------------- ------------\n";

void
lx_stats_print(FILE *out)
{
	struct lx_sbuf b = { 0 };
	struct used *u;
	int n = collect(&u, true);
	int64_t total_ns = 0;
	uint64_t calls = 0, errors = 0;

	qsort(u, (size_t)n, sizeof(*u), by_time);
	for (int i = 0; i < n; i++) {
		total_ns += u[i].s->ns;
		calls += u[i].s->calls;
		errors += u[i].s->errors;
	}
	sb_puts(&b, "% time     seconds  usecs/call     calls    errors "
	    "syscall          served\n");
	sb_puts(&b, dashes);
	for (int i = 0; i < n; i++) {
		const struct stat_row *s = u[i].s;

		sb_printf(&b, "%6.2f %11.6f %11llu %9llu",
		    total_ns > 0 ? 100.0 * (double)s->ns / (double)total_ns : 0,
		    (double)s->ns / 1e9,
		    (unsigned long long)(s->ns / 1000 / (int64_t)s->calls),
		    (unsigned long long)s->calls);
		print_errors(&b, s->errors);
		sb_printf(&b, " %-16s ", u[i].name);
		served_words(&b, s);
		sb_putc(&b, '\n');
	}
	sb_puts(&b, dashes);
	sb_printf(&b, "%6.2f %11.6f %11llu %9llu", 100.0,
	    (double)total_ns / 1e9,
	    (unsigned long long)(calls ? total_ns / 1000 / (int64_t)calls : 0),
	    (unsigned long long)calls);
	print_errors(&b, errors);
	sb_puts(&b, " total\n");
	fwrite(b.s, 1, b.len, out != NULL ? out : stderr);
	sb_free(&b);
	free(u);
}

/* --report */

struct os {
	const char *key;	/* JSON key */
	const char *name;	/* verdict line */
	const char *layer;	/* heading */
	int which;		/* 0 NetBSD, 1 FreeBSD */
};

static const struct os oses[] = {
	{ "netbsd", "NetBSD", "NetBSD compat_linux", 0 },
	{ "freebsd", "FreeBSD", "FreeBSD Linuxulator", 1 },
};

static enum lx_compat
compat_of(const struct used *u, int which)
{
	return lx_compat_for_program(u->ent, which);
}

static bool
all_emulated(const struct stat_row *s)
{
	return s->served[LX_SERVED_EMULATED] == s->calls;
}

/* What the verdict says of one missing syscall. */
static const char *
fate(const struct stat_row *s)
{
	if (all_emulated(s))
		return "served by lxrun";
	if (s->served[LX_SERVED_NATIVE] == s->calls)
		return "ran natively";
	if (s->served[LX_SERVED_UNSUPPORTED] == s->calls)
		return "unsupported by lxrun too";
	return "partly served by lxrun";
}

static int
count_missing(const struct used *u, int n, int which)
{
	int m = 0;

	for (int i = 0; i < n; i++)
		if (compat_of(&u[i], which) != LX_CO_IMPLEMENTED)
			m++;
	return m;
}

static bool
served_all(const struct used *u, int n)
{
	for (int i = 0; i < n; i++)
		if ((compat_of(&u[i], 0) != LX_CO_IMPLEMENTED ||
		    compat_of(&u[i], 1) != LX_CO_IMPLEMENTED) &&
		    !all_emulated(u[i].s))
			return false;
	return true;
}

static void
report_text_os(struct lx_sbuf *b, const struct used *u, int n,
    const struct os *os)
{
	int m = count_missing(u, n, os->which);

	sb_printf(b, "\n%s lacks %d of the %d syscalls used%s\n", os->layer,
	    m, n, m ? ":" : ".");
	if (m == 0)
		return;
	sb_printf(b, "  %-22s %-14s %9s  %s\n", "syscall", "status", "calls",
	    "served");
	for (int i = 0; i < n; i++) {
		enum lx_compat c = compat_of(&u[i], os->which);

		if (c == LX_CO_IMPLEMENTED)
			continue;
		sb_printf(b, "  %-22s %-14s %9llu  ", u[i].name,
		    lx_compat_name(c), (unsigned long long)u[i].s->calls);
		served_words(b, u[i].s);
		if (!all_emulated(u[i].s))
			sb_printf(b, " (would fail on %s)", os->name);
		sb_putc(b, '\n');
	}
}

static void
report_verdict(struct lx_sbuf *b, const struct used *u, int n,
    const struct os *os)
{
	int m = count_missing(u, n, os->which);
	const char *sep = " (";

	sb_printf(b, "%s: %d of %d syscalls used %s missing", os->name, m, n,
	    m == 1 ? "is" : "are");
	for (int i = 0; i < n; i++) {
		if (compat_of(&u[i], os->which) == LX_CO_IMPLEMENTED)
			continue;
		sb_printf(b, "%s%s %s", sep, u[i].name, fate(u[i].s));
		sep = "; ";
	}
	sb_puts(b, m ? ")\n" : "\n");
}

static void
report_text(struct lx_sbuf *b, const struct used *u, int n)
{
	uint64_t calls = 0;

	for (int i = 0; i < n; i++)
		calls += u[i].s->calls;
	sb_printf(b, "lxrun compatibility report: %d syscalls used, "
	    "%llu calls\n", n, (unsigned long long)calls);
	for (size_t i = 0; i < 2; i++)
		report_text_os(b, u, n, &oses[i]);
	sb_putc(b, '\n');
	for (size_t i = 0; i < 2; i++)
		report_verdict(b, u, n, &oses[i]);
	sb_printf(b, "lxrun served every missing syscall: %s\n",
	    served_all(u, n) ? "yes" : "no");
}

static void
report_json_os(struct lx_sbuf *b, const struct used *u, int n,
    const struct os *os)
{
	bool first = true;
	int m = count_missing(u, n, os->which), served = 0;

	sb_printf(b, ",\"%s\":{\"missing\":[", os->key);
	for (int i = 0; i < n; i++) {
		enum lx_compat c = compat_of(&u[i], os->which);
		struct lx_sbuf w = { 0 };

		if (c == LX_CO_IMPLEMENTED)
			continue;
		if (all_emulated(u[i].s))
			served++;
		sb_puts(b, first ? "{" : ",{");
		first = false;
		sb_puts(b, "\"name\":");
		lx_json_str(b, u[i].name);
		sb_printf(b, ",\"nr\":%ld,\"status\":", u[i].nr);
		lx_json_str(b, lx_compat_name(c));
		sb_printf(b, ",\"calls\":%llu,\"served\":",
		    (unsigned long long)u[i].s->calls);
		served_words(&w, u[i].s);
		lx_json_str(b, sb_str(&w));
		sb_free(&w);
		sb_printf(b, ",\"served_by_lxrun\":%s}",
		    all_emulated(u[i].s) ? "true" : "false");
	}
	sb_printf(b, "],\"missing_count\":%d,\"served_by_lxrun\":%d,"
	    "\"would_fail\":%d}", m, served, m - served);
}

static void
report_json(struct lx_sbuf *b, const struct used *u, int n)
{
	uint64_t calls = 0;

	for (int i = 0; i < n; i++)
		calls += u[i].s->calls;
	sb_printf(b, "{\"syscalls_used\":%d,\"calls\":%llu", n,
	    (unsigned long long)calls);
	for (size_t i = 0; i < 2; i++)
		report_json_os(b, u, n, &oses[i]);
	sb_printf(b, ",\"lxrun_served_all\":%s}\n",
	    served_all(u, n) ? "true" : "false");
}

static const char *report_subject;

void
lx_report_set_subject(const char *prog)
{
	report_subject = prog;
}

/* --report-format=html: the rows and verdict lines for report_html.c. */
static void
report_html(struct lx_sbuf *b, const struct used *u, int n)
{
	struct lx_rdoc d = { 0 };

	d.subject = report_subject;
	d.row = calloc((size_t)n + 1, sizeof(*d.row));
	if (d.row == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		struct lx_rrow *r = &d.row[i];

		r->nr = u[i].nr;
		snprintf(r->name, sizeof(r->name), "%s", u[i].name);
		r->ent = u[i].ent;
		r->count = u[i].s->calls;
		memcpy(r->served, u[i].s->served, sizeof(r->served));
		r->fate = fate(u[i].s);
		r->by_lxrun = all_emulated(u[i].s);
	}
	d.nrows = n;
	d.served_all = served_all(u, n);
	for (int k = 0; k < 2; k++) {
		struct lx_sbuf v = { 0 };

		report_verdict(&v, u, n, &oses[k]);
		if (v.len > 0 && v.s[v.len - 1] == '\n')
			v.s[--v.len] = '\0';
		d.verdict[k] = strdup(sb_str(&v));
		sb_free(&v);
	}
	lx_report_html(b, &d, 1);
	free(d.verdict[0]);
	free(d.verdict[1]);
	free(d.row);
}

void
lx_report_print(FILE *out, enum lx_format fmt)
{
	struct lx_sbuf b = { 0 };
	struct used *u;
	int n = collect(&u, false);

	if (fmt == LX_FMT_HTML)
		report_html(&b, u, n);
	else if (fmt == LX_FMT_JSON)
		report_json(&b, u, n);
	else
		report_text(&b, u, n);
	fwrite(b.s, 1, b.len, out != NULL ? out : stderr);
	sb_free(&b);
	free(u);
}
