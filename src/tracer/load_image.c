/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --loader=elf, after the point of no return: the thread is at the exit
 * stop of its exec of the stub.  Two batches build the program:
 *
 *  A (run by the stub): unmap the vDSO (none is given to the program, as
 *    on a BSD host), map the program and its interpreter as the kernel
 *    would (elf_plan.c), map a page for batch B, set the comm;
 *  then lxrun writes the initial stack (elf_stack.c) over the stub's,
 *    from the strings the kernel copied for the stub and the auxv it made;
 *  B (a copy of the stub's code in that page): unmap the stub, fix what
 *    /proc shows (PR_SET_MM_MAP: exe file, code/data/brk/stack, argv and
 *    environment ranges, auxv), close the program's fds, unmap itself.
 *
 * Three stops in all.  The thread then starts at the interpreter's (or
 * the program's) entry with the registers exec leaves.  A failure here is
 * one the kernel's exec would also meet past its point of no return: the
 * process dies of SIGSEGV.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load.h"
#include "lxrun/linux_abi.h"

#define ADDR_NO_RANDOMIZE	0x0040000
#define B_CODE		0	/* batch B's page: the runner ... */
#define B_OPS		512	/* ... its ops ... */
#define B_MAP		3072	/* ... and the PR_SET_MM_MAP record */
/* The stub's data area: batch A's ops, the comm, the paths it opens. */
#define A_COMM		(2 * LX_ELF_PAGE)
#define A_PATH0		(A_COMM + 64)
#define A_PATH1		(3 * LX_ELF_PAGE)
#define A_MAXOPS	(A_COMM / sizeof(struct lx_op))

/* struct prctl_mm_map, Linux's layout. */
struct mm_map {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv;
	uint32_t auxv_size, exe_fd;
};

/* The stub's address space as exec left it. */
struct stub_view {
	uint64_t stack_lo, stack_hi;
	uint64_t vdso[4][2];	/* [vvar], [vvar_vclock], [vdso] runs */
	int nvdso;
	/* its stack: argv, envp and auxv as the kernel made them */
	unsigned char *stack;	/* bytes [sp, stack_hi) */
	uint64_t sp;
	int argc, envc;
	const char **argv, **envp;
	uint64_t auxv[LX_AUXV_MAX][2];
	int nauxv;
	const char *platform;
	unsigned char random[16];
};

static int
read_maps(pid_t tid, uint64_t sp, struct stub_view *v)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		uint64_t lo, hi;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2)
			continue;
		if (lo <= sp && sp < hi) {
			v->stack_lo = lo;
			v->stack_hi = hi;
		} else if (strstr(line, "[vvar") != NULL ||
		    strstr(line, "[vdso]") != NULL) {
			if (v->nvdso > 0 && v->vdso[v->nvdso - 1][1] == lo)
				v->vdso[v->nvdso - 1][1] = hi;
			else if (v->nvdso < 4) {
				v->vdso[v->nvdso][0] = lo;
				v->vdso[v->nvdso][1] = hi;
				v->nvdso++;
			}
		}
	}
	fclose(f);
	return v->stack_hi != 0 ? 0 : -1;
}

/* A string of the stub's stack, by its guest address; NULL if bad. */
static const char *
stack_string(const struct stub_view *v, uint64_t p)
{
	size_t len = (size_t)(v->stack_hi - v->sp);

	if (p < v->sp || p >= v->stack_hi)
		return NULL;
	if (memchr(v->stack + (p - v->sp), '\0', len - (p - v->sp)) == NULL)
		return NULL;
	return (const char *)v->stack + (p - v->sp);
}

static int
stack_word(const struct stub_view *v, size_t i, uint64_t *w)
{
	size_t len = (size_t)(v->stack_hi - v->sp);

	if ((i + 1) * 8 > len)
		return -1;
	memcpy(w, v->stack + i * 8, 8);
	return 0;
}

