/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Directory snapshots and the ordering of their changes (see dirdiff.h).
 * The snapshot is a chained hash of names with a generation mark, so a
 * diff costs one pass over the new listing and one sweep, whatever the
 * size of the directory (20,000 entries are common in build trees).
 */
#include <stdlib.h>
#include <string.h>

#include "inotify/dirdiff.h"

static uint64_t
name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

void
dd_snap_init(struct dd_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->gen = 1;
}

void
dd_snap_fini(struct dd_snap *s, void (*free_kid)(void *))
{
	struct dd_entry *e, *next;

	for (size_t i = 0; i < s->nbuck; i++)
		for (e = s->tab[i]; e != NULL; e = next) {
			next = e->hnext;
			if (free_kid != NULL && e->kid != NULL)
				free_kid(e->kid);
			free(e);
		}
	free(s->tab);
	memset(s, 0, sizeof(*s));
}

struct dd_entry *
dd_lookup(const struct dd_snap *s, const char *name)
{
	struct dd_entry *e;

	if (s->nbuck == 0)
		return NULL;
	for (e = s->tab[name_hash(name) % s->nbuck]; e != NULL; e = e->hnext)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static int
grow(struct dd_snap *s)
{
	size_t nb = s->nbuck ? s->nbuck * 4 : 64;
	struct dd_entry **t = calloc(nb, sizeof(*t)), *e, *next;

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < s->nbuck; i++)
		for (e = s->tab[i]; e != NULL; e = next) {
			size_t h = name_hash(e->name) % nb;

			next = e->hnext;
			e->hnext = t[h];
			t[h] = e;
		}
	free(s->tab);
	s->tab = t;
	s->nbuck = nb;
	return 0;
}

static struct dd_entry *
insert(struct dd_snap *s, const char *name, uint64_t ino, int isdir)
{
	size_t len = strlen(name), h;
	struct dd_entry *e;

	if (s->n >= s->nbuck * 2 && grow(s) < 0)
		return NULL;
	if ((e = calloc(1, sizeof(*e) + len + 1)) == NULL)
		return NULL;
	memcpy(e->name, name, len + 1);
	e->ino = ino;
	e->isdir = (uint8_t)(isdir != 0);
	e->gen = s->gen;
	h = name_hash(name) % s->nbuck;
	e->hnext = s->tab[h];
	s->tab[h] = e;
	s->n++;
	return e;
}

static struct dd_change *
change(struct dd_change **list, enum dd_kind kind, void *owner,
    const char *name, uint64_t ino, int isdir)
{
	size_t len = strlen(name);
	struct dd_change *c = calloc(1, sizeof(*c) + len + 1);

	if (c == NULL)
		return NULL;
	c->kind = kind;
	c->owner = owner;
	c->ino = ino;
	c->isdir = (uint8_t)(isdir != 0);
	c->pair = -1;
	memcpy(c->name, name, len + 1);
	c->next = *list;
	*list = c;
	return c;
}

void
dd_begin(struct dd_snap *s)
{
	s->gen++;
}

int
dd_seen(struct dd_snap *s, void *owner, const char *name, uint64_t ino,
    int isdir, int first, struct dd_change **list)
{
	struct dd_entry *e = dd_lookup(s, name);
	struct dd_change *c;

	if (e != NULL && e->ino == ino) {
		e->gen = s->gen;
		e->isdir = (uint8_t)(isdir != 0);
		return 0;
	}
	if (e != NULL) {
		/* Same name, another inode: the old one went, a new came. */
		if (!first) {
			if ((c = change(list, DD_DELETE, owner, name, e->ino,
			    e->isdir)) == NULL)
				return -1;
			c->kid = e->kid;
			e->kid = NULL;
		}
		e->ino = ino;
		e->isdir = (uint8_t)(isdir != 0);
		e->gen = s->gen;
	} else if ((e = insert(s, name, ino, isdir)) == NULL) {
		return -1;
	}
	if (!first) {
		if ((c = change(list, DD_CREATE, owner, name, ino, isdir)) ==
		    NULL)
			return -1;
		c->ent = e;
	}
	return 0;
}

