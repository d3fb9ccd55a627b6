/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --report-format=html and lxrun scan --format=html: one self-contained
 * page (no script, font or style from elsewhere).  The verdict comes
 * first, then a table per compat layer of what it lacks, an inline SVG
 * bar chart of the counts coloured by how each syscall was served, and
 * for a scan the per-library breakdown.  The layout is one column that
 * reads at 1280 px and at a phone's 360 px: wide tables scroll inside
 * their own box, the chart scales with its viewBox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/report.h"

#define CHART_ROWS 40		/* the most frequent ones */
#define CHART_W 480		/* viewBox units */
#define CHART_LABEL 150
#define CHART_ROW_H 16

static const char css[] =
"*{box-sizing:border-box}"
"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
"Roboto,sans-serif;color:#1d2330;background:#f4f5f7}"
"main{max-width:1040px;margin:0 auto;padding:16px}"
"section.doc{background:#fff;border:1px solid #dde1e6;border-radius:8px;"
"padding:16px 20px;margin-bottom:24px}"
"h1{font-size:1.35em;margin:0 0 12px;overflow-wrap:anywhere}"
"h2{font-size:1.1em;margin:24px 0 8px}"
"code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}"
".verdict{border-radius:6px;padding:12px 14px;margin:0 0 12px}"
".verdict.ok{background:#e6f4ea;border:1px solid #9fd3ae}"
".verdict.bad{background:#fdecea;border:1px solid #f0aaa3}"
".verdict .big{font-size:1.15em;font-weight:600;margin:0 0 6px}"
".verdict ul{margin:4px 0 0;padding-left:20px}"
".verdict li{margin:2px 0}"
".lines{font-size:.85em;color:#4a5263;overflow-wrap:anywhere;"
"margin:0 0 8px}"
".lines summary{cursor:pointer}"
".meta{color:#4a5263;margin:4px 0}"
".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}"
"table{border-collapse:collapse;width:100%;font-size:.9em}"
"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e8eb;"
"white-space:nowrap}"
"td.num,th.num{text-align:right}"
"th{background:#f0f2f5;font-weight:600}"
".fail{color:#b3261e;font-weight:600}"
".good{color:#1e7b3c;font-weight:600}"
".legend span{display:inline-block;margin:0 12px 4px 0;font-size:.85em}"
".legend i{display:inline-block;width:12px;height:12px;border-radius:2px;"
"margin-right:4px;vertical-align:-1px}"
"svg.chart{width:100%;max-width:760px;height:auto;display:block}"
"svg.chart text{font:11px system-ui,sans-serif;fill:#1d2330}"
"svg.chart text.miss{fill:#b3261e;font-weight:700}"
"@media (max-width:600px){main{padding:8px}"
"section.doc{padding:12px}body{font-size:14px}}";

/* Colours of enum lx_served, and of a mixture. */
static const char *const served_colour[3] = { "#4a78b5", "#2a9d5c",
    "#c0392b" };
static const char *const served_label[3] = { "native", "emulated by lxrun",
    "unsupported (ENOSYS)" };

void
lx_html_str(struct lx_sbuf *b, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '&': sb_puts(b, "&amp;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		default: sb_putc(b, *s);
		}
	}
}

static enum lx_compat
compat_of(const struct lx_rrow *r, int which)
{
	return lx_compat_for_program(r->ent, which);
}

static bool
missing_anywhere(const struct lx_rrow *r)
{
	return compat_of(r, 0) != LX_CO_IMPLEMENTED ||
	    compat_of(r, 1) != LX_CO_IMPLEMENTED;
}

static const char *
unit(const struct lx_rdoc *d)
{
	return d->scan ? "sites" : "calls";
}

static void
verdict_box(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	static const char *const os[2] = { "NetBSD", "FreeBSD" };

	sb_printf(b, "<div class=\"verdict %s\" id=\"verdict\">",
	    d->served_all ? "ok" : "bad");
	sb_printf(b, "<p class=\"big\">lxrun %s every syscall a BSD lacks: "
	    "%s</p><ul>", d->scan ? "serves" : "served",
	    d->served_all ? "yes" : "no");
	for (int k = 0; k < 2; k++) {
		int m = 0, served = 0;

		for (int i = 0; i < d->nrows; i++)
			if (compat_of(&d->row[i], k) != LX_CO_IMPLEMENTED) {
				m++;
				served += d->row[i].by_lxrun;
			}
		sb_printf(b, "<li><strong>%s</strong>: %d of %d syscalls %s "
		    "missing; %d served by lxrun, <span class=\"%s\">%d would "
		    "fail</span></li>", os[k], m, d->nrows,
		    d->scan ? "found" : "used", served,
		    m - served ? "fail" : "good", m - served);
	}
	sb_printf(b, "</ul></div><details class=\"lines\"><summary>The "
	    "verdict lines, as %s prints them</summary>",
	    d->scan ? "lxrun scan" : "--report");
	for (int k = 0; k < 2; k++) {
		sb_puts(b, "<p>");
		lx_html_str(b, d->verdict[k]);
		sb_puts(b, "</p>");
	}
	sb_puts(b, "</details>");
}

