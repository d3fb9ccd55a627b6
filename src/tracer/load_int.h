/* SPDX-License-Identifier: BSD-2-Clause */
/* The loader's checks before exec (load*.c): one exec's state. */
#ifndef LXRUN_TRACER_LOAD_INT_H
#define LXRUN_TRACER_LOAD_INT_H

#include "load.h"

#define LX_AT_EXECVE_CHECK	0x10000
#define LX_MFD_CLOEXEC		0x0001U
#define LX_MFD_EXEC		0x0010U
#define MAX_ARG_STRLEN		(32 * 4096)
#define MAX_ARG_STRINGS		0x7fffffff
#define MAX_PRE			(2 + 2 * LX_EXEC_MAXDEPTH + 2)

/* Where things go in the thread's scratch slot during the checks. */
#define SCR_EMPTY	0	/* "": stays until exec (execveat's path) */
#define SCR_PATH	8	/* a path for openat */
#define SCR_PATH_MAX	1016
#define SCR_STAT	1024	/* struct stat of an injected fstatat */
#define SCR_STUB	1024	/* the stub's image, written to its memfd */
#define SCR_ARGV	1536	/* a short #! argv: up to the slot's end */

/* One exec's checks. */
struct exec_req {
	struct task *t;
	struct lx_guest *g;
	struct load_exec *le;
	uint64_t scratch;
	int dirfd, flags;
	uint64_t path_ptr, argv, envp;
	char path[LX_PATH_MAX];
	bool fd_inaccessible;	/* a "/dev/fd/N/..." name with N close-on-exec */
	bool same_view;		/* the thread sees files as lxrun (path_stat) */
	bool past_open;		/* argv/envp errors now come first */
	/* a #! exec's argv: pre[] then the guest's argv from orig_from */
	char *pre[MAX_PRE];
	int npre, orig_from;
	bool rewrite_argv;
	char interp_name[LX_PATH_MAX + 32];	/* bprm->interp */
};

/*
 * A file opened for exec: the guest's fd and the supervisor's copy, or
 * (by_path) only the supervisor's, opened in the thread's own view, for
 * the stub to open again after exec.
 */
struct opened {
	int gfd, sfd;
	bool by_path;
	unsigned char buf[LX_BINPRM_BUF];
};

/* load.c */
long load_inject(struct exec_req *x, long nr, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3, uint64_t a4);
int load_need_scratch(struct exec_req *x);
uint64_t load_guest_area(struct exec_req *x, size_t n, uint64_t scratch_off,
    size_t room);

/* load_argv.c: argv and envp as exec reads them, #! argv. */
int load_argv_check(struct exec_req *x);
int load_script_argv(struct exec_req *x, const struct lx_script *s);
long load_build_argv(struct exec_req *x);

/* load_stub.c: the stub, where it goes and how the guest execs it. */
uint64_t load_stub_base(const struct load_exec *le);
uint64_t load_stub_path(struct exec_req *x);
int load_make_stub(struct exec_req *x);
void load_stub_execd(struct task *t);

#endif
