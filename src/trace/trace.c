/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --trace output: one line per syscall in strace's form, or one JSON
 * object per line, plus the signal and exit lines.  The tracer keeps one
 * record per thread; begin() decodes what must be read before the call
 * runs, end() what the call wrote, then prints the whole line at once so
 * that lines of different threads never interleave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lxrun/linux_abi.h"
#include "trace/print.h"
#include "trace/recent.h"

struct lx_trace_rec {
	struct lx_call call;		/* as it was at entry */
	struct lx_sbuf arg[LX_NARGS];
	struct lx_sbuf retx;
	struct lx_pctx p;
	lx_decoder_fn *dec;
	bool active;			/* begin() decoded this call */
};

static struct lx_sbuf line;
static bool multi;

/* tid -> thread group, for the "pid" of signal and exit records. */
#define PIDMAP_SIZE 1024
static struct { int tid, pid; } pidmap[PIDMAP_SIZE];

static void
pidmap_note(int tid, int pid)
{
	if (tid > 0) {
		pidmap[tid % PIDMAP_SIZE].tid = tid;
		pidmap[tid % PIDMAP_SIZE].pid = pid;
	}
}

static int
pidmap_pid(int tid)
{
	if (tid > 0 && pidmap[tid % PIDMAP_SIZE].tid == tid)
		return pidmap[tid % PIDMAP_SIZE].pid;
	return tid;
}

const char *
lx_served_name(enum lx_served s)
{
	switch (s) {
	case LX_SERVED_NATIVE:		return "native";
	case LX_SERVED_EMULATED:	return "emulated";
	case LX_SERVED_UNSUPPORTED:	return "unsupported";
	}
	return "unknown";
}

void
lx_trace_set_multi(bool m)
{
	multi = m;
}

static bool
selected(long nr)
{
	if (nr >= 0 && nr < LX_NR_MAX && lx_sysent_known(nr))
		return lx_opt.trace_set[nr] != 0;
	return lx_opt.trace_unknown;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct lx_trace_rec *
lx_trace_rec_new(void)
{
	struct lx_trace_rec *r = calloc(1, sizeof(*r));

	if (r == NULL)
		abort();
	return r;
}

void
lx_trace_rec_free(struct lx_trace_rec *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < LX_NARGS; i++)
		sb_free(&r->arg[i]);
	sb_free(&r->retx);
	free(r);
}

static const struct lx_sysent *
row_of(const struct lx_call *c)
{
	return c->ent != NULL ? c->ent : lx_sysent(c->nr);
}

static bool
is_known(long nr)
{
	return nr >= 0 && nr < LX_NR_MAX && lx_sysent_known(nr);
}

/* A call of the table: x86-64 ABI and a known number. */
static bool
call_known(const struct lx_call *c)
{
	return c->abi == LX_ABI_X86_64 && is_known(c->nr);
}

/* Key for -c and --report: i386 numbers must not count as x86-64 ones. */
static long
stats_key(const struct lx_call *c)
{
	return c->abi == LX_ABI_I386 ? (long)(0x80000000UL | (unsigned long)c->nr)
	    : c->nr;
}

/* Name of a call outside the table, as strace: syscall_0x1f4. */
static void
unknown_name(char *buf, size_t len, const struct lx_call *c)
{
	snprintf(buf, len, "%ssyscall_%#lx",
	    c->abi == LX_ABI_I386 ? "i386:" : "", (unsigned long)c->nr);
}

static void
print_unknown_args(struct lx_pctx *p)
{
	p->nargs = LX_NARGS;
	for (int i = 0; i < LX_NARGS; i++) {
		sb_reset(&p->arg[i]);
		sb_printf(&p->arg[i], "%#llx", (unsigned long long)LX_ARG(p, i));
	}
}

static void
decode_entry(struct lx_trace_rec *r, const struct lx_call *c,
    struct lx_guest *g)
{
	struct lx_pctx *p = &r->p;

	r->call = *c;
	memset(p, 0, sizeof(*p));
	p->c = &r->call;
	p->g = g;
	p->ent = row_of(c);
	p->arg = r->arg;
	p->retx = &r->retx;
	p->nargs = p->ent->nargs <= LX_NARGS ? p->ent->nargs : LX_NARGS;
	sb_reset(&r->retx);
	for (int i = 0; i < LX_NARGS; i++)
		sb_reset(&r->arg[i]);
	r->dec = NULL;
	if (!call_known(c))
		print_unknown_args(p);
	else if ((r->dec = lx_decoder(c->nr)) != NULL)
		r->dec(p);
	else
		lx_print_args(p);
	r->active = true;
	pidmap_note(c->tid, c->pid);
}