/* Parse argc, argv, envp and auxv the kernel laid out for the stub. */
static int
read_stub_stack(struct task *t, struct stub_view *v)
{
	size_t len = (size_t)(v->stack_hi - v->sp), i = 0;
	uint64_t w, type;

	if ((v->stack = malloc(len)) == NULL ||
	    mem_read(t, v->stack, v->sp, len) < 0)
		return -1;
	if (stack_word(v, i++, &w) < 0 || w > len / 8)
		return -1;
	v->argc = (int)w;
	v->argv = calloc((size_t)v->argc + 1, sizeof(char *));
	for (int k = 0; k < v->argc; k++)
		if (stack_word(v, i++, &w) < 0 ||
		    (v->argv[k] = stack_string(v, w)) == NULL)
			return -1;
	i++;			/* NULL */
	for (size_t k = i; stack_word(v, k, &w) == 0 && w != 0; k++)
		v->envc++;
	v->envp = calloc((size_t)v->envc + 1, sizeof(char *));
	for (int k = 0; k < v->envc; k++)
		if (stack_word(v, i++, &w) < 0 ||
		    (v->envp[k] = stack_string(v, w)) == NULL)
			return -1;
	i++;
	for (;;) {
		if (stack_word(v, i++, &type) < 0 || stack_word(v, i++, &w) < 0)
			return -1;
		if (type == LX_AT_NULL)
			break;
		if (v->nauxv >= LX_AUXV_MAX - 1)
			return -1;
		v->auxv[v->nauxv][0] = type;
		v->auxv[v->nauxv][1] = w;
		v->nauxv++;
		if (type == LX_AT_PLATFORM)
			v->platform = stack_string(v, w);
		if (type == LX_AT_RANDOM && w >= v->sp &&
		    w + 16 <= v->stack_hi)
			memcpy(v->random, v->stack + (w - v->sp), 16);
	}
	return 0;
}

static void
stub_view_free(struct stub_view *v)
{
	free(v->stack);
	free(v->argv);
	free(v->envp);
}

static long
read_sysctl(const char *path, long dflt)
{
	FILE *f = fopen(path, "re");
	long v = dflt;

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

static uint64_t
random64(void)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint64_t)lx_now_ns() * 0x9e3779b97f4a7c15ULL;
	return r;
}

/* What the personality and the sysctls ask of randomization. */
static void
layout_in(struct task *t, const struct load_exec *le, struct lx_layout_in *in,
    uint64_t *align_rnd)
{
	static long va_space = -1, rnd_bits = -1;
	char path[64];
	unsigned long pers = 0;
	FILE *f;

	if (va_space < 0) {
		va_space = read_sysctl("/proc/sys/kernel/randomize_va_space",
		    2);
		rnd_bits = read_sysctl("/proc/sys/vm/mmap_rnd_bits", 28);
	}
	snprintf(path, sizeof(path), "/proc/%d/personality", (int)t->tid);
	if ((f = fopen(path, "re")) != NULL) {
		if (fscanf(f, "%lx", &pers) != 1)
			pers = 0;
		fclose(f);
	}
	memset(in, 0, sizeof(*in));
	in->randomize = !(pers & ADDR_NO_RANDOMIZE) && va_space != 0;
	in->va_space = (int)va_space;
	in->mmap_rnd = (random64() & ((1ULL << rnd_bits) - 1)) * LX_ELF_PAGE;
	in->brk_rnd = random64();
	in->main_fd = le->main_path.by_path ? LOAD_FD_MAIN : le->main_gfd;
	in->interp_fd = le->interp_path.by_path ? LOAD_FD_INTERP :
	    le->interp_gfd;
	*align_rnd = in->randomize ? (random64() % 8192) : 0;
}

enum stop_kind { STOP_TRAP, STOP_FAULT, STOP_BAD, STOP_DEAD };

/*
 * Run the batch at ops with the runner at code, until its int3 (TRAP), a
 * fault at expect_fault (FAULT), another fault (BAD) or its death (DEAD).
 * Stop signals that come meanwhile are held back in stash; others are
 * delivered (the stub has no handlers: they act as on a new program).
 */
