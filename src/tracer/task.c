/* SPDX-License-Identifier: BSD-2-Clause */
/* The traced threads, their thread groups and address spaces. */
#include <stdlib.h>
#include <unistd.h>

#include "tracer.h"
#include "loop.h"

#define TASK_BUCKETS 1024

static struct task *buckets[TASK_BUCKETS];
static int ntasks;

static struct task **
bucket(pid_t tid)
{
	return &buckets[(unsigned)tid % TASK_BUCKETS];
}

struct task *
task_find(pid_t tid)
{
	for (struct task *t = *bucket(tid); t != NULL; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct task *
task_new(pid_t tid, struct proc *proc, struct mm *mm)
{
	struct task *t = calloc(1, sizeof(*t));

	if (t == NULL)
		lx_die("out of memory");
	t->tid = tid;
	t->proc = proc;
	t->mm = mm;
	t->slot = -1;
	t->pidfd = -1;
	t->next = *bucket(tid);
	*bucket(tid) = t;
	ntasks++;
	return t;
}

static void
task_unhash(struct task *t)
{
	struct task **pp;

	for (pp = bucket(t->tid); *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
}

/* The thread is now known by another tid (a non-leader's execve). */
void
task_rekey(struct task *t, pid_t tid)
{
	task_unhash(t);
	/* its pidfd named the old tid, now gone */
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	t->tid = tid;
	t->next = *bucket(tid);
	*bucket(tid) = t;
}

void
task_free(struct task *t)
{
	task_unhash(t);
	scratch_release(t);
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->rec != NULL)
		lx_trace_rec_free(t->rec);
	if (t->call.park_state != NULL)
		free(t->call.park_state);
	proc_put(t->proc);
	mm_put(t->mm);
	loop_note_gone(t);
	ntasks--;
	free(t);
}

int
task_count(void)
{
	return ntasks;
}

void
task_foreach(void (*fn)(struct task *t, void *arg), void *arg)
{
	for (int i = 0; i < TASK_BUCKETS; i++) {
		struct task *t = buckets[i], *next;

		for (; t != NULL; t = next) {
			next = t->next;
			fn(t, arg);
		}
	}
}

struct proc *
proc_new(pid_t pid)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (p == NULL)
		lx_die("out of memory");
	p->refs = 1;
	p->pid = pid;
	p->pidfd = -1;
	p->memfd = -1;
	return p;
}

void
proc_put(struct proc *p)
{
	if (p == NULL || --p->refs > 0)
		return;
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->memfd >= 0)
		close(p->memfd);
	free(p->rules);
	free(p);
}

struct mm *
mm_new(void)
{
	struct mm *m = calloc(1, sizeof(*m));

	if (m == NULL)
		lx_die("out of memory");
	m->refs = 1;
	return m;
}

/* A forked child's copy of the address space: same scratch, all free. */
struct mm *
mm_copy(const struct mm *m)
{
	struct mm *c = mm_new();

	if (m->nrg > 0) {
		if ((c->rg = calloc((size_t)m->nrg, sizeof(*c->rg))) == NULL)
			lx_die("out of memory");
		for (int i = 0; i < m->nrg; i++)
			c->rg[i].base = m->rg[i].base;
		c->nrg = m->nrg;
	}
	return c;
}

void
mm_put(struct mm *m)
{
	if (m != NULL && --m->refs == 0) {
		free(m->rg);
		free(m);
	}
}