void
lx_trace_begin(struct lx_trace_rec *r, const struct lx_call *c,
    struct lx_guest *g)
{
	r->active = false;
	if (!lx_opt.trace || !selected(c->nr))
		return;
	decode_entry(r, c, g);
}

static void
decode_exit(struct lx_trace_rec *r, struct lx_guest *g, long ret)
{
	struct lx_pctx *p = &r->p;

	p->exiting = true;
	p->ret = ret;
	p->g = g;
	if (!call_known(p->c))
		return;
	if (r->dec != NULL)
		r->dec(p);
	else
		lx_print_args(p);
}

/* Line parts. */

static void
put_prefix(struct lx_sbuf *b, int tid, int64_t t_ns)
{
	/* -ff -o: each file is one thread's, as strace's */
	if (multi && !lx_opt.out_separately)
		sb_printf(b, "[pid %d] ", tid);
	if (lx_opt.tt > 0) {
		time_t sec = (time_t)(t_ns / 1000000000);
		long usec = (long)(t_ns % 1000000000 / 1000);
		struct tm tm;

		if (lx_opt.tt >= 3) {
			sb_printf(b, "%lld.%06ld ", (long long)sec, usec);
		} else {
			localtime_r(&sec, &tm);
			sb_printf(b, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			    tm.tm_sec);
			if (lx_opt.tt == 2)
				sb_printf(b, ".%06ld", usec);
			sb_putc(b, ' ');
		}
	}
}

static void
put_name(struct lx_sbuf *b, const struct lx_call *c,
    const struct lx_sysent *ent)
{
	char name[32];

	if (call_known(c) && ent->name != NULL) {
		sb_puts(b, ent->name);
	} else {
		unknown_name(name, sizeof(name), c);
		sb_puts(b, name);
	}
}

static void
put_ret(struct lx_sbuf *b, struct lx_pctx *p, long ret)
{
	int kind = p->retkind ? p->retkind : p->ent->ret;

	if (LX_IS_ERR(ret)) {
		long e = -ret;
		const char *name = lx_errno_name(e);

		if (name == NULL)
			sb_printf(b, "-1 (errno %ld)", e);
		else
			sb_printf(b, "%s %s (%s)",
			    lx_errno_is_restart(e) ? "?" : "-1", name,
			    lx_errno_msg(e));
		return;
	}
	if (!call_known(p->c))
		kind = LXA_LONG;
	switch (kind) {
	case LXA_HEX:
	case LXA_PTR:
		sb_printf(b, "%#lx", (unsigned long)ret);
		break;
	case LXA_OCT:
	case LXA_MODE:
		lx_print_oct(b, (unsigned long)ret);
		break;
	case LXA_FD:
		lx_print_fd(p, b, (int)ret);
		break;
	default:
		sb_printf(b, "%ld", ret);
	}
	sb_puts(b, sb_str(p->retx));
}

static bool
compat_lacks(const struct lx_sysent *ent)
{
	return ent->netbsd != LX_CO_IMPLEMENTED ||
	    ent->freebsd != LX_CO_IMPLEMENTED;
}

static void
put_served(struct lx_sbuf *b, const struct lx_sysent *ent,
    enum lx_served served)
{
	sb_printf(b, " [%s", lx_served_name(served));
	if (compat_lacks(ent)) {
		const char *sep = "; ";

		if (ent->netbsd != LX_CO_IMPLEMENTED) {
			sb_printf(b, "%sNetBSD: %s", sep,
			    lx_compat_name(ent->netbsd));
			sep = ", ";
		}
		if (ent->freebsd != LX_CO_IMPLEMENTED)
			sb_printf(b, "%sFreeBSD: %s", sep,
			    lx_compat_name(ent->freebsd));
	}
	sb_putc(b, ']');
}

static void
put_args_text(struct lx_sbuf *b, struct lx_pctx *p)
{
	sb_putc(b, '(');
	for (int i = 0; i < p->nargs; i++) {
		if (i)
			sb_puts(b, ", ");
		sb_puts(b, sb_str(&p->arg[i]));
	}
	sb_putc(b, ')');
}

/* JSON. */

void
lx_json_str(struct lx_sbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		switch (*u) {
		case '"':  sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\r': sb_puts(b, "\\r"); break;
		default:
			/* Bytes >= 0x80 as code points: valid for any input. */
			if (*u < 0x20 || *u >= 0x7f)
				sb_printf(b, "\\u%04x", *u);
			else
				sb_putc(b, (char)*u);
		}
	}
	sb_putc(b, '"');
}

static void
put_json_time(struct lx_sbuf *b, const char *key, int64_t ns)
{
	sb_printf(b, ",\"%s\":%lld.%06lld", key, (long long)(ns / 1000000000),
	    (long long)(ns % 1000000000 / 1000));
}