int
dd_end(struct dd_snap *s, void *owner, struct dd_change **list)
{
	struct dd_entry **pp, *e;
	struct dd_change *c;
	int r = 0;

	for (size_t i = 0; i < s->nbuck; i++)
		for (pp = &s->tab[i]; (e = *pp) != NULL;) {
			if (e->gen == s->gen) {
				pp = &e->hnext;
				continue;
			}
			/*
			 * The change takes a copy of the name and the kid:
			 * the entry can go now, the caller's events about
			 * it never point into it.  Out of memory the entry
			 * stays (with its kid, which the caller's host
			 * queue still refers to) and goes at a later diff.
			 */
			c = change(list, DD_DELETE, owner, e->name, e->ino,
			    e->isdir);
			if (c == NULL) {
				r = -1;
				pp = &e->hnext;
				continue;
			}
			c->kid = e->kid;
			*pp = e->hnext;
			s->n--;
			free(e);
		}
	return r;
}

struct dd_entry *
dd_set(struct dd_snap *s, const char *name, uint64_t ino, int isdir,
    void **oldkid, int *already)
{
	struct dd_entry *e = dd_lookup(s, name);

	*oldkid = NULL;
	*already = 0;
	if (e != NULL) {
		if (e->ino == ino) {
			*already = 1;
			e->isdir = (uint8_t)(isdir != 0);
			return e;
		}
		*oldkid = e->kid;
		e->kid = NULL;
		e->ino = ino;
		e->isdir = (uint8_t)(isdir != 0);
		return e;
	}
	return insert(s, name, ino, isdir);
}

int
dd_remove(struct dd_snap *s, const char *name, uint64_t *ino, void **kid)
{
	struct dd_entry **pp, *e;

	*kid = NULL;
	if (s->nbuck == 0)
		return -1;
	for (pp = &s->tab[name_hash(name) % s->nbuck]; (e = *pp) != NULL;
	    pp = &e->hnext)
		if (strcmp(e->name, name) == 0) {
			*pp = e->hnext;
			*ino = e->ino;
			*kid = e->kid;
			s->n--;
			free(e);
			return 0;
		}
	return -1;
}

/* --- ordering ----------------------------------------------------------- */

