/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the inotify syscalls (inotify.c) and the calls trapped on an
 * inotify fd's number (fdcalls.c).
 */
#ifndef LXRUN_INOTIFY_INOTIFY_H
#define LXRUN_INOTIFY_INOTIFY_H

#include "lxrun/lxrun.h"
#include "lxrun/object.h"

struct ino_inst;

extern const struct lx_object_ops ino_ops;

/* The instance behind the guest's fd, or NULL if it is not an inotify. */
struct ino_inst *ino_inst_of(struct lx_guest *g, int fd);
/*
 * Make read, readv, ioctl, write, writev, dup, dup2, dup3 and fcntl stop
 * on fd number fd in the guest's process (and its future children), once
 * per number and process.
 */
int ino_trap_fd(struct lx_guest *g, int fd);

#endif