static enum stop_kind
run_batch(struct task *t, const struct user_regs_struct *base, uint64_t code,
    uint64_t ops, uint64_t expect_fault, int *stash, int *nstash,
    struct user_regs_struct *out)
{
	struct user_regs_struct r = *base;
	int sig = 0;

	r.rip = code;
	r.rbx = ops;
	r.r12 = 0;
	r.r13 = ops;
	if (regs_set(t->tid, &r) < 0)
		return STOP_DEAD;
	for (;;) {
		siginfo_t si;
		int st, ev;
		pid_t w;

		if (ptrace(PTRACE_CONT, t->tid, 0, sig) < 0)
			return STOP_DEAD;
		sig = 0;
		while ((w = waitpid(t->tid, &st, __WALL)) < 0 && errno == EINTR)
			;
		if (w < 0) {
			t->dead = true;
			return STOP_DEAD;
		}
		if (!WIFSTOPPED(st)) {
			t->dead = true;
			loop_defer_status(t->tid, st);
			return STOP_DEAD;
		}
		ev = st >> 16;
		if (ev != 0 || WSTOPSIG(st) == (SIGTRAP | 0x80))
			continue;	/* its trapped syscalls, events: go on */
		sig = WSTOPSIG(st);
		memset(&si, 0, sizeof(si));
		ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si);
		if (regs_get(t->tid, out) < 0)
			return STOP_DEAD;
		if (si.si_code > 0 && (sig == SIGTRAP || sig == SIGSEGV ||
		    sig == SIGBUS || sig == SIGILL || sig == SIGFPE)) {
			if (sig == SIGTRAP &&
			    out->rip == code + lx_stub_after_trap())
				return STOP_TRAP;
			if (sig == SIGSEGV && out->rip == expect_fault)
				return STOP_FAULT;
			return STOP_BAD;
		}
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			if (*nstash < 8)
				stash[(*nstash)++] = sig;
			sig = 0;
		}
	}
}

static void
op_set(struct lx_op *o, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
    uint64_t a3, uint64_t a4, uint64_t a5)
{
	memset(o, 0, sizeof(*o));
	o->nr = nr;
	o->a[0] = a0;
	o->a[1] = a1;
	o->a[2] = a2;
	o->a[3] = a3;
	o->a[4] = a4;
	o->a[5] = a5;
}

/* Batch A: the ops, where the plan's start, and where the page for B is. */
struct batch_a {
	struct lx_op op[A_MAXOPS];
	int n, plan_first, tramp;
	int open_main, open_interp;	/* ops opening the files, or -1 */
	int grab_end;			/* ops before it take lxrun's fds */
	int pidfd_op;			/* the pidfd_open of lxrun, or -1 */
};

/* openat of a file the stub opens itself; its op index, or -1. */
static int
open_op(struct batch_a *b, int *n, const struct load_path *lp, uint64_t at)
{
	if (!lp->by_path)
		return -1;
	op_set(&b->op[*n], LX_NR_openat, (uint64_t)LX_AT_FDCWD, at,
	    LX_O_RDONLY | LX_O_NONBLOCK | LX_O_NOCTTY |
	    (lp->nofollow ? LX_O_NOFOLLOW : 0), 0, 0, 0);
	return (*n)++;
}

/* pidfd_getfd of lxrun's own fd of the file; its op index, or -1. */
static int
grab_op(struct batch_a *b, int *n, const struct load_path *lp)
{
	if (!lp->by_path)
		return -1;
	op_set(&b->op[*n], LX_NR_pidfd_getfd, (uint64_t)b->pidfd_op,
	    (uint64_t)lp->sfd, 0, 0, 0, 0);
	b->op[*n].flags |= LX_OPF_FDREF0;
	return (*n)++;
}

/*
 * Batch A.  grab: the files lxrun checked and keeps open are taken with
 * pidfd_getfd, first of all (if that fails, nothing else has run and the
 * batch is made again with opens by path).
 */
