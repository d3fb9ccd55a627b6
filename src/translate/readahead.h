/* SPDX-License-Identifier: BSD-2-Clause */
/* readahead(2) pieces, exposed for the unit tests. */
#ifndef LXRUN_TRANSLATE_READAHEAD_H
#define LXRUN_TRANSLATE_READAHEAD_H

#include <stdint.h>

#include "lxrun/lxrun.h"

/*
 * Linux's checks on an open fd: -LX_EBADF, -LX_EINVAL, 0 (answer 0
 * without the host) or 1 (run the host's fadvise).
 */
long lx_readahead_check(const struct lx_fd_ident *id, int64_t offset,
    int64_t count);

#endif
