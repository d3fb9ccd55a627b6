/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoders for the other calls lxrun emulates or translates: memfd_create,
 * fcntl (with the seal commands), getrandom, waitid, statx, newfstatat,
 * close_range, readahead and ioprio_set/get.  lx_decoder() finds the
 * decoder of a syscall number, for these and for the epoll family.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/linux_abi.h"
#include "trace/decode.h"
#include "trace/print.h"
#include "trace/xlat.h"

void
lx_print_ioprio(struct lx_sbuf *b, uint64_t v)
{
	unsigned cls = (unsigned)(v >> 13) & 7, data = (unsigned)v & 0x1fff;
	size_t at;

	if (v >> 16) {
		sb_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	at = lx_const_begin(b);
	sb_puts(b, "IOPRIO_PRIO_VALUE(");
	lx_print_xval(b, lx_x_ioprio_class, cls, "%llu");
	sb_printf(b, ", %u)", data);
	lx_const_end(b, at, v, LX_CONST_UDEC);
}

static void
dec_memfd_create(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 2;
	lx_print_cstr(p, lx_dec_arg(p, 0), LX_ARG(p, 0), 255);
	lx_print_flags(lx_dec_arg(p, 1), lx_x_mfd_flags,
	    (unsigned)LX_ARG(p, 1), NULL);
}

/* struct flock: short type, short whence, off_t start, len, int pid. */
static void
print_flock(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr, bool pid)
{
	static const struct lx_xlat types[] = {
		{ 0, "F_RDLCK" }, { 1, "F_WRLCK" }, { 2, "F_UNLCK" },
		{ 0, NULL }
	};
	unsigned char fl[32];
	int16_t type, whence;
	int64_t start, len;
	int32_t lpid;

	if (!lx_fetch(p, b, addr, fl, sizeof(fl)))
		return;
	memcpy(&type, fl, 2);
	memcpy(&whence, fl + 2, 2);
	memcpy(&start, fl + 8, 8);
	memcpy(&len, fl + 16, 8);
	memcpy(&lpid, fl + 24, 4);
	sb_puts(b, "{l_type=");
	lx_print_xval(b, types, (uint16_t)type, "%llu");
	sb_puts(b, ", l_whence=");
	lx_print_xval(b, lx_x_whence, (uint16_t)whence, "%llu");
	sb_printf(b, ", l_start=%lld, l_len=%lld", (long long)start,
	    (long long)len);
	if (pid)
		sb_printf(b, ", l_pid=%d", lpid);
	sb_putc(b, '}');
}

static bool
fcntl_is_getlk(int cmd)
{
	return cmd == LX_F_GETLK || cmd == LX_F_OFD_GETLK;
}

static void
fcntl_arg(struct lx_pctx *p, int cmd, struct lx_sbuf *b, uint64_t v)
{
	switch (cmd) {
	case LX_F_SETFD:
		lx_print_flags(b, lx_x_fd_flags, (unsigned)v, NULL);
		break;
	case LX_F_SETFL:
		lx_print_open_flags(b, (unsigned)v);
		break;
	case LX_F_ADD_SEALS:
		lx_print_flags(b, lx_x_seals, (unsigned)v, NULL);
		break;
	case LX_F_SETSIG:
		lx_print_signum(b, (int)v);
		break;
	case LX_F_SETLK:
	case LX_F_SETLKW:
	case LX_F_OFD_SETLK:
	case LX_F_OFD_SETLKW:
		print_flock(p, b, v, false);
		break;
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
	case LX_F_SETOWN:
	case LX_F_SETPIPE_SZ:
	case LX_F_SETLEASE:
		sb_printf(b, "%d", (int)v);
		break;
	default:
		sb_printf(b, "%#llx", (unsigned long long)v);
	}
}

static bool
fcntl_has_arg(int cmd)
{
	switch (cmd) {
	case LX_F_GETFD: case LX_F_GETFL: case LX_F_GETOWN: case LX_F_GETSIG:
	case LX_F_GETLEASE: case LX_F_GETPIPE_SZ: case LX_F_GET_SEALS:
		return false;
	}
	return true;
}

/* What F_GET* returned, after the value: "= 0x1 (flags FD_CLOEXEC)". */
static void
fcntl_ret(struct lx_pctx *p, int cmd)
{
	const struct lx_xlat *x = NULL;
	const char *what = "flags";

	if (LX_IS_ERR(p->ret))
		return;
	switch (cmd) {
	case LX_F_GETFD:
		x = lx_x_fd_flags;
		break;
	case LX_F_GETFL:
		p->retkind = LXA_HEX;
		sb_puts(p->retx, " (flags ");
		lx_print_open_flags(p->retx, (unsigned long)p->ret);
		sb_putc(p->retx, ')');
		return;
	case LX_F_GET_SEALS:
		x = lx_x_seals;
		what = "seals";
		break;
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		p->retkind = LXA_FD;
		return;
	default:
		return;
	}
	p->retkind = LXA_HEX;
	if (p->ret != 0) {
		sb_printf(p->retx, " (%s ", what);
		lx_print_flags(p->retx, x, (unsigned long)p->ret, NULL);
		sb_putc(p->retx, ')');
	}
}

static void
dec_fcntl(struct lx_pctx *p)
{
	int cmd = (int)LX_ARG(p, 1);

	if (p->exiting) {
		if (fcntl_is_getlk(cmd)) {
			struct lx_sbuf *b = lx_dec_arg(p, 2);

			if (LX_IS_ERR(p->ret))
				lx_print_ptr(b, LX_ARG(p, 2));
			else
				print_flock(p, b, LX_ARG(p, 2), true);
		}
		fcntl_ret(p, cmd);
		return;
	}
	p->nargs = fcntl_has_arg(cmd) ? 3 : 2;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	lx_print_fcntl_cmd(lx_dec_arg(p, 1), cmd);
	if (p->nargs == 3 && !fcntl_is_getlk(cmd))
		fcntl_arg(p, cmd, lx_dec_arg(p, 2), LX_ARG(p, 2));
}

/* getrandom's bytes are binary: printed in hex, as strace does. */
static void
dec_getrandom(struct lx_pctx *p)
{
	if (p->exiting) {
		struct lx_sbuf *b = lx_dec_arg(p, 0);

		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 0));
		else
			lx_print_buf(p, b, LX_ARG(p, 0), (size_t)p->ret, true);
		return;
	}
	p->nargs = 3;
	sb_reset(lx_dec_arg(p, 0));
	sb_printf(lx_dec_arg(p, 1), "%llu", (unsigned long long)LX_ARG(p, 1));
	lx_print_flags(lx_dec_arg(p, 2), lx_x_grnd_flags,
	    (unsigned)LX_ARG(p, 2), NULL);
}

