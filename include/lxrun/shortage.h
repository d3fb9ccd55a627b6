/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun's own resources that ran out while it served a call.  Whoever
 * meets the limit (a host backend, a family) records it and gives the
 * guest Linux's error; the tracer says it once per run, on stderr and in
 * the trace, naming the limit and how to raise it.  Recording never
 * prints (handlers and host code do not).
 */
#ifndef LXRUN_SHORTAGE_H
#define LXRUN_SHORTAGE_H

enum lx_shortage {
	LX_SHORT_FDS,			/* lxrun's RLIMIT_NOFILE */
	LX_SHORT_INOTIFY_INSTANCES,	/* fs.inotify.max_user_instances */
	LX_SHORT_INOTIFY_WATCHES,	/* fs.inotify.max_user_watches */
	LX_SHORT_EPOLL_WATCHES,		/* fs.epoll.max_user_watches */
	LX_SHORT_N
};

void lx_shortage(enum lx_shortage what);

/*
 * For an errno an fd-making host call failed with: EMFILE/ENFILE are
 * lxrun's fds (LX_SHORT_FDS is recorded); returns err unchanged.
 */
int lx_shortage_fd_errno(int err);

/*
 * The message for a shortage recorded and not said yet (it is marked
 * said), or NULL.  The text is in a static buffer.
 */
const char *lx_shortage_take(void);

#endif
