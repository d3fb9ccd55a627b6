/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: inotify (owned by the inotify family; fill as needed). */
#ifndef LXRUN_LINUX_INOTIFY_H
#define LXRUN_LINUX_INOTIFY_H

#include <stdint.h>

#endif
