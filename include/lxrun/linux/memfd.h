/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: memfd (owned by the memfd family; fill as needed). */
#ifndef LXRUN_LINUX_MEMFD_H
#define LXRUN_LINUX_MEMFD_H

#include <stdint.h>

#endif