static int
build_a(const struct stub_view *v, const struct lx_plan *p,
    const struct load_exec *le, uint64_t data, bool grab,
    const int *leftover, int nleftover, struct batch_a *b)
{
	int n = 0;

	/* fds a failed grab left in the process */
	for (int i = 0; i < nleftover; i++)
		op_set(&b->op[n++], LX_NR_close, (uint64_t)leftover[i], 0, 0, 0,
		    0, 0);
	b->pidfd_op = -1;
	if (grab) {
		b->pidfd_op = n;
		op_set(&b->op[n++], LX_NR_pidfd_open, (uint64_t)getpid(), 0,
		    0, 0, 0, 0);
		b->open_main = grab_op(b, &n, &le->main_path);
		b->open_interp = le->has_interp ?
		    grab_op(b, &n, &le->interp_path) : -1;
		op_set(&b->op[n], LX_NR_close, (uint64_t)b->pidfd_op, 0, 0, 0,
		    0, 0);
		b->op[n++].flags |= LX_OPF_FDREF0;
	}
	b->grab_end = n;
	for (int i = 0; i < v->nvdso; i++)
		op_set(&b->op[n++], LX_NR_munmap, v->vdso[i][0],
		    v->vdso[i][1] - v->vdso[i][0], 0, 0, 0, 0);
	if (!grab) {
		b->open_main = open_op(b, &n, &le->main_path, data + A_PATH0);
		b->open_interp = le->has_interp ?
		    open_op(b, &n, &le->interp_path, data + A_PATH1) : -1;
	}
	if (n + p->nop + 4 > (int)A_MAXOPS)
		return -1;
	b->plan_first = n;
	memcpy(&b->op[n], p->op, (size_t)p->nop * sizeof(p->op[0]));
	for (int i = n; i < n + p->nop; i++) {
		struct lx_op *o = &b->op[i];

		if (o->nr != LX_NR_mmap || (o->a[3] & LX_MAP_ANONYMOUS))
			continue;
		if (o->a[4] == (uint64_t)(int64_t)LOAD_FD_MAIN) {
			o->a[4] = (uint64_t)b->open_main;
			o->flags |= LX_OPF_FDREF;
		} else if (o->a[4] == (uint64_t)(int64_t)LOAD_FD_INTERP) {
			o->a[4] = (uint64_t)b->open_interp;
			o->flags |= LX_OPF_FDREF;
		}
	}
	n += p->nop;
	b->tramp = n;
	op_set(&b->op[n++], LX_NR_mmap, 0, LX_ELF_PAGE,
	    LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC,
	    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
	op_set(&b->op[n++], LX_NR_prctl, PR_SET_NAME, data + A_COMM, 0, 0, 0,
	    0);
	if (le->main.stack == LX_EXSTACK_ENABLE_X)
		op_set(&b->op[n++], LX_NR_mprotect, v->stack_lo,
		    v->stack_hi - v->stack_lo,
		    LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC, 0, 0, 0);
	op_set(&b->op[n++], LX_OP_END, 0, 0, 0, 0, 0, 0);
	b->n = n;
	return 0;
}

/* What the program's initial stack is made of (its addresses aside). */
static void
stack_in(const struct stub_view *v, const struct load_exec *le,
    uint64_t align_rnd, struct lx_stack_in *si)
{
	memset(si, 0, sizeof(*si));
	si->top = v->stack_hi;
	si->argc = v->argc;
	si->argv = v->argv;
	si->envc = v->envc;
	si->envp = v->envp;
	si->execfn = le->execfn;
	si->platform = v->platform;
	memcpy(si->random, v->random, sizeof(si->random));
	si->align_rnd = align_rnd;
	si->auxv = (const uint64_t (*)[2])v->auxv;
	si->nauxv = v->nauxv;
}

/*
 * The stack mapping the kernel made for the stub ends a little below its
 * stack pointer when argv is long; the program's stack may need a few
 * bytes more (a longer AT_EXECFN).  Batch A then touches them, which
 * grows the stack as the program's own access would.
 */
static int
grow_stack(struct stub_view *v, const struct lx_stack_in *si,
    struct batch_a *b)
{
	struct lx_stack s;
	uint64_t low;

	if (lx_stack_build(si, (size_t)(si->top - LX_ELF_PAGE), &s) < 0)
		return -1;
	low = (s.sp & ~(LX_ELF_PAGE - 1)) - LX_ELF_PAGE;
	lx_stack_free(&s);
	if (low >= v->stack_lo)
		return 0;
	if (b->n + 1 > (int)A_MAXOPS)
		return -1;
	/* before the end marker */
	b->op[b->n] = b->op[b->n - 1];
	op_set(&b->op[b->n - 1], LX_OP_MEMSET, low, v->stack_lo - low, 0, 0,
	    0, 0);
	b->n++;
	v->stack_lo = low;
	return 0;
}

/* The process dies as exec's failures past the point of no return. */
static void
doom(struct task *t, const struct user_regs_struct *regs)
{
	t->saved = *regs;
	t->saved.rip = 0;	/* faults even if SIGSEGV is ignored */
	t->have_saved = true;
	syscall(SYS_tgkill, t->proc->pid, t->tid, SIGSEGV);
}

/*
 * Bounds a program without a code or data segment gets from exec, which
 * PR_SET_MM_MAP refuses (it wants start_code < end_code, all of them
 * mapped-able addresses): made acceptable, once.  False if nothing to do.
 */
static bool
sane_map(struct mm_map *m)
{
	uint64_t *f[] = { &m->start_code, &m->end_code, &m->start_data,
		&m->end_data };
	bool changed = false;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] < 65536 || *f[i] >= LX_TASK_SIZE) {
			*f[i] = m->start_brk;
			changed = true;
		}
	if (m->start_code >= m->end_code) {
		m->start_code = m->end_code - 1;
		changed = true;
	}
	if (m->start_data > m->end_data) {
		m->start_data = m->end_data;
		changed = true;
	}
	return changed;
}

