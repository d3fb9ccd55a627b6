/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals for the trace: names, sigsets as "[INT TERM]", struct
 * sigaction, siginfo as "{si_signo=SIGCHLD, si_code=CLD_EXITED, ...}"
 * and wait statuses.
 */
#include <stdio.h>
#include <string.h>

#include "trace/print.h"
#include "trace/xlat.h"

static const char *const signames[] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS", "SIGRTMIN",
};

const char *
lx_signame(int sig)
{
	static char rt[24];

	if (sig > 0 && sig <= 32)
		return signames[sig];
	if (sig > 32 && sig <= 64) {
		snprintf(rt, sizeof(rt), "SIGRT_%d", sig - 32);
		return rt;
	}
	return NULL;
}

void
lx_print_signum(struct lx_sbuf *b, long sig)
{
	const char *n = lx_signame((int)sig);
	size_t at = lx_const_begin(b);

	if (n != NULL && sig == (int)sig)
		sb_puts(b, n);
	else
		sb_printf(b, "%ld", sig);
	lx_const_end(b, at, (uint64_t)sig, LX_CONST_DEC);
}

/* Names without "SIG"; more than half the set printed as ~[complement]. */
void
lx_print_sigmask(struct lx_sbuf *b, uint64_t mask)
{
	bool first = true;

	if (__builtin_popcountll(mask) > 32) {
		sb_putc(b, '~');
		mask = ~mask;
	}
	sb_putc(b, '[');
	for (int sig = 1; sig <= 64; sig++) {
		size_t at;

		if (!(mask & (1ULL << (sig - 1))))
			continue;
		if (!first)
			sb_putc(b, ' ');
		first = false;
		at = lx_const_begin(b);
		sb_puts(b, lx_signame(sig) + 3);
		lx_const_end(b, at, (uint64_t)sig, LX_CONST_DEC);
	}
	sb_putc(b, ']');
}

void
lx_print_sigset(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	uint64_t mask;

	if (lx_fetch(p, b, addr, &mask, sizeof(mask)))
		lx_print_sigmask(b, mask);
}

static void
print_handler(struct lx_sbuf *b, uint64_t h)
{
	size_t at = lx_const_begin(b);

	if (h == 0)
		sb_puts(b, "SIG_DFL");
	else if (h == 1)
		sb_puts(b, "SIG_IGN");
	else
		sb_printf(b, "%#llx", (unsigned long long)h);
	lx_const_end(b, at, h, LX_CONST_HEX);
}

/* Kernel struct sigaction: handler, flags, restorer, mask. */
void
lx_print_sigaction(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	uint64_t sa[4];

	if (!lx_fetch(p, b, addr, sa, sizeof(sa)))
		return;
	sb_puts(b, "{sa_handler=");
	print_handler(b, sa[0]);
	sb_puts(b, ", sa_mask=");
	lx_print_sigmask(b, sa[3]);
	sb_puts(b, ", sa_flags=");
	lx_print_flags(b, lx_x_sa_flags, sa[1], NULL);
	if (sa[1] & 0x4000000) {
		sb_puts(b, ", sa_restorer=");
		lx_print_ptr(b, sa[2]);
	}
	sb_putc(b, '}');
}

/* siginfo fields: si_signo, si_code... are ints. */
#define si32(si, off)	((int32_t)lx_ld32((si), (off)))
#define si64(si, off)	lx_ld64((si), (off))

static const struct lx_xlat *
code_table(int sig)
{
	switch (sig) {
	case 17: return lx_x_cld_code;
	case 11: return lx_x_segv_code;
	case 7:  return lx_x_bus_code;
	case 4:  return lx_x_ill_code;
	case 8:  return lx_x_fpe_code;
	case 5:  return lx_x_trap_code;
	case 29: return lx_x_poll_code;
	}
	return NULL;
}

static bool
is_fault(int sig)
{
	return sig == 11 || sig == 7 || sig == 4 || sig == 8 || sig == 5;
}

static void
print_sender(struct lx_sbuf *b, const unsigned char *si)
{
	sb_printf(b, ", si_pid=%d, si_uid=%u", si32(si, 16),
	    (unsigned)si32(si, 20));
}

static void
print_sigval(struct lx_sbuf *b, const unsigned char *si)
{
	sb_printf(b, ", si_int=%d, si_ptr=", si32(si, 24));
	lx_print_ptr(b, si64(si, 24));
}

