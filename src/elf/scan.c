/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun scan: the program, its interpreter and the libraries ld.so would
 * load (breadth first, as ld.so does), every syscall site in their code
 * and the numbers each can make.  scan_int.h says how a number is found;
 * this file finds the sites, follows wrappers to their callers (rounds:
 * a caller that passes its own argument on is a wrapper of the next
 * round) and counts the result per object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "elf/scan_int.h"
#include "lxrun/disasm.h"
#include "lxrun/scan.h"
#include "lxrun/sysent.h"

#define MAX_OBJS 512
#define MAX_ROUNDS 8
#define MAX_UNKNOWN 20000

/* A function whose syscall number is one of its arguments. */
struct wrapper {
	int obj;
	uint64_t entry;
	struct loc arg;
	bool i386;
	int round;
	int calls;		/* calls to it found */
};

struct ctx {
	struct lx_scan *s;
	struct sobj *o;		/* parallel to s->objs */
	int *loader;		/* who needed each object, -1 for none */
	struct decoder *d;
	struct wrapper *w;
	int nw, cw;
};

static void
note_unknown(struct ctx *c, int obj, uint64_t addr, const struct func *f,
    const char *why)
{
	struct lx_scan *s = c->s;
	struct lx_scan_unknown *n;

	if (s->nunknown >= MAX_UNKNOWN)
		return;
	n = realloc(s->unknown, (size_t)(s->nunknown + 1) * sizeof(*n));
	if (n == NULL)
		return;
	s->unknown = n;
	n[s->nunknown].obj = obj;
	n[s->nunknown].addr = addr;
	n[s->nunknown].func = f != NULL && f->name != NULL ? strdup(f->name) :
	    NULL;
	n[s->nunknown].why = why;
	s->nunknown++;
}

/* A number found for a site or call in object obj. */
static void
count_value(struct ctx *c, int obj, bool i386, long v, uint64_t addr,
    const struct func *f)
{
	struct lx_scan_obj *so = &c->s->objs[obj];

	if (i386 && v >= 0 && v < LX_SCAN_I386_MAX) {
		so->count_i386[v]++;
		return;
	}
	if (!i386 && v >= 0 && v < LX_NR_MAX && lx_sysent_known(v)) {
		so->count[v]++;
		return;
	}
	note_unknown(c, obj, addr, f, "a number that is no syscall");
}

static int
add_wrapper(struct ctx *c, int obj, const struct func *f, struct loc arg,
    bool i386, int round)
{
	for (int i = 0; i < c->nw; i++)
		if (c->w[i].obj == obj && c->w[i].entry == f->start &&
		    c->w[i].arg.reg == arg.reg && c->w[i].arg.slot == arg.slot &&
		    c->w[i].i386 == i386)
			return 0;
	if (c->nw == c->cw) {
		int cap = c->cw ? 2 * c->cw : 64;
		struct wrapper *n = realloc(c->w, (size_t)cap * sizeof(*n));

		if (n == NULL)
			return -1;
		c->w = n;
		c->cw = cap;
	}
	c->w[c->nw].obj = obj;
	c->w[c->nw].entry = f->start;
	c->w[c->nw].arg = arg;
	c->w[c->nw].i386 = i386;
	c->w[c->nw].round = round;
	c->w[c->nw].calls = 0;
	c->nw++;
	return 0;
}

/*
 * What a search found for one site or call: numbers counted, arguments
 * make the function a wrapper for the next round.  Returns whether some
 * path stays unknown.
 */
static bool
take_finding(struct ctx *c, int obj, const struct func *f, uint64_t addr,
    const struct finding *fd, bool i386, int round)
{
	for (int i = 0; i < fd->nvalues; i++)
		count_value(c, obj, i386, fd->value[i], addr, f);
	for (int i = 0; i < fd->nargs; i++)
		if (round >= MAX_ROUNDS)
			note_unknown(c, obj, addr, f, "too many wrapper levels");
		else
			add_wrapper(c, obj, f, fd->arg[i], i386, round + 1);
	if (fd->unknown != NULL)
		note_unknown(c, obj, addr, f, fd->unknown);
	return fd->unknown != NULL;
}