/* Batch B: unmap the stub, fix /proc, close the fds, unmap itself. */
static int
run_b(struct task *t, const struct user_regs_struct *base, uint64_t tramp,
    const struct load_exec *le, struct mm_map *map, int *stash, int *nstash)
{
	unsigned char page[LX_ELF_PAGE];
	struct lx_op *ops = (struct lx_op *)(page + B_OPS);
	size_t code_len;
	const unsigned char *code = lx_stub_code(&code_len);
	uint64_t fault = tramp + B_CODE + lx_stub_after_syscall();
	int n = 0, at = 0, prctl_op;

	memset(page, 0, sizeof(page));
	memcpy(page + B_CODE, code, code_len);
	op_set(&ops[n++], LX_NR_munmap, le->stub_base, LX_STUB_LEN, 0, 0, 0,
	    0);
	prctl_op = n;
	op_set(&ops[n++], LX_NR_prctl, PR_SET_MM, PR_SET_MM_MAP,
	    tramp + B_MAP, sizeof(*map), 0, 0);
	op_set(&ops[n++], LX_NR_close, (uint64_t)le->main_gfd, 0, 0, 0, 0, 0);
	if (le->has_interp)
		op_set(&ops[n++], LX_NR_close, (uint64_t)le->interp_gfd, 0, 0,
		    0, 0, 0);
	op_set(&ops[n++], LX_NR_munmap, tramp, LX_ELF_PAGE, 0, 0, 0, 0);
	op_set(&ops[n++], LX_OP_END, 0, 0, 0, 0, 0, 0);
	memcpy(page + B_MAP, map, sizeof(*map));
	if (mem_write(t, tramp, page, sizeof(page)) < 0)
		return -1;
	for (int tries = 0; tries < 8; tries++) {
		struct user_regs_struct r;
		struct lx_op failed;
		uint64_t opa = tramp + B_OPS + (uint64_t)at * sizeof(*ops);

		switch (run_batch(t, base, tramp + B_CODE, opa, fault, stash,
		    nstash, &r)) {
		case STOP_FAULT:
			return 0;
		case STOP_TRAP:
			break;
		default:
			return -1;
		}
		at = (int)((r.rbx - (tramp + B_OPS)) / sizeof(*ops));
		if (at < 0 || at >= n - 1 ||
		    mem_read(t, &failed, tramp + B_OPS +
		    (uint64_t)at * sizeof(*ops), sizeof(failed)) < 0)
			return -1;
		if (at == prctl_op && failed.result == (uint64_t)-LX_EPERM &&
		    map->exe_fd != (uint32_t)-1) {
			/* no CAP_CHECKPOINT_RESTORE: the rest without exe */
			map->exe_fd = (uint32_t)-1;
			if (mem_write(t, tramp + B_MAP, map, sizeof(*map)) < 0)
				return -1;
			continue;
		}
		if (at == prctl_op && failed.result == (uint64_t)-LX_EINVAL &&
		    sane_map(map)) {
			/* bounds prctl cannot take (no code segment...) */
			if (mem_write(t, tramp + B_MAP, map, sizeof(*map)) < 0)
				return -1;
			continue;
		}
		at++;	/* the rest still has to be done */
	}
	return -1;
}