static void
dec_waitid(struct lx_pctx *p)
{
	if (p->exiting) {
		struct lx_sbuf *b = lx_dec_arg(p, 2);

		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 2));
		else
			lx_print_siginfo(p, b, LX_ARG(p, 2));
		b = lx_dec_arg(p, 4);
		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 4));
		else
			lx_print_rusage(p, b, LX_ARG(p, 4));
		return;
	}
	p->nargs = 5;
	lx_print_xval(lx_dec_arg(p, 0), lx_x_idtype, (unsigned)LX_ARG(p, 0),
	    "%llu");
	if ((unsigned)LX_ARG(p, 0) == LX_P_PIDFD)
		lx_print_fd(p, lx_dec_arg(p, 1), (int)LX_ARG(p, 1));
	else
		sb_printf(lx_dec_arg(p, 1), "%d", (int)LX_ARG(p, 1));
	sb_reset(lx_dec_arg(p, 2));
	lx_print_flags(lx_dec_arg(p, 3), lx_x_wait_options,
	    (unsigned)LX_ARG(p, 3), NULL);
	sb_reset(lx_dec_arg(p, 4));
}

static void
print_statx_flags(struct lx_sbuf *b, unsigned v)
{
	static const char *const sync[] = {
		"AT_STATX_SYNC_AS_STAT", "AT_STATX_FORCE_SYNC",
		"AT_STATX_DONT_SYNC", "AT_STATX_SYNC_TYPE",
	};
	unsigned rest = v & ~0x6000u;
	size_t at = lx_const_begin(b);

	sb_puts(b, sync[(v >> 13) & 3]);
	if (rest != 0) {
		sb_putc(b, '|');
		lx_print_flags(b, lx_x_statx_at_flags, rest, NULL);
	}
	lx_const_end(b, at, v, LX_CONST_HEX);
}