static void
scan_site(struct ctx *c, int obj, uint64_t addr)
{
	struct lx_scan_obj *so = &c->s->objs[obj];
	struct func *f = sobj_func(&c->o[obj], c->d, addr);
	struct finding fd;
	struct loc rax = { R_AX, 0 };
	int i;
	bool i386;

	if (f == NULL || (i = func_index(f, addr)) < 0)
		return;
	if (f->in[i].op != OP_SYSCALL && f->in[i].op != OP_INT80 &&
	    f->in[i].op != OP_SYSENTER)
		return;		/* the bytes were part of another instruction */
	if (!f->reached && !c->s->all_code) {
		so->unreached++;
		return;
	}
	i386 = f->in[i].op != OP_SYSCALL;
	so->sites++;
	find_value(f, i, rax, c->o[obj].is_go, &fd);
	if (take_finding(c, obj, f, addr, &fd, i386, 0))
		so->unresolved++;
	else if (fd.nargs > 0)
		so->via_callers++;
	else
		so->resolved++;
}

/* Every syscall, int $0x80 and sysenter of an object. */
static void
scan_sites(struct ctx *c, int obj)
{
	const struct sobj *o = &c->o[obj];

	for (int k = 0; k < o->nsect; k++) {
		const struct sect *s = &o->sect[k];

		for (size_t i = 0; i + 1 < s->size; i++) {
			const uint8_t *p = s->data + i;

			if ((p[0] == 0x0f && (p[1] == 0x05 || p[1] == 0x34)) ||
			    (p[0] == 0xcd && p[1] == 0x80))
				scan_site(c, obj, s->addr + i);
		}
	}
}

static int32_t
rel32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* One call (or tail jump) to wrapper w at instruction i of f in obj. */
static void
scan_call(struct ctx *c, int obj, struct func *f, int i, struct wrapper *w)
{
	struct lx_scan_obj *so = &c->s->objs[obj];
	const struct insn *in = &f->in[i];
	bool tail = in->op == OP_JMP || in->op == OP_JMP_IND;
	struct finding fd;

	so->call_sites++;
	w->calls++;
	find_value(f, i, loc_at_call(w->arg, tail), c->o[obj].is_go, &fd);
	if (take_finding(c, obj, f, in->addr, &fd, w->i386, w->round))
		so->call_unresolved++;
}

/* Is the instruction at addr the call or jump the bytes said? */
static struct func *
check_call(struct ctx *c, int obj, uint64_t addr, uint8_t kind,
    uint64_t target, int *idx)
{
	struct func *f = sobj_func(&c->o[obj], c->d, addr);
	const struct insn *in;

	if (f == NULL || (*idx = func_index(f, addr)) < 0)
		return NULL;
	in = &f->in[*idx];
	switch (kind) {
	case 0xe8:
		return in->op == OP_CALL && in->target == target ? f : NULL;
	case 0xe9:
		return in->op == OP_JMP && in->target == target ? f : NULL;
	case 0x15:
		return in->op == OP_CALL_IND && in->size == 6 ? f : NULL;
	default:
		return in->op == OP_JMP_IND && in->size == 6 ? f : NULL;
	}
}

static void
calls_to(struct ctx *c, int obj, const struct amap *direct,
    const struct amap *got)
{
	const struct sobj *o = &c->o[obj];

	for (int k = 0; k < o->nsect; k++) {
		const struct sect *s = &o->sect[k];

		for (size_t i = 0; i + 6 <= s->size; i++) {
			const uint8_t *p = s->data + i;
			uint64_t at = s->addr + i, t;
			const struct amap *m;
			uint8_t kind;
			struct func *f;
			int e, idx;

			if (p[0] == 0xe8 || p[0] == 0xe9) {
				t = at + 5 + (uint64_t)(int64_t)rel32(p + 1);
				m = direct;
				kind = p[0];
			} else if (p[0] == 0xff && (p[1] == 0x15 || p[1] == 0x25)) {
				t = at + 6 + (uint64_t)(int64_t)rel32(p + 2);
				m = got;
				kind = p[1];
			} else {
				continue;
			}
			if ((e = amap_get(m, t)) < 0 ||
			    (f = check_call(c, obj, at, kind, t, &idx)) == NULL ||
			    (!f->reached && !c->s->all_code))
				continue;
			for (; e >= 0; e = m->next[e])
				scan_call(c, obj, f, idx, &c->w[m->val[e]]);
		}
	}
}

