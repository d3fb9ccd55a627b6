/* SPDX-License-Identifier: BSD-2-Clause */
/* hstat_linux.c's conversions, exposed for the unit tests. */
#ifndef LXRUN_HOST_HSTAT_LINUX_H
#define LXRUN_HOST_HSTAT_LINUX_H

#include <stdint.h>

#include "lxrun/host.h"
#include "lxrun/linux/stat.h"

/* The host's struct statx -> struct host_stat (no ioctl fallback). */
void hs_from_statx(const struct lx_statx *sx, struct host_stat *hs);
/* FS_IOC_GETFLAGS inode flags -> HS_UF_* / HS_SF_*. */
uint32_t hs_flags_from_fsflags(unsigned fsflags);

#endif
