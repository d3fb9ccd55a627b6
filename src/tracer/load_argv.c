/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --loader=elf: argv and envp as exec reads them (the errors it finds in
 * them before it looks at the file's format) and the argv of a #! exec
 * (fs/binfmt_script.c: interpreter, its argument, the script's name, the
 * rest), written into guest memory for the stub's exec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "load_int.h"
#include "lxrun/linux_abi.h"

/* Read a NULL-terminated pointer array's entry i. */
static int
vec_entry(struct exec_req *x, uint64_t vec, uint64_t i, uint64_t *p)
{
	return mem_read(x->t, p, vec + 8 * i, sizeof(*p)) < 0 ? -LX_EFAULT : 0;
}

static long
vec_count(struct exec_req *x, uint64_t vec)
{
	uint64_t p[512], n = 0;

	if (vec == 0)
		return 0;
	for (;;) {
		/* up to the end of a page at a time; one entry if that fails */
		size_t k = 512 - (size_t)(((vec + 8 * n) & 4095) / 8);

		if (mem_read(x->t, p, vec + 8 * n, 8 * k) < 0) {
			k = 1;
			if (vec_entry(x, vec, n, &p[0]) < 0)
				return -LX_EFAULT;
		}
		for (size_t i = 0; i < k; i++, n++) {
			if (n >= MAX_ARG_STRINGS)
				return -LX_E2BIG;
			if (p[i] == 0)
				return (long)n;
		}
	}
}

/* copy_strings(): each string's length and the running total. */
static int
vec_strings(struct exec_req *x, uint64_t vec, long n, uint64_t *total,
    uint64_t limit)
{
	static char s[MAX_ARG_STRLEN + 1];

	for (long i = n - 1; i >= 0; i--) {
		uint64_t p;
		long len;

		if (vec_entry(x, vec, (uint64_t)i, &p) < 0)
			return -LX_EFAULT;
		len = mem_read_string(x->t, s, p, sizeof(s));
		if (len == -LX_ENAMETOOLONG)
			return -LX_E2BIG;
		if (len < 0)
			return -LX_EFAULT;
		if (len + 1 > MAX_ARG_STRLEN)
			return -LX_E2BIG;
		*total += (uint64_t)len + 1;
		if (*total > limit)
			return -LX_E2BIG;
	}
	return 0;
}

/*
 * What exec finds in argv and envp before it looks at the file's format
 * (count, bprm_stack_limits, copy_strings): 0 or EFAULT/E2BIG.
 */
int
load_argv_check(struct exec_req *x)
{
	struct rlimit rl;
	uint64_t limit = 6ULL << 20, total, ptrs;
	long argc, envc;
	int r;

	if ((argc = vec_count(x, x->argv)) < 0)
		return (int)argc;
	if ((envc = vec_count(x, x->envp)) < 0)
		return (int)envc;
	if (prlimit(x->t->proc->pid, RLIMIT_STACK, NULL, &rl) == 0 &&
	    rl.rlim_cur / 4 < limit)
		limit = rl.rlim_cur / 4;
	if (limit < 32 * 4096)
		limit = 32 * 4096;
	ptrs = (uint64_t)((argc > 1 ? argc : 1) + envc) * 8;
	if (limit <= ptrs)
		return -LX_E2BIG;
	limit -= ptrs;
	total = strlen(x->le->execfn) + 1;
	if (total > limit)
		return -LX_E2BIG;
	if ((r = vec_strings(x, x->envp, envc, &total, limit)) < 0)
		return r;
	return vec_strings(x, x->argv, argc, &total, limit);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		lx_die("out of memory");
	return d;
}

/*
 * load_script(): argv[0] goes, then the script's name (bprm->interp),
 * the optional argument and the interpreter's name come first.
 */
int
load_script_argv(struct exec_req *x, const struct lx_script *s)
{
	char *add[3];
	int nadd = 0;

	if (x->npre + 3 > MAX_PRE)
		return -LX_E2BIG;
	if (x->npre > 0) {
		free(x->pre[0]);
		memmove(x->pre, x->pre + 1, (size_t)(x->npre - 1) *
		    sizeof(x->pre[0]));
		x->npre--;
	} else {
		uint64_t p;

		/* argc 0 became [""]: that is what goes */
		if (vec_entry(x, x->argv, (uint64_t)x->orig_from, &p) == 0 &&
		    p != 0)
			x->orig_from++;
	}
	add[nadd++] = xstrdup(s->name);
	if (s->has_arg)
		add[nadd++] = xstrdup(s->arg);
	add[nadd++] = xstrdup(x->interp_name);
	memmove(x->pre + nadd, x->pre, (size_t)x->npre * sizeof(x->pre[0]));
	memcpy(x->pre, add, (size_t)nadd * sizeof(add[0]));
	x->npre += nadd;
	x->rewrite_argv = true;
	snprintf(x->interp_name, sizeof(x->interp_name), "%s", s->name);
	return 0;
}

/* The #!-rewritten argv in guest memory: its address, or -errno. */
long
load_build_argv(struct exec_req *x)
{
	uint64_t n = 0, p, strs = 0, at, vec;
	size_t need;
	long rest;

	if ((rest = vec_count(x, x->argv)) < 0)
		return rest;
	if ((uint64_t)rest > (uint64_t)x->orig_from)
		n = (uint64_t)rest - (uint64_t)x->orig_from;
	for (int i = 0; i < x->npre; i++)
		strs += strlen(x->pre[i]) + 1;
	need = (size_t)((x->npre + n + 1) * 8 + strs);
	if ((vec = load_guest_area(x, need, SCR_ARGV, LX_SCRATCH_MAX - SCR_ARGV))
	    == 0)
		return -LX_ENOMEM;
	at = vec + (x->npre + n + 1) * 8;
	for (int i = 0; i < x->npre; i++) {
		size_t len = strlen(x->pre[i]) + 1;

		if (mem_write(x->t, at, x->pre[i], len) < 0 ||
		    mem_write(x->t, vec + 8 * (uint64_t)i, &at, 8) < 0)
			return -LX_EFAULT;
		at += len;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (vec_entry(x, x->argv, (uint64_t)x->orig_from + i, &p) < 0 ||
		    mem_write(x->t, vec + 8 * (x->npre + i), &p, 8) < 0)
			return -LX_EFAULT;
	}
	p = 0;
	if (mem_write(x->t, vec + 8 * (x->npre + n), &p, 8) < 0)
		return -LX_EFAULT;
	return (long)vec;
}
