/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun scan's output: per object (sites found, resolved, left unknown),
 * per syscall (sites, the objects it is in, lxrun's, NetBSD's and
 * FreeBSD's status), and the verdict lines of --report, as text, JSON or
 * one HTML page (report_html.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/report.h"

struct os {
	const char *key, *name, *layer;
	int which;
};

static const struct os oses[] = {
	{ "netbsd", "NetBSD", "NetBSD compat_linux", 0 },
	{ "freebsd", "FreeBSD", "FreeBSD Linuxulator", 1 },
};

static enum lx_compat
compat_of(const struct lx_rrow *r, int which)
{
	return lx_compat_for_program(r->ent, which);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* What lxrun would do with a syscall, from its table. */
static void
row_fate(struct lx_rrow *r)
{
	enum lx_served s = LX_SERVED_NATIVE;

	r->by_lxrun = false;
	switch (r->ent != NULL ? r->ent->status : LX_ST_MISSING) {
	case LX_ST_EMULATED:
		r->fate = "served by lxrun";
		r->by_lxrun = true;
		s = LX_SERVED_EMULATED;
		break;
	case LX_ST_PARTIAL:
		r->fate = "partly served by lxrun";
		s = LX_SERVED_EMULATED;
		break;
	case LX_ST_NATIVE:
		r->fate = "runs natively";
		break;
	default:
		r->fate = "unsupported by lxrun too";
		s = LX_SERVED_UNSUPPORTED;
	}
	r->served[s] = r->count;
}

/* The objects a syscall is in: "libc.so.6, syncthing". */
static char *
where_of(const struct lx_scan *s, long nr, bool i386)
{
	struct lx_sbuf b = { 0 };
	char *r;

	for (int i = 0; i < s->nobjs; i++) {
		uint32_t n = i386 ? s->objs[i].count_i386[nr] :
		    s->objs[i].count[nr];

		if (n == 0)
			continue;
		if (b.len > 0)
			sb_puts(&b, ", ");
		sb_puts(&b, base_name(s->objs[i].path));
	}
	r = strdup(sb_str(&b));
	sb_free(&b);
	return r;
}

static int
add_row(struct lx_rdoc *d, const struct lx_scan *s, long nr, bool i386)
{
	struct lx_rrow *r = &d->row[d->nrows];
	uint64_t n = 0;

	for (int i = 0; i < s->nobjs; i++)
		n += i386 ? s->objs[i].count_i386[nr] : s->objs[i].count[nr];
	if (n == 0)
		return 0;
	memset(r, 0, sizeof(*r));
	r->nr = i386 ? -1 - nr : nr;
	r->count = n;
	if (i386) {
		snprintf(r->name, sizeof(r->name), "i386:syscall_%#lx",
		    (unsigned long)nr);
	} else {
		r->ent = lx_sysent(nr);
		snprintf(r->name, sizeof(r->name), "%s", r->ent->name);
	}
	row_fate(r);
	r->where = where_of(s, nr, i386);
	d->nrows++;
	return 0;
}

static void
verdict(struct lx_sbuf *b, const struct lx_rdoc *d, const struct os *os)
{
	int m = 0;
	const char *sep = " (";

	for (int i = 0; i < d->nrows; i++)
		m += compat_of(&d->row[i], os->which) != LX_CO_IMPLEMENTED;
	sb_printf(b, "%s: %d of %d syscalls found %s missing", os->name, m,
	    d->nrows, m == 1 ? "is" : "are");
	for (int i = 0; i < d->nrows; i++) {
		if (compat_of(&d->row[i], os->which) == LX_CO_IMPLEMENTED)
			continue;
		sb_printf(b, "%s%s %s", sep, d->row[i].name, d->row[i].fate);
		sep = "; ";
	}
	sb_puts(b, m ? ")" : "");
}

static void
build_doc(struct lx_rdoc *d, const struct lx_scan *s)
{
	memset(d, 0, sizeof(*d));
	d->subject = s->prog;
	d->scan = true;
	d->s = s;
	d->row = calloc(LX_NR_MAX + LX_SCAN_I386_MAX, sizeof(*d->row));
	if (d->row == NULL)
		abort();
	for (long nr = 0; nr < LX_NR_MAX; nr++)
		add_row(d, s, nr, false);
	for (long nr = 0; nr < LX_SCAN_I386_MAX; nr++)
		add_row(d, s, nr, true);
	d->served_all = true;
	for (int i = 0; i < d->nrows; i++)
		if ((compat_of(&d->row[i], 0) != LX_CO_IMPLEMENTED ||
		    compat_of(&d->row[i], 1) != LX_CO_IMPLEMENTED) &&
		    !d->row[i].by_lxrun)
			d->served_all = false;
	for (int k = 0; k < 2; k++) {
		struct lx_sbuf b = { 0 };

		verdict(&b, d, &oses[k]);
		d->verdict[k] = strdup(sb_str(&b));
		sb_free(&b);
	}
}

static void
free_doc(struct lx_rdoc *d)
{
	for (int i = 0; i < d->nrows; i++)
		free((char *)d->row[i].where);
	free(d->row);
	free(d->verdict[0]);
	free(d->verdict[1]);
}

static unsigned
total(const struct lx_scan *s, size_t off)
{
	unsigned n = 0;

	for (int i = 0; i < s->nobjs; i++)
		n += *(const unsigned *)((const char *)&s->objs[i] + off);
	return n;
}

#define TOTAL(s, field) total(s, offsetof(struct lx_scan_obj, field))

static void
text_objects(struct lx_sbuf *b, const struct lx_scan *s)
{
	sb_printf(b, "  %-40s %-11s %6s %8s %7s %10s %7s %10s %9s\n", "object",
	    "role", "sites", "resolved", "callers", "unresolved", "calls",
	    "unresolved", "unreached");
	for (int i = 0; i < s->nobjs; i++) {
		const struct lx_scan_obj *o = &s->objs[i];

		if (o->error != NULL) {
			sb_printf(b, "  %-40s %-11s not scanned: %s\n", o->path,
			    o->role, o->error);
			continue;
		}
		sb_printf(b, "  %-40s %-11s %6u %8u %7u %10u %7u %10u %9u\n",
		    o->path, o->role, o->sites, o->resolved, o->via_callers,
		    o->unresolved, o->call_sites, o->call_unresolved,
		    o->unreached);
	}
	for (int i = 0; i < s->nmissing; i++)
		sb_printf(b, "  %-40s not found (ld.so would fail)\n",
		    s->missing[i]);
}

static void
text_os(struct lx_sbuf *b, const struct lx_rdoc *d, const struct os *os)
{
	int m = 0;

	for (int i = 0; i < d->nrows; i++)
		m += compat_of(&d->row[i], os->which) != LX_CO_IMPLEMENTED;
	sb_printf(b, "\n%s lacks %d of the %d syscalls found%s\n", os->layer,
	    m, d->nrows, m ? ":" : ".");
	if (m == 0)
		return;
	sb_printf(b, "  %-22s %-14s %6s  %s\n", "syscall", "status", "sites",
	    "lxrun");
	for (int i = 0; i < d->nrows; i++) {
		const struct lx_rrow *r = &d->row[i];
		enum lx_compat c = compat_of(r, os->which);

		if (c == LX_CO_IMPLEMENTED)
			continue;
		sb_printf(b, "  %-22s %-14s %6llu  %s%s\n", r->name,
		    lx_compat_name(c), (unsigned long long)r->count, r->fate,
		    r->by_lxrun ? "" : " (would fail)");
	}
}

static void
text_unknown(struct lx_sbuf *b, const struct lx_scan *s, bool verbose)
{
	unsigned sites = TOTAL(s, unresolved), calls = TOTAL(s, call_unresolved);

	sb_printf(b, "Unresolved: %u of %u syscall sites and %u of %u calls "
	    "to wrappers have a number not known statically%s\n", sites,
	    TOTAL(s, sites), calls, TOTAL(s, call_sites),
	    verbose || s->nunknown == 0 ? (s->nunknown ? ":" : "") :
	    " (-v lists them)");
	if (!verbose)
		return;
	for (int i = 0; i < s->nunknown; i++) {
		const struct lx_scan_unknown *u = &s->unknown[i];

		sb_printf(b, "  %s %#llx %s: %s\n",
		    base_name(s->objs[u->obj].path), (unsigned long long)u->addr,
		    u->func != NULL ? u->func : "?", u->why);
	}
}

static void
print_text(struct lx_sbuf *b, const struct lx_scan *s, bool verbose)
{
	struct lx_rdoc d;

	build_doc(&d, s);
	sb_printf(b, "lxrun scan: %s: %d objects, %.2f s\n", s->prog,
	    s->nobjs, s->seconds);
	if (s->note != NULL)
		sb_printf(b, "  (%s)\n", s->note);
	text_objects(b, s);
	sb_printf(b, "\n%d syscalls the program and its libraries can make%s:\n",
	    d.nrows, s->all_code ? " (all code counted)" :
	    " (sites in code no path reaches are left out)");
	sb_printf(b, "  %-22s %4s %6s  %-24s %-14s %-14s %s\n", "syscall", "nr",
	    "sites", "lxrun", "NetBSD", "FreeBSD", "in");
	for (int i = 0; i < d.nrows; i++) {
		const struct lx_rrow *r = &d.row[i];

		sb_printf(b, "  %-22s %4ld %6llu  %-24s %-14s %-14s %s\n",
		    r->name, r->nr < 0 ? -1 - r->nr : r->nr,
		    (unsigned long long)r->count,
		    r->ent != NULL ? lx_status_name(r->ent->status) : "-",
		    lx_compat_name(compat_of(r, 0)),
		    lx_compat_name(compat_of(r, 1)), r->where);
	}
	for (int k = 0; k < 2; k++)
		text_os(b, &d, &oses[k]);
	sb_putc(b, '\n');
	for (int k = 0; k < 2; k++)
		sb_printf(b, "%s\n", d.verdict[k]);
	sb_printf(b, "lxrun serves every missing syscall: %s\n",
	    d.served_all ? "yes" : "no");
	text_unknown(b, s, verbose);
	free_doc(&d);
}

static void
json_objects(struct lx_sbuf *b, const struct lx_scan *s)
{
	sb_puts(b, ",\"objects\":[");
	for (int i = 0; i < s->nobjs; i++) {
		const struct lx_scan_obj *o = &s->objs[i];

		sb_puts(b, i ? ",{\"path\":" : "{\"path\":");
		lx_json_str(b, o->path);
		sb_puts(b, ",\"name\":");
		lx_json_str(b, o->name);
		sb_printf(b, ",\"role\":\"%s\",\"go\":%s", o->role,
		    o->is_go ? "true" : "false");
		if (o->error != NULL) {
			sb_puts(b, ",\"error\":");
			lx_json_str(b, o->error);
		}
		sb_printf(b, ",\"sites\":%u,\"resolved\":%u,\"via_callers\":%u,"
		    "\"unresolved\":%u,\"wrapper_calls\":%u,"
		    "\"wrapper_calls_unresolved\":%u,\"unreached\":%u}",
		    o->sites, o->resolved, o->via_callers, o->unresolved,
		    o->call_sites, o->call_unresolved, o->unreached);
	}
	sb_puts(b, "],\"missing_libraries\":[");
	for (int i = 0; i < s->nmissing; i++) {
		if (i)
			sb_putc(b, ',');
		lx_json_str(b, s->missing[i]);
	}
	sb_putc(b, ']');
}

static void
json_syscalls(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	sb_puts(b, ",\"syscalls\":[");
	for (int i = 0; i < d->nrows; i++) {
		const struct lx_rrow *r = &d->row[i];

		sb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		lx_json_str(b, r->name);
		if (r->nr >= 0)
			sb_printf(b, ",\"nr\":%ld,\"abi\":\"x86_64\"", r->nr);
		else
			sb_printf(b, ",\"nr\":%ld,\"abi\":\"i386\"", -1 - r->nr);
		sb_printf(b, ",\"sites\":%llu,\"lxrun\":\"%s\",\"netbsd\":\"%s\","
		    "\"freebsd\":\"%s\",\"served_by_lxrun\":%s,\"in\":[",
		    (unsigned long long)r->count,
		    r->ent != NULL ? lx_status_name(r->ent->status) : "missing",
		    lx_compat_name(compat_of(r, 0)),
		    lx_compat_name(compat_of(r, 1)),
		    r->by_lxrun ? "true" : "false");
		for (const char *p = r->where, *q; *p; p = *q ? q + 2 : q) {
			char name[256];

			q = strstr(p, ", ");
			if (q == NULL)
				q = p + strlen(p);
			snprintf(name, sizeof(name), "%.*s", (int)(q - p), p);
			if (p != r->where)
				sb_putc(b, ',');
			lx_json_str(b, name);
		}
		sb_puts(b, "]}");
	}
	sb_putc(b, ']');
}

static void
json_os(struct lx_sbuf *b, const struct lx_rdoc *d, const struct os *os)
{
	int m = 0, served = 0;
	bool first = true;

	sb_printf(b, ",\"%s\":{\"missing\":[", os->key);
	for (int i = 0; i < d->nrows; i++) {
		const struct lx_rrow *r = &d->row[i];

		if (compat_of(r, os->which) == LX_CO_IMPLEMENTED)
			continue;
		m++;
		served += r->by_lxrun;
		sb_puts(b, first ? "" : ",");
		first = false;
		lx_json_str(b, r->name);
	}
	sb_printf(b, "],\"missing_count\":%d,\"served_by_lxrun\":%d,"
	    "\"would_fail\":%d,\"verdict\":", m, served, m - served);
	lx_json_str(b, d->verdict[os->which]);
	sb_putc(b, '}');
}

static void
print_json(struct lx_sbuf *b, const struct lx_scan *s, bool verbose)
{
	struct lx_rdoc d;

	build_doc(&d, s);
	sb_puts(b, "{\"program\":");
	lx_json_str(b, s->prog);
	if (s->note != NULL) {
		sb_puts(b, ",\"note\":");
		lx_json_str(b, s->note);
	}
	sb_printf(b, ",\"seconds\":%.3f,\"all_code\":%s", s->seconds,
	    s->all_code ? "true" : "false");
	json_objects(b, s);
	json_syscalls(b, &d);
	for (int k = 0; k < 2; k++)
		json_os(b, &d, &oses[k]);
	sb_printf(b, ",\"lxrun_serves_all\":%s,\"unresolved_sites\":%u,"
	    "\"unresolved_calls\":%u,\"unknown\":[", d.served_all ? "true" :
	    "false", TOTAL(s, unresolved), TOTAL(s, call_unresolved));
	for (int i = 0; verbose && i < s->nunknown; i++) {
		const struct lx_scan_unknown *u = &s->unknown[i];

		sb_puts(b, i ? ",{\"object\":" : "{\"object\":");
		lx_json_str(b, s->objs[u->obj].path);
		sb_printf(b, ",\"addr\":\"%#llx\",\"function\":",
		    (unsigned long long)u->addr);
		if (u->func != NULL)
			lx_json_str(b, u->func);
		else
			sb_puts(b, "null");
		sb_puts(b, ",\"why\":");
		lx_json_str(b, u->why);
		sb_putc(b, '}');
	}
	sb_puts(b, "]}");
	free_doc(&d);
}

void
lx_scan_print(FILE *out, const struct lx_scan *s, int n, enum lx_format fmt,
    bool verbose)
{
	struct lx_sbuf b = { 0 };

	if (fmt == LX_FMT_HTML) {
		struct lx_rdoc *d = calloc((size_t)n + 1, sizeof(*d));

		if (d == NULL)
			abort();
		for (int i = 0; i < n; i++)
			build_doc(&d[i], &s[i]);
		lx_report_html(&b, d, n);
		for (int i = 0; i < n; i++)
			free_doc(&d[i]);
		free(d);
	} else if (fmt == LX_FMT_JSON) {
		sb_puts(&b, n > 1 ? "[" : "");
		for (int i = 0; i < n; i++) {
			if (i)
				sb_putc(&b, ',');
			print_json(&b, &s[i], verbose);
		}
		sb_puts(&b, n > 1 ? "]\n" : "\n");
	} else {
		for (int i = 0; i < n; i++) {
			if (i)
				sb_putc(&b, '\n');
			print_text(&b, &s[i], verbose);
		}
	}
	fwrite(sb_str(&b), 1, b.len, out);
	sb_free(&b);
}