static void
print_child(struct lx_sbuf *b, const unsigned char *si, int code)
{
	int status = si32(si, 24);

	print_sender(b, si);
	sb_puts(b, ", si_status=");
	if (code == 1)
		sb_printf(b, "%d", status);
	else
		lx_print_signum(b, status);
	sb_printf(b, ", si_utime=%lld, si_stime=%lld",
	    (long long)si64(si, 32), (long long)si64(si, 40));
}

/* "SEGV_MAPERR", "SI_USER"...; NULL if the code has no name. */
const char *
lx_si_code_name(int sig, int code)
{
	const struct lx_xlat *tab = code_table(sig);
	const char *name = NULL;

	if (sig == 31 && code == 1)
		return "SYS_SECCOMP";
	if (code > 0 && code != 0x80 && tab != NULL)
		name = lx_xlat_name(tab, (uint64_t)code);
	return name != NULL ? name : lx_xlat_name(lx_x_si_code, (uint32_t)code);
}

/* Linux siginfo_t (128 bytes): signo, errno, code, then the union at 16. */
void
lx_print_siginfo_buf(struct lx_sbuf *b, const unsigned char *si)
{
	int sig = si32(si, 0), err = si32(si, 4), code = si32(si, 8);
	const struct lx_xlat *tab = code_table(sig);
	const char *cname = NULL;
	size_t at;

	if (sig == 0) {
		sb_puts(b, "{}");
		return;
	}
	sb_puts(b, "{si_signo=");
	lx_print_signum(b, sig);
	sb_puts(b, ", si_code=");
	if (code > 0 && code != 0x80 && tab != NULL)
		cname = lx_xlat_name(tab, (uint64_t)code);
	if (cname == NULL)
		cname = lx_xlat_name(lx_x_si_code, (uint32_t)code);
	at = lx_const_begin(b);
	if (cname != NULL)
		sb_puts(b, cname);
	else
		sb_printf(b, "%d", code);
	/* strace: a positive code in hex, SI_USER and below in decimal */
	lx_const_end(b, at, (uint64_t)(int64_t)code,
	    code > 0 ? LX_CONST_HEX : LX_CONST_DEC);
	if (err != 0)
		sb_printf(b, ", si_errno=%d", err);
	if (code <= 0) {
		if (code == -2) {		/* SI_TIMER */
			sb_printf(b, ", si_timerid=%#x, si_overrun=%d",
			    (unsigned)si32(si, 16), si32(si, 20));
			print_sigval(b, si);
		} else if (code != -5) {
			print_sender(b, si);
			if (code == -1 || code == -3 || code == -4)
				print_sigval(b, si);
		}
	} else if (code == 0x80) {
		if (is_fault(sig)) {
			sb_puts(b, ", si_addr=");
			lx_print_ptr(b, si64(si, 16));
		}
	} else if (sig == 17) {
		print_child(b, si, code);
	} else if (is_fault(sig)) {
		sb_puts(b, ", si_addr=");
		lx_print_ptr(b, si64(si, 16));
	} else if (sig == 29) {
		sb_printf(b, ", si_band=%lld, si_fd=%d",
		    (long long)si64(si, 16), si32(si, 24));
	} else if (sig == 31) {
		sb_puts(b, ", si_call_addr=");
		lx_print_ptr(b, si64(si, 16));
		sb_printf(b, ", si_syscall=%d, si_arch=%#x", si32(si, 24),
		    (unsigned)si32(si, 28));
	}
	sb_putc(b, '}');
}

void
lx_print_siginfo(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char si[128];

	if (lx_fetch(p, b, addr, si, sizeof(si)))
		lx_print_siginfo_buf(b, si);
}

void
lx_print_wstatus_val(struct lx_sbuf *b, int st)
{
	int low = st & 0x7f;

	sb_puts(b, "[{");
	if (low == 0) {
		sb_printf(b, "WIFEXITED(s) && WEXITSTATUS(s) == %d",
		    (st >> 8) & 0xff);
	} else if (low == 0x7f) {
		sb_puts(b, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		lx_print_signum(b, (st >> 8) & 0xff);
		if (st >> 16)
			sb_printf(b, " && (s >> 16) == %d", st >> 16);
	} else if (st == 0xffff) {
		sb_puts(b, "WIFCONTINUED(s)");
	} else {
		sb_puts(b, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		lx_print_signum(b, low);
		if (st & 0x80)
			sb_puts(b, " && WCOREDUMP(s)");
	}
	sb_puts(b, "}]");
}

void
lx_print_wstatus(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int st;

	if (lx_fetch(p, b, addr, &st, sizeof(st)))
		lx_print_wstatus_val(b, st);
}