/* The file the stub took or opened by path is the one the checks read. */
static bool
same_file(struct task *t, int gfd, const struct load_path *lp, bool grabbed)
{
	struct stat st;
	int fd;
	bool same;

	if (!lp->by_path)
		return true;
	/* taken from lxrun: its very open file, if the pid was lxrun's */
	if (grabbed)
		return syscall(SYS_kcmp, (long)getpid(), (long)t->tid,
		    (long)KCMP_FILE, (long)lp->sfd, (long)gfd) == 0;
	if ((fd = guest_pull_fd(t, gfd)) < 0)
		return false;
	same = fstat(fd, &st) == 0 && st.st_dev == lp->dev &&
	    st.st_ino == lp->ino;
	close(fd);
	return same;
}

static void
fill_map(struct mm_map *m, const struct lx_mm *mm, const struct lx_stack *s,
    int exe_fd)
{
	memset(m, 0, sizeof(*m));
	m->start_code = mm->start_code;
	m->end_code = mm->end_code;
	m->start_data = mm->start_data;
	m->end_data = mm->end_data;
	m->start_brk = mm->start_brk;
	m->brk = mm->brk;
	m->start_stack = s->sp;
	m->arg_start = s->arg_start;
	m->arg_end = s->arg_end;
	m->env_start = s->env_start;
	m->env_end = s->env_end;
	m->auxv = s->auxv;
	m->auxv_size = (uint32_t)s->nsaved * 8;
	m->exe_fd = (uint32_t)exe_fd;
}

/* The new stack over the stub's, zeroing what the stub's had below it. */
static int
write_stack(struct task *t, const struct stub_view *v, const struct lx_stack *s)
{
	uint64_t low = v->sp < s->sp ? v->sp : s->sp;

	if (low < s->sp) {
		size_t n = (size_t)(s->sp - low);
		unsigned char *z = calloc(1, n);
		int r = z != NULL ? mem_write(t, low, z, n) : -1;

		free(z);
		if (r < 0)
			return -1;
	}
	return mem_write(t, s->sp, s->image, s->len);
}

/* Two more fds for process pid (soft and, if need be, hard limit). */
static int
raise_nofile(pid_t pid, struct rlimit *old)
{
	struct rlimit more;

	if (prlimit(pid, RLIMIT_NOFILE, NULL, old) < 0 ||
	    old->rlim_cur == RLIM_INFINITY)
		return -1;
	more.rlim_cur = old->rlim_cur + 2;
	more.rlim_max = old->rlim_max == RLIM_INFINITY ||
	    old->rlim_max > more.rlim_cur ? old->rlim_max : more.rlim_cur;
	return prlimit(pid, RLIMIT_NOFILE, &more, NULL);
}

