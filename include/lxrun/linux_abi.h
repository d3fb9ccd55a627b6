/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun's own definitions of the Linux x86-64 ABI: numbers, flags and
 * struct layouts, prefixed LX_ / lx_ (as NetBSD's compat_linux keeps its
 * linux_*.h).  Handlers include this, never <sys/epoll.h>, <linux/...> or
 * other host headers for Linux values.
 */
#ifndef LXRUN_LINUX_ABI_H
#define LXRUN_LINUX_ABI_H

#include "lxrun/linux/errno.h"
#include "lxrun/linux/syscalls.h"
#include "lxrun/linux/fcntl.h"
#include "lxrun/linux/signal.h"
#include "lxrun/linux/mman.h"
#include "lxrun/linux/stat.h"
#include "lxrun/linux/wait.h"
#include "lxrun/linux/misc.h"
#include "lxrun/linux/epoll.h"
#include "lxrun/linux/inotify.h"
#include "lxrun/linux/memfd.h"

#endif