static void
os_table(struct lx_sbuf *b, const struct lx_rdoc *d, int which)
{
	static const char *const layer[2] = { "NetBSD compat_linux",
	    "FreeBSD Linuxulator" };
	int m = 0;

	for (int i = 0; i < d->nrows; i++)
		m += compat_of(&d->row[i], which) != LX_CO_IMPLEMENTED;
	sb_printf(b, "<h2>%s lacks %d of the %d syscalls</h2>", layer[which],
	    m, d->nrows);
	if (m == 0)
		return;
	sb_printf(b, "<div class=\"scroll\"><table><tr><th>syscall</th>"
	    "<th>status</th><th class=\"num\">%s</th><th>lxrun</th></tr>",
	    unit(d));
	for (int i = 0; i < d->nrows; i++) {
		const struct lx_rrow *r = &d->row[i];
		enum lx_compat c = compat_of(r, which);

		if (c == LX_CO_IMPLEMENTED)
			continue;
		sb_puts(b, "<tr><td><code>");
		lx_html_str(b, r->name);
		sb_printf(b, "</code></td><td>%s</td><td class=\"num\">%llu</td>"
		    "<td class=\"%s\">", lx_compat_name(c),
		    (unsigned long long)r->count, r->by_lxrun ? "good" : "fail");
		lx_html_str(b, r->fate);
		sb_puts(b, "</td></tr>");
	}
	sb_puts(b, "</table></div>");
}