static void
dec_statx(struct lx_pctx *p)
{
	if (p->exiting) {
		struct lx_sbuf *b = lx_dec_arg(p, 4);

		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 4));
		else
			lx_print_statx(p, b, LX_ARG(p, 4));
		return;
	}
	p->nargs = 5;
	lx_print_dirfd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	lx_print_path(p, lx_dec_arg(p, 1), LX_ARG(p, 1));
	print_statx_flags(lx_dec_arg(p, 2), (unsigned)LX_ARG(p, 2));
	lx_print_flags(lx_dec_arg(p, 3), lx_x_statx_mask,
	    (unsigned)LX_ARG(p, 3), NULL);
	sb_reset(lx_dec_arg(p, 4));
}

static void
dec_newfstatat(struct lx_pctx *p)
{
	if (p->exiting) {
		struct lx_sbuf *b = lx_dec_arg(p, 2);

		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 2));
		else
			lx_print_stat(p, b, LX_ARG(p, 2));
		return;
	}
	p->nargs = 4;
	lx_print_dirfd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	lx_print_path(p, lx_dec_arg(p, 1), LX_ARG(p, 1));
	sb_reset(lx_dec_arg(p, 2));
	lx_print_flags(lx_dec_arg(p, 3), lx_x_at_flags,
	    (unsigned)LX_ARG(p, 3), NULL);
}

static void
dec_close_range(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 3;
	sb_printf(lx_dec_arg(p, 0), "%u", (unsigned)LX_ARG(p, 0));
	sb_printf(lx_dec_arg(p, 1), "%u", (unsigned)LX_ARG(p, 1));
	lx_print_flags(lx_dec_arg(p, 2), lx_x_close_range_flags,
	    (unsigned)LX_ARG(p, 2), NULL);
}

static void
dec_readahead(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 3;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	sb_printf(lx_dec_arg(p, 1), "%lld", (long long)LX_ARG(p, 1));
	sb_printf(lx_dec_arg(p, 2), "%llu", (unsigned long long)LX_ARG(p, 2));
}

static void
dec_ioprio_common(struct lx_pctx *p, int nargs)
{
	p->nargs = nargs;
	lx_print_xval(lx_dec_arg(p, 0), lx_x_ioprio_which,
	    (unsigned)LX_ARG(p, 0), "%llu");
	sb_printf(lx_dec_arg(p, 1), "%d", (int)LX_ARG(p, 1));
	if (nargs > 2)
		lx_print_ioprio(lx_dec_arg(p, 2), (unsigned)LX_ARG(p, 2));
}

static void
dec_ioprio_set(struct lx_pctx *p)
{
	if (!p->exiting)
		dec_ioprio_common(p, 3);
}

static void
dec_ioprio_get(struct lx_pctx *p)
{
	if (!p->exiting) {
		dec_ioprio_common(p, 2);
		return;
	}
	if (!LX_IS_ERR(p->ret)) {
		sb_puts(p->retx, " (");
		lx_print_ioprio(p->retx, (unsigned long)p->ret);
		sb_putc(p->retx, ')');
	}
}

/* open/openat: the mode is printed only when the flags make it used. */
static void
dec_open_common(struct lx_pctx *p, int flags_arg)
{
	uint64_t flags = LX_ARG(p, flags_arg);

	lx_print_args(p);
	if (!p->exiting && !(flags & LX_O_CREAT) &&
	    (flags & LX_O_TMPFILE) != LX_O_TMPFILE && p->nargs > flags_arg + 1)
		p->nargs = flags_arg + 1;
}

static void
dec_open(struct lx_pctx *p)
{
	dec_open_common(p, 1);
}

static void
dec_openat(struct lx_pctx *p)
{
	dec_open_common(p, 2);
}

lx_decoder_fn *
lx_decoder_misc(long nr)
{
	switch (nr) {
	case LX_NR_open:		return dec_open;
	case LX_NR_openat:		return dec_openat;
	case LX_NR_memfd_create:	return dec_memfd_create;
	case LX_NR_fcntl:		return dec_fcntl;
	case LX_NR_getrandom:		return dec_getrandom;
	case LX_NR_waitid:		return dec_waitid;
	case LX_NR_statx:		return dec_statx;
	case LX_NR_newfstatat:		return dec_newfstatat;
	case LX_NR_close_range:		return dec_close_range;
	case LX_NR_readahead:		return dec_readahead;
	case LX_NR_ioprio_set:		return dec_ioprio_set;
	case LX_NR_ioprio_get:		return dec_ioprio_get;
	}
	return NULL;
}

lx_decoder_fn *
lx_decoder(long nr)
{
	lx_decoder_fn *fn = lx_decoder_misc(nr);

	return fn != NULL ? fn : lx_decoder_epoll(nr);
}
