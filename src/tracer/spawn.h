/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LXRUN_TRACER_SPAWN_H
#define LXRUN_TRACER_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define SPAWN_SECCOMP	1
#define SPAWN_EXEC	2
#define SPAWN_CREDS	3

struct sock_fprog;
/* Raise lxrun's RLIMIT_NOFILE to its hard limit (the guest keeps its own). */
void spawn_raise_fd_limit(void);
/* Was SIGPIPE ignored when lxrun started?  The program gets it so. */
void spawn_keep_sigpipe(bool ignored);
/* -u: the program runs with these ids and groups; -ENOMEM or 0. */
int spawn_set_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups);
/* The program starts with lxrun's own credentials (no -u). */
bool spawn_keeps_creds(void);
/*
 * Fork and seize PROGRAM; -errno on failure.  notify_prog (or NULL) is
 * prog with the calls seccomp notification serves (notify.c): the child
 * installs it with a listener if the kernel lets it, else prog.
 */
pid_t spawn_guest(char **argv, const struct sock_fprog *prog,
    const struct sock_fprog *notify_prog, const sigset_t *mask, int *errfd);
/* The listener's fd in the child before its exec, or -1 (none). */
int spawn_listener_fd(void);
/*
 * The same with the tracer as a detached grandchild (-D): returns the
 * guest's pid in the tracer; the calling process becomes the guest.
 */
pid_t spawn_guest_detached(char **argv, const struct sock_fprog *prog,
    const sigset_t *mask, int *errfd);
/* errno the child failed with before exec (0: it did exec), and where. */
int spawn_failure(int errfd, int *stage);

#endif
