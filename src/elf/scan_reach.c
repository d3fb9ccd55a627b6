/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which functions can run at all?  libc holds a site for nearly every
 * syscall; a program that never calls mount() cannot make one.  From the
 * roots (the program's entry point, every function whose address is put
 * in data by a relocation: initialisers, vtables, callbacks, ifunc
 * resolvers) the code of each reached function is swept for what it can
 * get to: direct calls and jumps (rel32), rip-relative lea (a function
 * pointer taken in code), and calls or loads through the PLT and the GOT,
 * which lead to the function of that name in whichever object exports
 * it.  A byte sequence that only looks like a call adds an edge too:
 * the sweep can only over-approximate, never lose a path the code has.
 *
 * What it cannot see: a function pointer computed by arithmetic, or a
 * symbol looked up with dlsym (a library given as dlopen'ed has all its
 * exports for roots).  Go programs and the interpreter are taken whole
 * (Go's linker already dropped unreachable code).
 */
#include <stdlib.h>
#include <string.h>

#include "elf/scan_int.h"

struct reach {
	struct sobj *o;
	int n;
	struct amap *stubs;	/* per object: PLT stub -> import */
	struct amap *slots;	/* per object: GOT slot -> import */
	struct work {
		int obj;
		size_t fi;
	} *q;
	size_t nq, cq;
};

/*
 * The function that holds addr, not only one starting there: glibc's
 * signal restorer is pointed at past its unwind entry's start, and code
 * may jump into another function's tail.
 */
static long
func_at(const struct sobj *o, uint64_t addr)
{
	return sobj_func_index(o, addr);
}

static int
push(struct reach *r, int obj, long fi)
{
	struct func *f;

	if (fi < 0 || (f = &r->o[obj].func[fi])->reached)
		return 0;
	f->reached = true;
	if (r->nq == r->cq) {
		size_t cap = r->cq ? 2 * r->cq : 1024;
		struct work *n = realloc(r->q, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		r->q = n;
		r->cq = cap;
	}
	r->q[r->nq].obj = obj;
	r->q[r->nq].fi = (size_t)fi;
	r->nq++;
	return 0;
}

/* Every object's function of that name (ld.so binds the first; any). */
static int
push_name(struct reach *r, const char *name)
{
	for (int k = 0; k < r->n; k++) {
		const struct sobj *o = &r->o[k];
		int lo = 0, hi = o->nexp;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (strcmp(o->exp[mid].name, name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < o->nexp && strcmp(o->exp[lo].name, name) == 0; lo++)
			if (push(r, k, func_at(o, o->exp[lo].addr)) < 0)
				return -1;
	}
	return 0;
}

static int
to_code(struct reach *r, int obj, uint64_t t)
{
	int e;

	if ((e = amap_get(&r->stubs[obj], t)) >= 0)
		return push_name(r, r->o[obj].imp[r->stubs[obj].val[e]].name);
	return push(r, obj, func_at(&r->o[obj], t));
}

static int
to_slot(struct reach *r, int obj, uint64_t slot)
{
	int e = amap_get(&r->slots[obj], slot);

	return e >= 0 ? push_name(r, r->o[obj].imp[r->slots[obj].val[e]].name) :
	    0;
}

static int32_t
rel32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * Position-dependent code takes a function's address as an immediate
 * (mov $main, %rdi): any 4 bytes that are a function's start count.
 */
static int
absolute(struct reach *r, int obj, const uint8_t *p)
{
	const struct sobj *o = &r->o[obj];
	uint32_t v;

	memcpy(&v, p, 4);
	if (o->nfunc == 0 || v < o->func[0].start ||
	    v >= o->func[o->nfunc - 1].end)
		return 0;
	return push(r, obj, func_at(o, v));
}

/* What the bytes of one function can get to. */
static int
sweep(struct reach *r, int obj, const struct func *f)
{
	size_t len = (size_t)(f->end - f->start), n;
	const uint8_t *c = sobj_code(&r->o[obj], f->start, &n);
	bool fixed = r->o[obj].fixed;
	int rc = 0;

	if (c == NULL || n < len)
		return 0;
	for (size_t i = 0; i < len && rc == 0; i++) {
		const uint8_t *p = c + i;
		uint64_t at = f->start + i;

		if (fixed && i + 4 <= len && (rc = absolute(r, obj, p)) < 0)
			break;

		if ((p[0] == 0xe8 || p[0] == 0xe9) && i + 5 <= len)
			rc = to_code(r, obj, at + 5 + (uint64_t)(int64_t)rel32(p + 1));
		else if (p[0] == 0x0f && (p[1] & 0xf0) == 0x80 && i + 6 <= len)
			rc = to_code(r, obj, at + 6 + (uint64_t)(int64_t)rel32(p + 2));
		else if (p[0] == 0xff && (p[1] == 0x15 || p[1] == 0x25) &&
		    i + 6 <= len)
			rc = to_slot(r, obj, at + 6 + (uint64_t)(int64_t)rel32(p + 2));
		else if ((p[0] & 0xf8) == 0x48 && i + 7 <= len &&
		    (p[1] == 0x8d || p[1] == 0x8b) && (p[2] & 0xc7) == 0x05) {
			uint64_t t = at + 7 + (uint64_t)(int64_t)rel32(p + 3);

			/* lea: a pointer to code; mov: one loaded from the GOT */
			rc = p[1] == 0x8d ? to_code(r, obj, t) : to_slot(r, obj, t);
		}
	}
	return rc;
}

static int
index_imports(struct reach *r, int obj)
{
	const struct sobj *o = &r->o[obj];

	for (int i = 0; i < o->nimp; i++) {
		if (amap_add(&r->slots[obj], o->imp[i].got, i) < 0)
			return -1;
		if (o->imp[i].stub != 0 &&
		    amap_add(&r->stubs[obj], o->imp[i].stub, i) < 0)
			return -1;
	}
	return 0;
}

static int
roots(struct reach *r, int obj, enum reach_how how)
{
	const struct sobj *o = &r->o[obj];
	bool any_entry = false;

	for (size_t i = 0; i < o->nfunc; i++)
		any_entry |= o->func[i].entry;
	/* no function table: nothing to prune by */
	if (how == REACH_WHOLE || !any_entry) {
		for (size_t i = 0; i < o->nfunc; i++)
			if (push(r, obj, (long)i) < 0)
				return -1;
		return 0;
	}
	if (o->entry != 0 && push(r, obj, func_at(o, o->entry)) < 0)
		return -1;
	for (int i = 0; i < o->nroots; i++)
		if (push(r, obj, func_at(o, o->roots[i])) < 0)
			return -1;
	for (int i = 0; i < o->nroot_names; i++)
		if (push_name(r, o->root_names[i]) < 0)
			return -1;
	for (int i = 0; how == REACH_EXPORTS && i < o->nexp; i++)
		if (push(r, obj, func_at(o, o->exp[i].addr)) < 0)
			return -1;
	return 0;
}

int
reach_mark(struct sobj *o, int n, const uint8_t *how)
{
	struct reach r = { 0 };
	int rc = -1;

	r.o = o;
	r.n = n;
	r.stubs = calloc((size_t)n + 1, sizeof(*r.stubs));
	r.slots = calloc((size_t)n + 1, sizeof(*r.slots));
	if (r.stubs == NULL || r.slots == NULL)
		goto out;
	for (int k = 0; k < n; k++)
		if (index_imports(&r, k) < 0)
			goto out;
	for (int k = 0; k < n; k++)
		if (roots(&r, k, (enum reach_how)how[k]) < 0)
			goto out;
	while (r.nq > 0) {
		struct work w = r.q[--r.nq];

		if (sweep(&r, w.obj, &o[w.obj].func[w.fi]) < 0)
			goto out;
	}
	rc = 0;
out:
	for (int k = 0; r.stubs != NULL && r.slots != NULL && k < n; k++) {
		amap_free(&r.stubs[k]);
		amap_free(&r.slots[k]);
	}
	free(r.stubs);
	free(r.slots);
	free(r.q);
	return rc;
}
