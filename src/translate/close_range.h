/* SPDX-License-Identifier: BSD-2-Clause */
/* close_range(2) pieces, exposed for the unit tests. */
#ifndef LXRUN_TRANSLATE_CLOSE_RANGE_H
#define LXRUN_TRANSLATE_CLOSE_RANGE_H

#include <stdint.h>

/* Linux's argument checks: 0 or -LX_EINVAL. */
long lx_close_range_check(uint32_t first, uint32_t last, uint32_t flags);

#endif