/* Missing on a BSD first (they must be on the chart), then by count. */
static int
by_weight(const void *a, const void *b)
{
	const struct lx_rrow *x = *(const struct lx_rrow *const *)a;
	const struct lx_rrow *y = *(const struct lx_rrow *const *)b;

	if (missing_anywhere(x) != missing_anywhere(y))
		return missing_anywhere(x) ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int
by_count(const void *a, const void *b)
{
	const struct lx_rrow *x = *(const struct lx_rrow *const *)a;
	const struct lx_rrow *y = *(const struct lx_rrow *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* One bar: a segment per way of serving, widths by their counts. */
static void
chart_bar(struct lx_sbuf *b, const struct lx_rrow *r, int y, uint64_t max)
{
	double w = CHART_W - CHART_LABEL - 44, x = CHART_LABEL;

	sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s>",
	    CHART_LABEL - 6, y + 12,
	    missing_anywhere(r) ? " class=\"miss\"" : "");
	lx_html_str(b, r->name);
	sb_puts(b, "</text>");
	for (int s = 0; s < 3; s++) {
		double sw = max ? w * (double)r->served[s] / (double)max : 0;

		if (r->served[s] == 0)
			continue;
		if (sw < 1)
			sw = 1;
		sb_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"><title>%s: %llu %s</title></rect>",
		    x, y + 2, sw, CHART_ROW_H - 4, served_colour[s],
		    served_label[s], (unsigned long long)r->served[s],
		    "");
		x += sw;
	}
	sb_printf(b, "<text x=\"%.1f\" y=\"%d\">%llu</text>", x + 4, y + 12,
	    (unsigned long long)r->count);
}

static void
chart(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	const struct lx_rrow **top;
	int n = d->nrows < CHART_ROWS ? d->nrows : CHART_ROWS;

	sb_printf(b, "<h2>%s per syscall</h2>", d->scan ? "Sites" : "Calls");
	if (d->nrows == 0) {
		sb_puts(b, "<p class=\"meta\">None.</p>");
		return;
	}
	if ((top = calloc((size_t)d->nrows, sizeof(*top))) == NULL)
		abort();
	for (int i = 0; i < d->nrows; i++)
		top[i] = &d->row[i];
	/* the n to show: what a BSD lacks, then the most frequent */
	qsort(top, (size_t)d->nrows, sizeof(*top), by_weight);
	qsort(top, (size_t)n, sizeof(*top), by_count);
	sb_puts(b, "<p class=\"legend\">");
	for (int s = 0; s < 3; s++)
		sb_printf(b, "<span><i style=\"background:%s\"></i>%s</span>",
		    served_colour[s], served_label[s]);
	sb_puts(b, "<span class=\"fail\">red name: missing on NetBSD or "
	    "FreeBSD</span>");
	if (n < d->nrows)
		sb_printf(b, "<span>%d of %d: all that a BSD lacks, then the "
		    "most frequent</span>", n, d->nrows);
	sb_printf(b, "</p><svg class=\"chart\" id=\"chart\" role=\"img\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\">"
	    "<title>%s per syscall</title>", CHART_W, n * CHART_ROW_H + 4,
	    unit(d));
	for (int i = 0; i < n; i++)
		chart_bar(b, top[i], i * CHART_ROW_H, top[0]->count);
	sb_puts(b, "</svg>");
	free(top);
}

/* Per object: what it holds and what of that a BSD lacks. */
static void
libraries(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	const struct lx_scan *s = d->s;

	sb_puts(b, "<h2>Per library</h2><div class=\"scroll\"><table><tr>"
	    "<th>object</th><th>role</th><th class=\"num\">sites</th>"
	    "<th class=\"num\">unresolved</th><th class=\"num\">unreached</th>"
	    "<th class=\"num\">wrapper calls"
	    "</th><th class=\"num\">syscalls</th><th>missing on NetBSD</th>"
	    "<th>missing on FreeBSD</th></tr>");
	for (int i = 0; i < s->nobjs; i++) {
		const struct lx_scan_obj *o = &s->objs[i];
		struct lx_sbuf miss[2] = { { 0 }, { 0 } };
		int n = 0;

		for (int r = 0; r < d->nrows; r++) {
			const struct lx_rrow *row = &d->row[r];
			long nr = row->nr;
			uint32_t c = nr >= 0 ? o->count[nr] :
			    o->count_i386[-1 - nr];

			if (c == 0)
				continue;
			n++;
			for (int k = 0; k < 2; k++)
				if (compat_of(row, k) != LX_CO_IMPLEMENTED) {
					if (miss[k].len)
						sb_puts(&miss[k], ", ");
					sb_puts(&miss[k], row->name);
				}
		}
		sb_puts(b, "<tr><td><code>");
		lx_html_str(b, o->path);
		sb_printf(b, "</code></td><td>%s</td>", o->role);
		if (o->error != NULL) {
			sb_puts(b, "<td colspan=\"7\">not scanned: ");
			lx_html_str(b, o->error);
			sb_puts(b, "</td></tr>");
			continue;
		}
		sb_printf(b, "<td class=\"num\">%u</td><td class=\"num\">%u</td>"
		    "<td class=\"num\">%u</td><td class=\"num\">%u</td>"
		    "<td class=\"num\">%d</td>", o->sites, o->unresolved,
		    o->unreached, o->call_sites, n);
		for (int k = 0; k < 2; k++) {
			sb_puts(b, "<td>");
			lx_html_str(b, miss[k].len ? sb_str(&miss[k]) : "-");
			sb_puts(b, "</td>");
			sb_free(&miss[k]);
		}
		sb_puts(b, "</tr>");
	}
	for (int i = 0; i < s->nmissing; i++) {
		sb_puts(b, "<tr><td><code>");
		lx_html_str(b, s->missing[i]);
		sb_puts(b, "</code></td><td colspan=\"8\" class=\"fail\">not found"
		    " (ld.so would fail)</td></tr>");
	}
	sb_puts(b, "</table></div>");
}

static void
summary_line(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	uint64_t total = 0;

	for (int i = 0; i < d->nrows; i++)
		total += d->row[i].count;
	sb_printf(b, "<p class=\"meta\">%d syscalls, %llu %s", d->nrows,
	    (unsigned long long)total, unit(d));
	if (d->scan) {
		unsigned u = 0, sites = 0, cu = 0;

		for (int i = 0; i < d->s->nobjs; i++) {
			u += d->s->objs[i].unresolved;
			sites += d->s->objs[i].sites;
			cu += d->s->objs[i].call_unresolved;
		}
		unsigned un = 0;

		for (int i = 0; i < d->s->nobjs; i++)
			un += d->s->objs[i].unreached;
		sb_printf(b, " in %d objects; %u of %u syscall instructions and "
		    "%u calls to wrappers have a number not known statically; "
		    "%u instructions in code no path reaches are left out%s; "
		    "scanned in %.2f s", d->s->nobjs, u, sites, cu, un,
		    d->s->all_code ? " (no: --all-code)" : "", d->s->seconds);
		if (d->s->note != NULL) {
			sb_puts(b, " (");
			lx_html_str(b, d->s->note);
			sb_puts(b, ")");
		}
	}
	sb_puts(b, ".</p>");
}

static void
document(struct lx_sbuf *b, const struct lx_rdoc *d)
{
	sb_printf(b, "<section class=\"doc\"><h1>%s: <code>",
	    d->scan ? "lxrun scan" : "lxrun compatibility report");
	lx_html_str(b, d->subject != NULL ? d->subject : "the run");
	sb_puts(b, "</code></h1>");
	verdict_box(b, d);
	summary_line(b, d);
	for (int k = 0; k < 2; k++)
		os_table(b, d, k);
	chart(b, d);
	if (d->scan)
		libraries(b, d);
	sb_puts(b, "</section>");
}

void
lx_report_html(struct lx_sbuf *b, const struct lx_rdoc *d, int n)
{
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
	    "\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\"><title>");
	sb_puts(b, n > 0 && d[0].scan ? "lxrun scan" :
	    "lxrun compatibility report");
	if (n == 1 && d[0].subject != NULL) {
		sb_puts(b, ": ");
		lx_html_str(b, d[0].subject);
	}
	sb_printf(b, "</title><style>%s</style></head><body><main>\n", css);
	for (int i = 0; i < n; i++)
		document(b, &d[i]);
	sb_puts(b, "</main></body></html>\n");
}
