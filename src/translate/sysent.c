/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall table (rows in syscallent.h) and what reads it by number or
 * by name, plus --list-syscalls.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/handlers.h"
#include "lxrun/sysent.h"

/*
 * The vocabulary of syscallent.h.  A row is
 *	ROW(nr, name, An(kind...), ret, class, served, netbsd, freebsd, note)
 * and An() gives nargs and the kinds together, so the two cannot disagree.
 */
#define A0()			.nargs = 0, .arg = { 0 }
#define A1(a)			.nargs = 1, .arg = { LXA_##a }
#define A2(a, b)		.nargs = 2, .arg = { LXA_##a, LXA_##b }
#define A3(a, b, c)		.nargs = 3, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c }
#define A4(a, b, c, d)		.nargs = 4, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d }
#define A5(a, b, c, d, e)	.nargs = 5, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d, LXA_##e }
#define A6(a, b, c, d, e, f)	.nargs = 6, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d, LXA_##e, LXA_##f }

#define NATIVE		.status = LX_ST_NATIVE
#define MISSING		.status = LX_ST_MISSING
#define EMUL(fam, h)	.status = LX_ST_EMULATED, .family = LX_FAM_##fam, \
			.handler = lx_sys_##h

#define CO_impl		LX_CO_IMPLEMENTED
#define CO_stub		LX_CO_STUB
#define CO_unimpl	LX_CO_UNIMPLEMENTED
#define CO_obsol	LX_CO_OBSOLETE
#define CO_absent	LX_CO_ABSENT

#define TD	LX_TC_DESC
#define TF	LX_TC_FILE
#define TP	LX_TC_PROCESS
#define TN	LX_TC_NETWORK
#define TS	LX_TC_SIGNAL
#define TI	LX_TC_IPC
#define TM	LX_TC_MEMORY
#define TST	LX_TC_STAT
#define TLST	LX_TC_LSTAT
#define TFST	LX_TC_FSTAT
#define TSF	LX_TC_STATFS
#define TC	LX_TC_CREDS
#define TCL	LX_TC_CLOCK
#define PU	LX_TC_PURE

#define ROW(nr_, name_, args_, ret_, tc_, served_, nb_, fb_, note_) \
	[nr_] = { .name = #name_, .nr = nr_, args_, .ret = LXA_##ret_, \
	    .tclass = tc_, served_, .netbsd = CO_##nb_, .freebsd = CO_##fb_, \
	    .note = note_ },

static const struct lx_sysent lx_table[LX_NR_MAX] = {
#include "syscallent.h"
};

#undef ROW
#undef A0
#undef A1
#undef A2
#undef A3
#undef A4
#undef A5
#undef A6
#undef NATIVE
#undef MISSING
#undef EMUL
#undef TD
#undef TF
#undef TP
#undef TN
#undef TS
#undef TI
#undef TM
#undef TST
#undef TLST
#undef TFST
#undef TSF
#undef TC
#undef TCL
#undef PU

/*
 * Numbers outside the table (gaps, >= LX_NR_MAX, negative, x32 bit set)
 * share one row: nothing is known about the arguments, so all six are
 * printed in hex, and lxrun answers ENOSYS as Linux does.
 */
static const struct lx_sysent lx_unknown = {
	.name = "",
	.nr = -1,
	.nargs = LX_NARGS,
	.status = LX_ST_MISSING,
	.family = LX_FAM_NONE,
	.netbsd = LX_CO_ABSENT,
	.freebsd = LX_CO_ABSENT,
	.tclass = 0,
	.arg = { LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX },
	.ret = LXA_LONG,
	.handler = NULL,
	.note = "not a Linux x86-64 syscall number",
};

int
lx_sysent_known(long nr)
{
	return nr >= 0 && nr < LX_NR_MAX && lx_table[nr].name != NULL;
}

const struct lx_sysent *
lx_sysent(long nr)
{
	return lx_sysent_known(nr) ? &lx_table[nr] : &lx_unknown;
}

