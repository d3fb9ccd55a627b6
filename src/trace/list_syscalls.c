/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --list-syscalls: the table (src/translate/sysent.c) written out as text,
 * JSON or Markdown, with how lxrun, NetBSD and FreeBSD serve each row.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/sysent.h"
#include "lxrun/trace.h"

struct lx_counts {
	int rows;
	int status[LX_ST_MISSING + 1];
	int netbsd[LX_CO_ABSENT + 1];
	int freebsd[LX_CO_ABSENT + 1];
};

static void
count_rows(struct lx_counts *n)
{
	const struct lx_sysent *e;
	long nr;

	memset(n, 0, sizeof(*n));
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		if (!lx_sysent_known(nr))
			continue;
		e = lx_sysent(nr);
		n->rows++;
		n->status[e->status]++;
		n->netbsd[e->netbsd]++;
		n->freebsd[e->freebsd]++;
	}
}

/* The number ranges the table covers: "0-336 and 424-469". */
static void
print_ranges(FILE *out)
{
	long nr = 0, lo;
	int n = 0;

	while (nr < LX_NR_MAX) {
		if (!lx_sysent_known(nr)) {
			nr++;
			continue;
		}
		for (lo = nr; nr < LX_NR_MAX && lx_sysent_known(nr); nr++)
			;
		fprintf(out, "%s%ld-%ld", n++ ? " and " : "", lo, nr - 1);
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
		const struct lx_sysent *e = lx_sysent(nr);

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
		const struct lx_sysent *e = lx_sysent(nr);

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
	    "One row per Linux x86-64 syscall (numbers ", out);
	print_ranges(out);
	fputs(", as Linux 6.18\nhas them).  *lxrun* says how lxrun serves it: "
	    "native (the host kernel runs\nit), emulated (an lxrun handler "
	    "answers it; family as in `--emulate`),\npartial (a handler with "
	    "the gaps noted) or missing (ENOSYS).  *NetBSD* and\n*FreeBSD* "
	    "give what their Linux compat layers have for it (compat_linux,\n"
	    "the Linuxulator; see data/compat-status-x86_64.tsv).  Generated "
	    "by\n`lxrun --list-syscalls=md`.\n\n", out);
	fprintf(out, "- %d syscalls: ", n.rows);
	print_status_counts(out, &n);
	fputs("\n- ", out);
	print_compat_counts(out, "NetBSD:", n.netbsd);
	fputs("\n- ", out);
	print_compat_counts(out, "FreeBSD:", n.freebsd);
	fputs("\n\n| nr | name | lxrun | NetBSD | FreeBSD | note |\n"
	    "|---:|---|---|---|---|---|\n", out);
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = lx_sysent(nr);

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