/* Once taking lxrun's fds failed, the stub opens the files by path. */
static bool grab_broken;

/*
 * Can the stub take lxrun's own fds of the files (pidfd_getfd, which needs
 * ptrace access to lxrun: Yama's ptrace_scope 1 and 2 ask for
 * CAP_SYS_PTRACE, which the stub has if lxrun has it, the fast path being
 * lxrun's credentials), with lxrun's pid naming lxrun in the process's
 * pid namespace?  A refusal all the same costs one batch more.
 */
static bool
grab_possible(struct task *t, const struct load_exec *le)
{
	static int allowed = -1;
	static struct stat mine;
	char path[64];
	struct stat st;

	if (grab_broken || (!le->main_path.by_path &&
	    !(le->has_interp && le->interp_path.by_path)) ||
	    (le->main_path.by_path && le->main_path.sfd < 0) ||
	    (le->has_interp && le->interp_path.by_path &&
	    le->interp_path.sfd < 0))
		return false;
	if (allowed < 0) {
		long scope = read_sysctl("/proc/sys/kernel/yama/ptrace_scope",
		    0);

		allowed = (scope == 0 || ((scope == 1 || scope == 2) &&
		    creds_have_cap(CAP_SYS_PTRACE))) &&
		    stat("/proc/self/ns/pid", &mine) == 0;
	}
	if (!allowed)
		return false;
	if (t->proc->pidns == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid",
		    (int)t->proc->pid);
		t->proc->pidns = stat(path, &st) == 0 &&
		    st.st_dev == mine.st_dev && st.st_ino == mine.st_ino ?
		    1 : -1;
	}
	return t->proc->pidns > 0;
}

static int
build(struct task *t, struct load_exec *le, const struct user_regs_struct *r0,
    struct stub_view *v, int *stash, int *nstash, struct user_regs_struct *fin)
{
	struct lx_plan *p = calloc(1, sizeof(*p));
	struct batch_a *a = calloc(1, sizeof(*a));
	uint64_t data = le->stub_base + LX_STUB_DATA, tramp, align_rnd;
	struct lx_layout_in in;
	struct lx_stack_in si;
	struct lx_stack s;
	struct lx_mm mm;
	struct mm_map map;
	struct user_regs_struct r;
	int rc = -1, leftover[4], nleftover = 0;
	uint64_t stack_lo;
	bool grab, raised = false;
	struct rlimit nofile;