static int
by_ino(const void *a, const void *b)
{
	const struct dd_change *x = *(struct dd_change *const *)a;
	const struct dd_change *y = *(struct dd_change *const *)b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
by_place(const void *a, const void *b)
{
	const struct dd_change *x = *(struct dd_change *const *)a;
	const struct dd_change *y = *(struct dd_change *const *)b;

	if (x->owner != y->owner)
		return (uintptr_t)x->owner < (uintptr_t)y->owner ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The change in v (sorted by place) at owner/name, or NULL. */
static struct dd_change *
find_place(struct dd_change **v, size_t n, void *owner, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = owner != v[mid]->owner ?
		    ((uintptr_t)owner < (uintptr_t)v[mid]->owner ? -1 : 1) :
		    strcmp(name, v[mid]->name);

		if (d == 0)
			return v[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct order {
	struct dd_change **out;
	size_t nout;
	struct dd_change **from;	/* MOVED_FROMs (sorted by place) */
	struct dd_change **to;		/* their MOVED_TOs, by pair */
	struct dd_change **fromsorted;
	size_t npairs;
	unsigned char *state;		/* per pair: 0 new, 1 busy, 2 out */
};

static void
emit_pair(struct order *o, int p, int depth)
{
	struct dd_change *blocker;

	if (o->state[p] != 0)
		return;
	o->state[p] = 1;
	/* A rename away from our target name goes first. */
	blocker = find_place(o->fromsorted, o->npairs, o->to[p]->owner,
	    o->to[p]->name);
	if (blocker != NULL && depth < 1000)
		emit_pair(o, blocker->pair, depth + 1);
	o->out[o->nout++] = o->from[p];
	o->out[o->nout++] = o->to[p];
	o->state[p] = 2;
}

/* Pair each deletion with an unpaired creation of the same inode. */
static size_t
pair_up(struct dd_change **dels, size_t nd, struct dd_change **adds,
    size_t na, struct order *o)
{
	size_t np = 0;

	for (size_t i = 0; i < nd; i++) {
		size_t lo = 0, hi = na;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (adds[mid]->ino < dels[i]->ino)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < na && adds[lo]->ino == dels[i]->ino; lo++)
			if (adds[lo]->pair < 0)
				break;
		if (lo == na || adds[lo]->ino != dels[i]->ino)
			continue;
		dels[i]->kind = DD_MOVED_FROM;
		adds[lo]->kind = DD_MOVED_TO;
		dels[i]->pair = adds[lo]->pair = (int)np;
		o->from[np] = dels[i];
		o->to[np] = adds[lo];
		np++;
	}
	return np;
}

struct dd_change **
dd_order(struct dd_change *list, size_t *n)
{
	struct dd_change **dels, **adds, **targets, *c;
	struct order o;
	size_t nd = 0, na = 0, total = 0;

	*n = 0;
	for (c = list; c != NULL; c = c->next)
		total++;
	if (total == 0)
		return NULL;
	memset(&o, 0, sizeof(o));
	dels = calloc(total, sizeof(*dels));
	adds = calloc(total, sizeof(*adds));
	targets = calloc(total, sizeof(*targets));
	o.out = calloc(total, sizeof(*o.out));
	o.from = calloc(total, sizeof(*o.from));
	o.to = calloc(total, sizeof(*o.to));
	o.fromsorted = calloc(total, sizeof(*o.fromsorted));
	o.state = calloc(total, 1);
	if (dels == NULL || adds == NULL || targets == NULL || o.out == NULL ||
	    o.from == NULL || o.to == NULL || o.fromsorted == NULL ||
	    o.state == NULL)
		goto out;
	for (c = list; c != NULL; c = c->next) {
		c->pair = -1;
		c->suppressed = 0;
		if (c->kind == DD_DELETE || c->kind == DD_MOVED_FROM) {
			c->kind = DD_DELETE;
			dels[nd++] = c;
		} else {
			c->kind = DD_CREATE;
			adds[na++] = c;
		}
	}
	qsort(dels, nd, sizeof(*dels), by_ino);
	qsort(adds, na, sizeof(*adds), by_ino);
	o.npairs = pair_up(dels, nd, adds, na, &o);

	/* A deletion of a name that a rename took: Linux says nothing. */
	memcpy(targets, o.to, o.npairs * sizeof(*targets));
	qsort(targets, o.npairs, sizeof(*targets), by_place);
	for (size_t i = 0; i < nd; i++)
		if (dels[i]->pair < 0 && find_place(targets, o.npairs,
		    dels[i]->owner, dels[i]->name) != NULL)
			dels[i]->suppressed = 1;

	for (size_t i = 0; i < nd; i++)
		if (dels[i]->pair < 0)
			o.out[o.nout++] = dels[i];
	memcpy(o.fromsorted, o.from, o.npairs * sizeof(*o.fromsorted));
	qsort(o.fromsorted, o.npairs, sizeof(*o.fromsorted), by_place);
	for (size_t p = 0; p < o.npairs; p++)
		emit_pair(&o, (int)p, 0);
	for (size_t i = 0; i < na; i++)
		if (adds[i]->pair < 0)
			o.out[o.nout++] = adds[i];
	*n = o.nout;
out:
	free(dels);
	free(adds);
	free(targets);
	free(o.from);
	free(o.to);
	free(o.fromsorted);
	free(o.state);
	if (*n == 0) {
		free(o.out);
		return NULL;
	}
	return o.out;
}

void
dd_free_changes(struct dd_change *list)
{
	struct dd_change *next;

	for (; list != NULL; list = next) {
		next = list->next;
		free(list);
	}
}
