/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: epoll (owned by the epoll family; fill as needed). */
#ifndef LXRUN_LINUX_EPOLL_H
#define LXRUN_LINUX_EPOLL_H

#include <stdint.h>

#endif