	memset(&s, 0, sizeof(s));
	if (p == NULL || a == NULL)
		goto out;
	layout_in(t, le, &in, &align_rnd);
	stack_in(v, le, align_rnd, &si);
	if (lx_plan_build(p, &le->main, le->has_interp ? &le->interp : NULL,
	    &in) < 0 || p->doomed)
		goto out;
	grab = grab_possible(t, le);
	stack_lo = v->stack_lo;
again:
	v->stack_lo = stack_lo;
	if (build_a(v, p, le, data, grab, leftover, nleftover, a) < 0 ||
	    grow_stack(v, &si, a) < 0)
		goto out;
	if (mem_write(t, data, a->op, (size_t)a->n * sizeof(a->op[0])) < 0 ||
	    mem_write(t, data + A_COMM, le->comm, sizeof(le->comm)) < 0 ||
	    (le->main_path.by_path && mem_write(t, data + A_PATH0,
	    le->main_path.path, strlen(le->main_path.path) + 1) < 0) ||
	    (le->has_interp && le->interp_path.by_path &&
	    mem_write(t, data + A_PATH1, le->interp_path.path,
	    strlen(le->interp_path.path) + 1) < 0))
		goto out;
	if (run_batch(t, r0, le->stub_base + lx_stub_code_offset(), data, 0,
	    stash, nstash, &r) != STOP_TRAP ||
	    mem_read(t, a->op, data, (size_t)a->n * sizeof(a->op[0])) < 0)
		goto out;
	if (a->op[a->n - 1].result != 0 ||
	    r.rbx != data + (uint64_t)(a->n - 1) * sizeof(a->op[0])) {
		int64_t at = (int64_t)(r.rbx - data) / (int64_t)sizeof(a->op[0]);

		nleftover = 0;
		if (grab && at >= 0 && at < a->grab_end) {
			/*
			 * lxrun's fds could not be taken: by path, this time,
			 * and from now on unless the process lacked free fds.
			 */
			if (a->op[at].result != (uint64_t)-LX_EMFILE &&
			    a->op[at].result != (uint64_t)-LX_ENFILE)
				grab_broken = true;
			grab = false;
			for (int64_t i = 0; i < at; i++)
				if (a->op[i].nr == LX_NR_pidfd_open ||
				    a->op[i].nr == LX_NR_pidfd_getfd)
					leftover[nleftover++] =
					    (int)a->op[i].result;
			goto again;
		}
		/*
		 * Every fd below RLIMIT_NOFILE is open: the kernel's exec
		 * needs none, the stub one per file.  The limit is raised
		 * for the batches and put back before the program runs.
		 */
		if (!raised && at >= 0 && (at == a->open_main ||
		    at == a->open_interp) &&
		    a->op[at].result == (uint64_t)-LX_EMFILE &&
		    raise_nofile(t->proc->pid, &nofile) == 0) {
			raised = true;
			if (a->open_main >= 0 && a->open_main < at)
				leftover[nleftover++] =
				    (int)a->op[a->open_main].result;
			goto again;
		}
		goto out;	/* a mapping failed: exec's own too */
	}
	if (a->open_main >= 0)
		le->main_gfd = (int)a->op[a->open_main].result;
	if (a->open_interp >= 0)
		le->interp_gfd = (int)a->op[a->open_interp].result;
	if (!same_file(t, le->main_gfd, &le->main_path, grab) ||
	    (le->has_interp && !same_file(t, le->interp_gfd,
	    &le->interp_path, grab)))
		goto out;	/* replaced since it was checked */
	for (int i = 0; i < p->nop; i++)
		p->op[i].result = a->op[a->plan_first + i].result;
	tramp = a->op[a->tramp].result;
	lx_plan_mm(p, &le->main, &in, &mm);

	si.at_phdr = mm.phdr;
	si.at_phnum = le->main.eh.e_phnum;
	si.at_base = mm.base;
	si.at_entry = mm.entry;
	if (lx_stack_build(&si, (size_t)(v->stack_hi - v->stack_lo), &s) < 0 ||
	    write_stack(t, v, &s) < 0)
		goto out;
	fill_map(&map, &mm, &s, le->main_gfd);
	if (run_b(t, r0, tramp, le, &map, stash, nstash) < 0)
		goto out;
	*fin = *r0;
	fin->rip = mm.start;
	fin->rsp = s.sp;
	rc = 0;
out:
	/* batch B closed the stub's fds: the program gets its own limit */
	if (raised)
		prlimit(t->proc->pid, RLIMIT_NOFILE, &nofile, NULL);
	lx_stack_free(&s);
	free(p);
	free(a);
	return rc;
}

int
load_image(struct task *t, struct load_exec *le)
{
	struct user_regs_struct r0, fin;
	struct stub_view v;
	int stash[8], nstash = 0, rc = -1;

	memset(&v, 0, sizeof(v));
	if (regs_get(t->tid, &r0) < 0)
		return -1;
	v.sp = r0.rsp;
	if (read_maps(t->tid, r0.rsp, &v) == 0 && read_stub_stack(t, &v) == 0)
		rc = build(t, le, &r0, &v, stash, &nstash, &fin);
	stub_view_free(&v);
	load_path_release(&le->main_path);
	load_path_release(&le->interp_path);
	if (t->dead)
		return -1;
	if (rc < 0) {
		doom(t, &r0);
		return -1;
	}
	t->saved = fin;
	t->have_saved = true;
	for (int i = 0; i < nstash; i++)
		kill(t->proc->pid, stash[i]);
	return 0;
}