/* Callers in obj of this round's wrappers: directly, or by PLT/GOT. */
static int
round_callers(struct ctx *c, int obj, int round)
{
	struct amap direct = { 0 }, got = { 0 };
	const struct sobj *o = &c->o[obj];
	int r = 0;

	for (int i = 0; i < c->nw && r == 0; i++) {
		const struct wrapper *w = &c->w[i];
		const struct sobj *wo = &c->o[w->obj];

		if (w->round != round)
			continue;
		if (w->obj == obj) {
			r = amap_add(&direct, w->entry, i);
			continue;
		}
		for (int x = 0; x < wo->nexp && r == 0; x++) {
			if (wo->exp[x].addr != w->entry)
				continue;
			for (int m = 0; m < o->nimp && r == 0; m++) {
				if (strcmp(o->imp[m].name, wo->exp[x].name) != 0)
					continue;
				r = amap_add(&got, o->imp[m].got, i);
				if (r == 0 && o->imp[m].stub != 0)
					r = amap_add(&direct, o->imp[m].stub, i);
			}
		}
	}
	if (r == 0 && (direct.n > 0 || got.n > 0))
		calls_to(c, obj, &direct, &got);
	amap_free(&direct);
	amap_free(&got);
	return r;
}

/*
 * A wrapper no call was found to is called through a pointer (or not
 * at all): its numbers are not known.
 */
static void
uncalled_wrappers(struct ctx *c)
{
	for (int i = 0; i < c->nw; i++) {
		const struct wrapper *w = &c->w[i];

		if (w->calls > 0)
			continue;
		c->s->objs[w->obj].call_unresolved++;
		note_unknown(c, w->obj, w->entry, sobj_func(&c->o[w->obj], c->d,
		    w->entry), "a wrapper no direct call was found to");
	}
}

static void
resolve_wrappers(struct ctx *c)
{
	for (int round = 1; round <= MAX_ROUNDS; round++) {
		bool any = false;

		for (int i = 0; i < c->nw; i++)
			any |= c->w[i].round == round;
		if (!any)
			break;
		for (int obj = 0; obj < c->s->nobjs; obj++)
			if (c->s->objs[obj].error == NULL)
				round_callers(c, obj, round);
	}
	uncalled_wrappers(c);
}

static int
add_obj(struct ctx *c, const char *path, const char *name, const char *role,
    int loader)
{
	struct lx_scan *s = c->s;
	struct lx_scan_obj *so;
	char err[256];

	if (s->nobjs == MAX_OBJS)
		return -1;
	so = &s->objs[s->nobjs];
	memset(so, 0, sizeof(*so));
	so->path = strdup(path);
	so->name = strdup(name);
	so->role = role;
	c->loader[s->nobjs] = loader;
	if (sobj_open(&c->o[s->nobjs], path, err, sizeof(err)) < 0)
		so->error = strdup(err);
	else
		so->is_go = c->o[s->nobjs].is_go;
	return s->nobjs++;
}

static bool
loaded(const struct ctx *c, const char *name, const char *path)
{
	for (int i = 0; i < c->s->nobjs; i++) {
		const struct sobj *o = &c->o[i];

		if (strcmp(c->s->objs[i].path, path) == 0 ||
		    strcmp(c->s->objs[i].name, name) == 0 ||
		    (o->soname != NULL && strcmp(o->soname, name) == 0))
			return true;
	}
	return false;
}

static void
add_missing(struct lx_scan *s, const char *name)
{
	char **n;

	for (int i = 0; i < s->nmissing; i++)
		if (strcmp(s->missing[i], name) == 0)
			return;
	n = realloc(s->missing, (size_t)(s->nmissing + 1) * sizeof(*n));
	if (n == NULL)
		return;
	s->missing = n;
	s->missing[s->nmissing++] = strdup(name);
}

/* ld.so's breadth-first order: the program's needs, then theirs. */
static void
load_needed(struct ctx *c)
{
	for (int i = 0; i < c->s->nobjs; i++) {
		struct sobj *chain[MAX_OBJS];
		int nchain = 0;

		if (c->s->objs[i].error != NULL)
			continue;
		for (int j = i; j >= 0 && nchain < MAX_OBJS; j = c->loader[j])
			chain[nchain++] = &c->o[j];
		for (int k = 0; k < c->o[i].nneeded; k++) {
			const char *name = c->o[i].needed[k];
			char *path;

			if (loaded(c, name, name))
				continue;
			if ((path = deps_find(name, chain, nchain)) == NULL) {
				add_missing(c->s, name);
				continue;
			}
			if (!loaded(c, name, path))
				add_obj(c, path, name, "library", i);
			free(path);
		}
	}
}