const struct lx_sysent *
lx_sysent_by_name(const char *name)
{
	long nr;

	if (name == NULL || *name == '\0')
		return NULL;
	for (nr = 0; nr < LX_NR_MAX; nr++)
		if (lx_table[nr].name != NULL &&
		    strcmp(lx_table[nr].name, name) == 0)
			return &lx_table[nr];
	return NULL;
}

const char *
lx_status_name(enum lx_status s)
{
	static const char *const names[] = {
		[LX_ST_NATIVE] = "native",
		[LX_ST_EMULATED] = "emulated",
		[LX_ST_PARTIAL] = "partial",
		[LX_ST_MISSING] = "missing",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}

const char *
lx_compat_name(enum lx_compat c)
{
	static const char *const names[] = {
		[LX_CO_IMPLEMENTED] = "implemented",
		[LX_CO_STUB] = "stub",
		[LX_CO_UNIMPLEMENTED] = "unimplemented",
		[LX_CO_OBSOLETE] = "obsolete",
		[LX_CO_ABSENT] = "absent",
	};

	if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[c];
}

/* strace's class names; "%%stat" and "%%statfs" are its unions. */
static const struct {
	const char *name;
	unsigned tclass;
} lx_tclass_names[] = {
	{ "file", LX_TC_FILE },
	{ "desc", LX_TC_DESC },
	{ "process", LX_TC_PROCESS },
	{ "network", LX_TC_NETWORK },
	{ "net", LX_TC_NETWORK },
	{ "signal", LX_TC_SIGNAL },
	{ "ipc", LX_TC_IPC },
	{ "memory", LX_TC_MEMORY },
	{ "stat", LX_TC_STAT },
	{ "lstat", LX_TC_LSTAT },
	{ "fstat", LX_TC_FSTAT },
	{ "%stat", LX_TC_STAT | LX_TC_LSTAT | LX_TC_FSTAT },
	{ "statfs", LX_TC_STATFS },
	{ "%statfs", LX_TC_STATFS },
	{ "creds", LX_TC_CREDS },
	{ "clock", LX_TC_CLOCK },
	{ "pure", LX_TC_PURE },
};

unsigned
lx_tclass_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	if (*name == '%')
		name++;
	for (i = 0; i < sizeof(lx_tclass_names) / sizeof(lx_tclass_names[0]);
	    i++)
		if (strcmp(lx_tclass_names[i].name, name) == 0)
			return lx_tclass_names[i].tclass;
	return 0;
}

/*
 * --list-syscalls.
 */

struct lx_counts {
	int rows;
	int status[LX_ST_MISSING + 1];
	int netbsd[LX_CO_ABSENT + 1];
	int freebsd[LX_CO_ABSENT + 1];
};

static void
count_rows(struct lx_counts *n)
{
	long nr;

	memset(n, 0, sizeof(*n));
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		if (!lx_sysent_known(nr))
			continue;
		n->rows++;
		n->status[lx_table[nr].status]++;
		n->netbsd[lx_table[nr].netbsd]++;
		n->freebsd[lx_table[nr].freebsd]++;
	}
}

/* "emulated (epoll)": the status, and the family where a handler serves. */
static const char *
served_label(const struct lx_sysent *e, char *buf, size_t len)
{
	if (e->status == LX_ST_EMULATED || e->status == LX_ST_PARTIAL) {
		snprintf(buf, len, "%s (%s)", lx_status_name(e->status),
		    lx_family_name(e->family));
		return buf;
	}
	return lx_status_name(e->status);
}

static void
print_status_counts(FILE *out, const struct lx_counts *n)
{
	int s;

	for (s = LX_ST_NATIVE; s <= LX_ST_MISSING; s++)
		fprintf(out, "%s%d %s", s ? ", " : "", n->status[s],
		    lx_status_name(s));
}

static void
print_compat_counts(FILE *out, const char *layer, const int *count)
{
	int c;

	fprintf(out, "%s", layer);
	for (c = LX_CO_IMPLEMENTED; c <= LX_CO_ABSENT; c++)
		fprintf(out, "%s%d %s", c ? ", " : " ", count[c],
		    lx_compat_name(c));
}

