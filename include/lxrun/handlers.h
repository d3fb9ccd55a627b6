/* SPDX-License-Identifier: BSD-2-Clause */
/* Every syscall handler lxrun has; the table (syscallent.h) names them. */
#ifndef LXRUN_HANDLERS_H
#define LXRUN_HANDLERS_H

#include "lxrun/lxrun.h"

/* src/translate/sys_*.c */
lx_handler_fn lx_sys_getrandom;
lx_handler_fn lx_sys_waitid;
lx_handler_fn lx_sys_readahead;
lx_handler_fn lx_sys_newfstatat;
lx_handler_fn lx_sys_statx;
lx_handler_fn lx_sys_close_range;
lx_handler_fn lx_sys_ioprio_set;
lx_handler_fn lx_sys_ioprio_get;

/* src/translate/sys_rseq.c */
lx_handler_fn lx_sys_rseq;

/* src/memfd */
lx_handler_fn lx_sys_memfd_create;

/* src/epoll */
lx_handler_fn lx_sys_epoll_create;
lx_handler_fn lx_sys_epoll_create1;
lx_handler_fn lx_sys_epoll_ctl;
lx_handler_fn lx_sys_epoll_wait;
lx_handler_fn lx_sys_epoll_pwait;
lx_handler_fn lx_sys_epoll_pwait2;

/* src/inotify */
lx_handler_fn lx_sys_inotify_init;
lx_handler_fn lx_sys_inotify_init1;
lx_handler_fn lx_sys_inotify_add_watch;
lx_handler_fn lx_sys_inotify_rm_watch;

#endif
