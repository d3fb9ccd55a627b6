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
struct ino_inst *ino_inst_pull(struct lx_guest *g, int fd, int *copy);

#endif
