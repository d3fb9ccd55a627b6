/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --loader=elf: the supervisor loads the Linux ELF itself.  The kernel
 * only ever execs a stub (src/elf/elf_stub.c) in place of the program, so
 * it still does the part of exec that must be the kernel's (other threads
 * killed, handlers reset, close-on-exec fds closed, credentials); lxrun
 * checks the program as exec would before that (load.c), and maps it,
 * its interpreter and its initial stack after (load_image.c).
 */
#ifndef LXRUN_TRACER_LOAD_H
#define LXRUN_TRACER_LOAD_H

#include <stdbool.h>

#include "elf/elf.h"
#include "tracer.h"

/* Turn the loader on: trap execve and execveat, serve them. */
void load_enable(void);
bool load_enabled(void);
/*
 * Before the first program is started: the stubs its exec will use
 * (shared: its child will share lxrun's memory until the exec, so they
 * are made when needed).
 */
void load_prepare(bool shared);
/* The first program's pid (its first exec finds the stub's path). */
void load_spawned(pid_t pid, bool shared);
/* Does this action's exit function build the program (load_exec_exit)? */
bool load_builds_at_exec(const struct lx_action *a);

/* One exec in flight, from its checks to the new image's first step. */
/*
 * A file the stub opens itself after exec (the supervisor checked it in
 * its own, provably identical view): by path, then its identity checked.
 */
struct load_path {
	bool by_path;
	bool nofollow;
	char path[LX_PATH_MAX];
	uint64_t dev, ino;
	/*
	 * lxrun's own open of the file (by_path), kept for the stub to take
	 * with pidfd_getfd: no second open of it (no IN_OPEN a watcher would
	 * see), and no window in which another file could be put at the
	 * path.  -1 once closed.
	 */
	int sfd;
};

/* Marks, in a plan's mmap ops, of fds the stub opens (load_path). */
#define LOAD_FD_MAIN		(-1000)
#define LOAD_FD_INTERP		(-1001)

struct load_exec {
	struct lx_elf main, interp;
	bool has_interp;
	int main_gfd, interp_gfd;	/* the guest's fds, kept across exec */
	struct load_path main_path, interp_path;
	int stub_gfd;			/* the stub's memfd (close-on-exec) */
	uint64_t stub_base;
	uint64_t tmp_map, tmp_len;	/* argv of a #! exec, if not scratch */
	char execfn[LX_PATH_MAX + 32];	/* AT_EXECFN: exec's file name */
	char comm[16];			/* the new /proc/PID/comm */
};

/* load.c: close lxrun's own fd of a file the stub was to take (sfd). */
void load_path_release(struct load_path *lp);

/* load_image.c: at the exec's exit stop in the stub, build the program. */
int load_image(struct task *t, struct load_exec *le);

#endif