/* "#!interp": the program that runs is the interpreter. */
static char *
script_interp(const char *path)
{
	char line[256], *p, *end;
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) == NULL || strncmp(line, "#!", 2)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	for (p = line + 2; *p == ' ' || *p == '\t'; p++)
		;
	for (end = p; *end && *end != ' ' && *end != '\t' && *end != '\n';
	    end++)
		;
	*end = '\0';
	return *p ? strdup(p) : NULL;
}

/*
 * Which code can run: Go programs and the interpreter count whole, a
 * dlopen'ed library with all its exports (dlsym may find any).
 */
static void
mark_reached(struct ctx *c)
{
	uint8_t how[MAX_OBJS];

	for (int i = 0; i < c->s->nobjs; i++) {
		const struct lx_scan_obj *so = &c->s->objs[i];

		how[i] = REACH_ROOTS;
		if (so->is_go || strcmp(so->role, "interpreter") == 0)
			how[i] = REACH_WHOLE;
		else if (strcmp(so->role, "dlopen") == 0)
			how[i] = REACH_EXPORTS;
	}
	if (reach_mark(c->o, c->s->nobjs, how) < 0)
		c->s->all_code = true;	/* out of memory: count everything */
}

int
lx_scan_run(const char *path, const struct lx_scan_opts *opts,
    struct lx_scan *s, char *err, size_t errlen)
{
	struct ctx c = { 0 };
	struct timespec t0, t1;
	char *interp = script_interp(path);
	const char *prog = interp != NULL ? interp : path;
	int r = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(s, 0, sizeof(*s));
	s->prog = strdup(path);
	s->all_code = opts->all_code;
	if (interp != NULL) {
		size_t n = strlen(interp) + 64;

		s->note = malloc(n);
		if (s->note != NULL)
			snprintf(s->note, n, "a script: its interpreter %s "
			    "was scanned", interp);
	}
	c.s = s;
	s->objs = calloc(MAX_OBJS, sizeof(*s->objs));
	c.o = calloc(MAX_OBJS, sizeof(*c.o));
	c.loader = calloc(MAX_OBJS, sizeof(*c.loader));
	c.d = decoder_new();
	if (s->objs == NULL || c.o == NULL || c.loader == NULL || c.d == NULL) {
		snprintf(err, errlen, "%s", lx_capstone() == NULL ?
		    lx_capstone_error() : "out of memory");
		goto out;
	}
	add_obj(&c, prog, prog, "program", -1);
	if (s->objs[0].error != NULL) {
		snprintf(err, errlen, "%s: %s", prog, s->objs[0].error);
		goto out;
	}
	if (c.o[0].interp != NULL)
		add_obj(&c, c.o[0].interp, c.o[0].interp, "interpreter", 0);
	/* dlopen'ed after start-up: its needs come after the program's */
	load_needed(&c);
	for (int i = 0; i < opts->ndlopen; i++)
		if (!loaded(&c, opts->dlopen[i], opts->dlopen[i]))
			add_obj(&c, opts->dlopen[i], opts->dlopen[i], "dlopen", 0);
	load_needed(&c);
	for (int i = 0; i < s->nobjs; i++)
		if (s->objs[i].error == NULL)
			sobj_plt(&c.o[i], c.d);
	if (!s->all_code)
		mark_reached(&c);
	for (int i = 0; i < s->nobjs; i++)
		if (s->objs[i].error == NULL)
			scan_sites(&c, i);
	resolve_wrappers(&c);
	r = 0;
out:
	for (int i = 0; i < s->nobjs; i++)
		sobj_close(&c.o[i]);
	free(c.o);
	free(c.loader);
	free(c.w);
	decoder_free(c.d);
	free(interp);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return r;
}

void
lx_scan_free(struct lx_scan *s)
{
	for (int i = 0; i < s->nobjs; i++) {
		free(s->objs[i].path);
		free(s->objs[i].name);
		free(s->objs[i].error);
	}
	free(s->objs);
	for (int i = 0; i < s->nmissing; i++)
		free(s->missing[i]);
	free(s->missing);
	for (int i = 0; i < s->nunknown; i++)
		free(s->unknown[i].func);
	free(s->unknown);
	free(s->prog);
	free(s->note);
	memset(s, 0, sizeof(*s));
}
