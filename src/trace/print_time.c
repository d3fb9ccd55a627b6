/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time and resource structs for the trace: timespec, timeval, rusage,
 * rlimit, utsname (Linux x86-64 layouts).
 */
#include <stdio.h>
#include <string.h>

#include "trace/print.h"

void
lx_print_timespec(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int64_t ts[2];

	if (lx_fetch(p, b, addr, ts, sizeof(ts)))
		sb_printf(b, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[0],
		    (long long)ts[1]);
}

static void
print_tv(struct lx_sbuf *b, const int64_t *tv)
{
	sb_printf(b, "{tv_sec=%lld, tv_usec=%lld}", (long long)tv[0],
	    (long long)tv[1]);
}

void
lx_print_timeval(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int64_t tv[2];

	if (lx_fetch(p, b, addr, tv, sizeof(tv)))
		print_tv(b, tv);
}

/* struct rusage: two timevals then 14 longs. */
void
lx_print_rusage(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	static const char *const names[] = {
		"ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt",
		"ru_majflt", "ru_nswap", "ru_inblock", "ru_oublock",
		"ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw",
		"ru_nivcsw",
	};
	int64_t ru[18];

	if (!lx_fetch(p, b, addr, ru, sizeof(ru)))
		return;
	sb_puts(b, "{ru_utime=");
	print_tv(b, &ru[0]);
	sb_puts(b, ", ru_stime=");
	print_tv(b, &ru[2]);
	if (!lx_opt.verbose) {
		sb_puts(b, ", ...}");
		return;
	}
	for (int i = 0; i < 14; i++)
		sb_printf(b, ", %s=%lld", names[i], (long long)ru[4 + i]);
	sb_putc(b, '}');
}

static void
print_rlim(struct lx_sbuf *b, uint64_t v)
{
	size_t at = lx_const_begin(b);

	if (v == ~0ULL)
		sb_puts(b, "RLIM64_INFINITY");
	else
		sb_printf(b, "%llu", (unsigned long long)v);
	lx_const_end(b, at, v, LX_CONST_UDEC);
}

void
lx_print_rlimit(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	uint64_t rl[2];

	if (!lx_fetch(p, b, addr, rl, sizeof(rl)))
		return;
	sb_puts(b, "{rlim_cur=");
	print_rlim(b, rl[0]);
	sb_puts(b, ", rlim_max=");
	print_rlim(b, rl[1]);
	sb_putc(b, '}');
}

/* struct utsname: six 65-byte fields. */
void
lx_print_utsname(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	static const char *const names[] = {
		"sysname", "nodename", "release", "version", "machine",
		"domainname",
	};
	char u[6][65];
	int n = lx_opt.verbose ? 6 : 2;

	if (!lx_fetch(p, b, addr, u, sizeof(u)))
		return;
	sb_putc(b, '{');
	for (int i = 0; i < n; i++) {
		u[i][64] = '\0';
		sb_printf(b, "%s%s=", i ? ", " : "", names[i]);
		lx_quote(b, (unsigned char *)u[i], strlen(u[i]), false);
	}
	if (!lx_opt.verbose)
		sb_puts(b, ", ...");
	sb_putc(b, '}');
}
