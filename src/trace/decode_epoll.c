/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoders for the epoll and inotify calls lxrun emulates, printed as
 * strace prints them.  The returned events of epoll_wait are decoded at
 * exit, from what the call wrote.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/linux_abi.h"
#include "trace/decode.h"
#include "trace/print.h"
#include "trace/xlat.h"

/* struct epoll_event is packed on x86-64: u32 events, u64 data. */
#define EPOLL_EVENT_SIZE 12

static void
print_one_event(struct lx_sbuf *b, const unsigned char *e)
{
	uint32_t events;
	uint64_t data;

	memcpy(&events, e, 4);
	memcpy(&data, e + 4, 8);
	sb_puts(b, "{events=");
	lx_print_flags(b, lx_x_epoll_events, events, NULL);
	sb_printf(b, ", data={u32=%u, u64=%llu}}", (uint32_t)data,
	    (unsigned long long)data);
}

void
lx_print_epoll_event(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char e[EPOLL_EVENT_SIZE];

	if (lx_fetch(p, b, addr, e, sizeof(e)))
		print_one_event(b, e);
}

void
lx_print_epoll_events(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    long n)
{
	unsigned char e[EPOLL_EVENT_SIZE];

	if (n < 0 || addr == 0 || p->g == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	sb_putc(b, '[');
	for (long i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		if (i == 32) {
			sb_puts(b, "...");
			break;
		}
		if (lx_guest_read(p->g, e, addr + (uint64_t)i * sizeof(e),
		    sizeof(e)) < 0) {
			sb_printf(b, "%#llx", (unsigned long long)(addr +
			    (uint64_t)i * sizeof(e)));
			break;
		}
		print_one_event(b, e);
	}
	sb_putc(b, ']');
}

static void
dec_epoll_create(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 1;
	sb_printf(lx_dec_arg(p, 0), "%d", (int)LX_ARG(p, 0));
}

static void
dec_epoll_create1(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 1;
	lx_print_flags(lx_dec_arg(p, 0), lx_x_epoll_create_flags,
	    (unsigned)LX_ARG(p, 0), NULL);
}

static void
dec_epoll_ctl(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 4;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	lx_print_xval(lx_dec_arg(p, 1), lx_x_epoll_ctl_op,
	    (unsigned)LX_ARG(p, 1), "%llu");
	lx_print_fd(p, lx_dec_arg(p, 2), (int)LX_ARG(p, 2));
	lx_print_epoll_event(p, lx_dec_arg(p, 3), LX_ARG(p, 3));
}

/*
 * epoll_wait(epfd, events, maxevents, timeout) and its pwait forms; the
 * timeout is an int in ms, or (epoll_pwait2) a timespec pointer.
 */
static void
dec_epoll_wait_common(struct lx_pctx *p, int nargs, bool ts)
{
	if (p->exiting) {
		struct lx_sbuf *b = lx_dec_arg(p, 1);

		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, LX_ARG(p, 1));
		else
			lx_print_epoll_events(p, b, LX_ARG(p, 1), p->ret);
		return;
	}
	p->nargs = nargs;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	sb_reset(lx_dec_arg(p, 1));
	sb_printf(lx_dec_arg(p, 2), "%d", (int)LX_ARG(p, 2));
	if (ts)
		lx_print_timespec(p, lx_dec_arg(p, 3), LX_ARG(p, 3));
	else
		sb_printf(lx_dec_arg(p, 3), "%d", (int)LX_ARG(p, 3));
	if (nargs > 4) {
		lx_print_sigset(p, lx_dec_arg(p, 4), LX_ARG(p, 4));
		sb_printf(lx_dec_arg(p, 5), "%llu",
		    (unsigned long long)LX_ARG(p, 5));
	}
}

static void
dec_epoll_wait(struct lx_pctx *p)
{
	dec_epoll_wait_common(p, 4, false);
}

static void
dec_epoll_pwait(struct lx_pctx *p)
{
	dec_epoll_wait_common(p, 6, false);
}

static void
dec_epoll_pwait2(struct lx_pctx *p)
{
	dec_epoll_wait_common(p, 6, true);
}

static void
dec_inotify_init(struct lx_pctx *p)
{
	p->nargs = 0;
}

static void
dec_inotify_init1(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 1;
	lx_print_flags(lx_dec_arg(p, 0), lx_x_inotify_init_flags,
	    (unsigned)LX_ARG(p, 0), NULL);
}

static void
dec_inotify_add_watch(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 3;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	lx_print_path(p, lx_dec_arg(p, 1), LX_ARG(p, 1));
	lx_print_flags(lx_dec_arg(p, 2), lx_x_inotify_mask,
	    (uint32_t)LX_ARG(p, 2), NULL);
}

static void
dec_inotify_rm_watch(struct lx_pctx *p)
{
	if (p->exiting)
		return;
	p->nargs = 2;
	lx_print_fd(p, lx_dec_arg(p, 0), (int)LX_ARG(p, 0));
	sb_printf(lx_dec_arg(p, 1), "%d", (int)LX_ARG(p, 1));
}

lx_decoder_fn *
lx_decoder_epoll(long nr)
{
	switch (nr) {
	case LX_NR_epoll_create:	return dec_epoll_create;
	case LX_NR_epoll_create1:	return dec_epoll_create1;
	case LX_NR_epoll_ctl:		return dec_epoll_ctl;
	case LX_NR_epoll_wait:		return dec_epoll_wait;
	case LX_NR_epoll_pwait:		return dec_epoll_pwait;
	case LX_NR_epoll_pwait2:	return dec_epoll_pwait2;
	case LX_NR_inotify_init:	return dec_inotify_init;
	case LX_NR_inotify_init1:	return dec_inotify_init1;
	case LX_NR_inotify_add_watch:	return dec_inotify_add_watch;
	case LX_NR_inotify_rm_watch:	return dec_inotify_rm_watch;
	}
	return NULL;
}