static void
put_json_head(struct lx_sbuf *b, int pid, int tid)
{
	sb_printf(b, "{\"pid\":%d,\"tid\":%d", pid, tid);
}

static void
put_json_call(struct lx_sbuf *b, struct lx_pctx *p, const char *name,
    const long *ret, enum lx_served served, int64_t start_ns, int64_t dur_ns)
{
	put_json_head(b, p->c->pid, p->c->tid);
	sb_printf(b, ",\"nr\":%ld,\"name\":", p->c->nr);
	lx_json_str(b, name);
	sb_puts(b, ",\"args\":[");
	for (int i = 0; i < p->nargs; i++) {
		if (i)
			sb_putc(b, ',');
		lx_json_str(b, sb_str(&p->arg[i]));
	}
	sb_puts(b, "],\"ret\":");
	if (ret == NULL) {
		sb_puts(b, "null,\"errno\":null");
	} else {
		const char *en = LX_IS_ERR(*ret) ? lx_errno_name(-*ret) : NULL;

		sb_printf(b, "%ld,\"errno\":", *ret);
		if (LX_IS_ERR(*ret) && en == NULL)
			sb_printf(b, "\"E%ld\"", -*ret);
		else if (en != NULL)
			lx_json_str(b, en);
		else
			sb_puts(b, "null");
		if (p->retx->len > 0) {
			sb_puts(b, ",\"ret_detail\":");
			lx_json_str(b, sb_str(p->retx) + 1);
		}
	}
	sb_puts(b, ",\"served\":");
	lx_json_str(b, lx_served_name(served));
	put_json_time(b, "t", start_ns);
	sb_printf(b, ",\"dur_us\":%lld.%03lld", (long long)(dur_ns / 1000),
	    (long long)(dur_ns % 1000));
	sb_puts(b, ",\"netbsd\":");
	lx_json_str(b, lx_compat_name(p->ent->netbsd));
	sb_puts(b, ",\"freebsd\":");
	lx_json_str(b, lx_compat_name(p->ent->freebsd));
	if (ret == NULL)
		sb_puts(b, ",\"unfinished\":true");
	sb_puts(b, "}\n");
}

static void
emit(struct lx_sbuf *b, int tid)
{
	fwrite(b->s, 1, b->len, lx_trace_stream(tid));
}

static void
print_call(struct lx_trace_rec *r, const long *ret, enum lx_served served,
    int64_t start_ns, int64_t dur_ns)
{
	struct lx_pctx *p = &r->p;
	char name[32];

	sb_reset(&line);
	if (lx_opt.trace_format == LX_FMT_JSON) {
		if (call_known(p->c) && p->ent->name != NULL)
			snprintf(name, sizeof(name), "%s", p->ent->name);
		else
			unknown_name(name, sizeof(name), p->c);
		put_json_call(&line, p, name, ret, served, start_ns, dur_ns);
		emit(&line, p->c->tid);
		return;
	}
	put_prefix(&line, p->c->tid, start_ns);
	put_name(&line, p->c, p->ent);
	put_args_text(&line, p);
	sb_puts(&line, " = ");
	if (ret == NULL) {
		sb_putc(&line, '?');
	} else {
		put_ret(&line, p, *ret);
		put_served(&line, p->ent, served);
		if (lx_opt.show_time)
			sb_printf(&line, " <%lld.%06lld>",
			    (long long)(dur_ns / 1000000000),
			    (long long)(dur_ns % 1000000000 / 1000));
	}
	sb_putc(&line, '\n');
	emit(&line, p->c->tid);
}

/* For a crash report's "last syscalls" (recent.c). */
static void
record_recent(const struct lx_call *c, long ret, enum lx_served served)
{
	const struct lx_sysent *ent = row_of(c);
	char name[32];

	if (call_known(c) && ent->name != NULL)
		snprintf(name, sizeof(name), "%s", ent->name);
	else
		unknown_name(name, sizeof(name), c);
	lx_recent_add(c, name, ret, served);
}

void
lx_trace_end(struct lx_trace_rec *r, const struct lx_call *c,
    struct lx_guest *g, long ret, enum lx_served served, int64_t start_ns,
    int64_t dur_ns)
{
	lx_stats_count(row_of(c), stats_key(c), served, ret, dur_ns);
	record_recent(c, ret, served);
	/* -e status=: a restart code (ERESTARTSYS...) is a failure too */
	if (!lx_opt.trace || !selected(c->nr) || !(lx_opt.status_set &
	    (LX_IS_ERR(ret) ? LX_STATUS_FAILED : LX_STATUS_SUCCESSFUL))) {
		r->active = false;
		return;
	}
	if (!r->active)
		decode_entry(r, c, g);
	decode_exit(r, g, ret);
	print_call(r, &ret, served, start_ns, dur_ns);
	r->active = false;
}