static void
list_text(FILE *out)
{
	struct lx_counts n;
	char buf[64];
	long nr;

	fprintf(out, "%3s  %-24s %-24s %-14s %-14s %s\n", "NR", "NAME",
	    "LXRUN", "NETBSD", "FREEBSD", "NOTE");
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = &lx_table[nr];

		if (!lx_sysent_known(nr))
			continue;
		fprintf(out, "%3ld  %-24s %-24s %-14s ", nr, e->name,
		    served_label(e, buf, sizeof(buf)),
		    lx_compat_name(e->netbsd));
		if (e->note != NULL)
			fprintf(out, "%-14s %s\n", lx_compat_name(e->freebsd),
			    e->note);
		else
			fprintf(out, "%s\n", lx_compat_name(e->freebsd));
	}
	count_rows(&n);
	fprintf(out, "%d syscalls: ", n.rows);
	print_status_counts(out, &n);
	fprintf(out, "; ");
	print_compat_counts(out, "NetBSD", n.netbsd);
	fprintf(out, "; ");
	print_compat_counts(out, "FreeBSD", n.freebsd);
	fprintf(out, "\n");
}

static void
json_string(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void
list_json(FILE *out)
{
	const char *sep = "";
	long nr;

	fputs("[", out);
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = &lx_table[nr];

		if (!lx_sysent_known(nr))
			continue;
		fprintf(out, "%s\n{\"nr\":%ld,\"name\":", sep, nr);
		json_string(out, e->name);
		fputs(",\"lxrun\":", out);
		json_string(out, lx_status_name(e->status));
		fputs(",\"family\":", out);
		json_string(out, e->family == LX_FAM_NONE ? NULL :
		    lx_family_name(e->family));
		fputs(",\"netbsd\":", out);
		json_string(out, lx_compat_name(e->netbsd));
		fputs(",\"freebsd\":", out);
		json_string(out, lx_compat_name(e->freebsd));
		fputs(",\"note\":", out);
		json_string(out, e->note);
		fputs("}", out);
		sep = ",";
	}
	fputs("\n]\n", out);
}

/* Markdown cells: a '|' in a note would split the cell. */
static void
md_cell(FILE *out, const char *s)
{
	fputs("| ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc(' ', out);
}

static void
list_md(FILE *out)
{
	struct lx_counts n;
	char buf[64];
	long nr;

	count_rows(&n);
	fputs("# Linux x86-64 syscalls in lxrun\n\n"
	    "One row per Linux x86-64 syscall (numbers 0-335 and 424-462).  "
	    "*lxrun* says how\nlxrun serves it: native (the host kernel runs "
	    "it), emulated (an lxrun handler\nanswers it; family as in "
	    "`--emulate`), partial (a handler with the gaps noted)\nor "
	    "missing (ENOSYS).  *NetBSD* and *FreeBSD* give what their Linux "
	    "compat layers\nhave for it (compat_linux, the Linuxulator; see "
	    "data/compat-status-x86_64.tsv).\nGenerated by `lxrun "
	    "--list-syscalls=md`.\n\n", out);
	fprintf(out, "- %d syscalls: ", n.rows);
	print_status_counts(out, &n);
	fputs("\n- ", out);
	print_compat_counts(out, "NetBSD:", n.netbsd);
	fputs("\n- ", out);
	print_compat_counts(out, "FreeBSD:", n.freebsd);
	fputs("\n\n| nr | name | lxrun | NetBSD | FreeBSD | note |\n"
	    "|---:|---|---|---|---|---|\n", out);
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = &lx_table[nr];

		if (!lx_sysent_known(nr))
			continue;
		fprintf(out, "| %ld ", nr);
		md_cell(out, e->name);
		md_cell(out, served_label(e, buf, sizeof(buf)));
		md_cell(out, lx_compat_name(e->netbsd));
		md_cell(out, lx_compat_name(e->freebsd));
		md_cell(out, e->note);
		fputs("|\n", out);
	}
}

int
lx_sysent_list(FILE *out, const char *format)
{
	if (format == NULL || strcmp(format, "text") == 0)
		list_text(out);
	else if (strcmp(format, "json") == 0)
		list_json(out);
	else if (strcmp(format, "md") == 0)
		list_md(out);
	else
		return -1;
	return 0;
}
