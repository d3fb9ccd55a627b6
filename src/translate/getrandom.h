/* SPDX-License-Identifier: BSD-2-Clause */
/* getrandom(2) pieces, exposed for the unit tests. */
#ifndef LXRUN_TRANSLATE_GETRANDOM_H
#define LXRUN_TRANSLATE_GETRANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "lxrun/lxrun.h"

/* Flag and range checks; clamps *len to Linux's cap.  0 or -LX_E*. */
long lx_getrandom_check(uint64_t buf, uint64_t *len, uint32_t flags);
/*
 * Write len random bytes at dst through chunk[chunksz]: the count
 * written up to the first unwritable byte, or -LX_EFAULT if none.
 */
long lx_getrandom_fill(struct lx_guest *g, uint64_t dst, uint64_t len,
    unsigned char *chunk, size_t chunksz);

#endif
