/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the custom decoders (decode_*.c). */
#ifndef LXRUN_TRACE_DECODE_H
#define LXRUN_TRACE_DECODE_H

#include "trace/print.h"

/* Argument i's buffer, emptied, for a decoder to print into. */
static inline struct lx_sbuf *
lx_dec_arg(struct lx_pctx *p, int i)
{
	sb_reset(&p->arg[i]);
	return &p->arg[i];
}

lx_decoder_fn *lx_decoder_epoll(long nr);
lx_decoder_fn *lx_decoder_misc(long nr);

#endif