void
lx_trace_unfinished(struct lx_trace_rec *r, const struct lx_call *c)
{
	const struct lx_sysent *ent = row_of(c);
	enum lx_served served = ent->status == LX_ST_NATIVE ?
	    LX_SERVED_NATIVE : LX_SERVED_EMULATED;

	if (ent->status == LX_ST_MISSING || !call_known(c))
		served = LX_SERVED_UNSUPPORTED;
	lx_stats_count(ent, stats_key(c), served, 0, 0);
	if (!lx_opt.trace || !selected(c->nr) ||
	    !(lx_opt.status_set & LX_STATUS_UNFINISHED)) {
		r->active = false;
		return;
	}
	if (!r->active)
		decode_entry(r, c, NULL);
	print_call(r, NULL, served, now_ns(), 0);
	r->active = false;
}

/* Signal and exit lines. */

void
lx_trace_signal(int tid, int sig, const void *siginfo)
{
	struct lx_sbuf info = { 0 };
	const char *name = lx_signame(sig);
	char num[16];
	int64_t t = now_ns();

	if (!lx_opt.trace || !lx_trace_signal_shown(sig))
		return;
	if (name == NULL) {
		snprintf(num, sizeof(num), "%d", sig);
		name = num;
	}
	if (siginfo != NULL)
		lx_print_siginfo_buf(&info, siginfo);
	else
		sb_printf(&info, "{si_signo=%s}", name);
	sb_reset(&line);
	if (lx_opt.trace_format == LX_FMT_JSON) {
		put_json_head(&line, pidmap_pid(tid), tid);
		sb_puts(&line, ",\"event\":\"signal\",\"signal\":");
		lx_json_str(&line, name);
		sb_puts(&line, ",\"siginfo\":");
		lx_json_str(&line, sb_str(&info));
		put_json_time(&line, "t", t);
		sb_puts(&line, "}\n");
	} else {
		put_prefix(&line, tid, t);
		sb_printf(&line, "--- %s %s ---\n", name, sb_str(&info));
	}
	sb_free(&info);
	emit(&line, tid);
}

void
lx_trace_note(int tid, const char *note)
{
	int64_t t = now_ns();

	if (!lx_opt.trace)
		return;
	sb_reset(&line);
	if (lx_opt.trace_format == LX_FMT_JSON) {
		put_json_head(&line, pidmap_pid(tid), tid);
		sb_puts(&line, ",\"event\":\"note\",\"note\":");
		lx_json_str(&line, note);
		put_json_time(&line, "t", t);
		sb_puts(&line, "}\n");
	} else {
		put_prefix(&line, tid, t);
		sb_printf(&line, "--- lxrun: %s ---\n", note);
	}
	emit(&line, tid);
}

void
lx_trace_exit_status(int tid, int wstatus)
{
	int sig = wstatus & 0x7f;
	bool core = (wstatus & 0x80) != 0;
	const char *name = lx_signame(sig);
	int64_t t = now_ns();

	if (!lx_opt.trace)
		return;
	/* -qq: no exit line; the thread's file is done all the same */
	if (lx_opt.quiet & LX_QUIET_EXIT) {
		lx_trace_stream_done(tid);
		return;
	}
	sb_reset(&line);
	if (lx_opt.trace_format == LX_FMT_JSON) {
		put_json_head(&line, pidmap_pid(tid), tid);
		sb_puts(&line, ",\"event\":\"exit\"");
		if (sig == 0) {
			sb_printf(&line, ",\"exit_code\":%d,\"signal\":null",
			    (wstatus >> 8) & 0xff);
		} else {
			sb_puts(&line, ",\"exit_code\":null,\"signal\":");
			if (name != NULL)
				lx_json_str(&line, name);
			else
				sb_printf(&line, "\"%d\"", sig);
		}
		sb_printf(&line, ",\"core_dumped\":%s", core ? "true" : "false");
		put_json_time(&line, "t", t);
		sb_puts(&line, "}\n");
	} else {
		put_prefix(&line, tid, t);
		if (sig == 0)
			sb_printf(&line, "+++ exited with %d +++\n",
			    (wstatus >> 8) & 0xff);
		else if (name != NULL)
			sb_printf(&line, "+++ killed by %s%s +++\n", name,
			    core ? " (core dumped)" : "");
		else
			sb_printf(&line, "+++ killed by %d%s +++\n", sig,
			    core ? " (core dumped)" : "");
	}
	emit(&line, tid);
	/* Often the last line before lxrun re-raises the guest's signal. */
	lx_trace_stream_done(tid);
}
