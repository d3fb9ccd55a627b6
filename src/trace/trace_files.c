/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where trace lines go: the -o file (or stderr), or, with -ff and -o
 * FILE, one file per traced thread, FILE.TID, as strace's
 * --output-separately does (strace keeps one per task, so a thread has
 * its own file too).  A file is opened at the thread's first line and
 * closed after its exit line; lxrun's own fd limit is its hard limit, so
 * a server with many threads has room.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/trace.h"

struct tfile {
	int tid;		/* 0: free slot; -1: a removed one */
	FILE *f;
};

/* Open addressing keyed by tid, rebuilt when half the slots are taken. */
static struct tfile *files;
static size_t nslots, nused, nremoved;
static bool open_warned;

/*
 * The tids that have had a file in this run: a tid the kernel hands out
 * again (pid numbers wrap on a long run) appends to its file instead of
 * truncating the earlier task's lines.
 */
static unsigned char *had_file;
static size_t had_file_bytes;

static bool
tid_had_file(int tid)
{
	size_t byte = (size_t)tid / 8;

	return byte < had_file_bytes && (had_file[byte] >> (tid % 8) & 1);
}

static void
tid_mark_file(int tid)
{
	size_t byte = (size_t)tid / 8;

	if (byte >= had_file_bytes) {
		size_t n = had_file_bytes ? had_file_bytes : 4096;
		unsigned char *b;

		while (n <= byte)
			n *= 2;
		if ((b = realloc(had_file, n)) == NULL)
			return;	/* a later reuse truncates: no worse */
		memset(b + had_file_bytes, 0, n - had_file_bytes);
		had_file = b;
		had_file_bytes = n;
	}
	had_file[byte] |= (unsigned char)(1u << (tid % 8));
}

static size_t
slot_of(int tid, size_t n)
{
	return ((unsigned)tid * 2654435761u) & (n - 1);
}

static struct tfile *
find(int tid)
{
	if (nslots == 0)
		return NULL;
	for (size_t i = slot_of(tid, nslots), k = 0; k < nslots;
	    i = (i + 1) & (nslots - 1), k++) {
		if (files[i].tid == tid)
			return &files[i];
		if (files[i].tid == 0)
			return NULL;
	}
	return NULL;
}

static void
insert(struct tfile *tab, size_t n, int tid, FILE *f)
{
	size_t i = slot_of(tid, n);

	while (tab[i].tid > 0)
		i = (i + 1) & (n - 1);
	tab[i].tid = tid;
	tab[i].f = f;
}

/* A table for the live files, without the removed slots. */
static bool
rebuild(void)
{
	size_t n = 64;
	struct tfile *tab;

	while (n < (nused + 1) * 4)
		n *= 2;
	if ((tab = calloc(n, sizeof(*tab))) == NULL)
		return false;
	for (size_t i = 0; i < nslots; i++)
		if (files[i].tid > 0)
			insert(tab, n, files[i].tid, files[i].f);
	free(files);
	files = tab;
	nslots = n;
	nremoved = 0;
	return true;
}

static FILE *
open_for(int tid)
{
	char path[4096];
	FILE *f;

	if ((nused + nremoved + 1) * 2 > nslots && !rebuild())
		return NULL;
	snprintf(path, sizeof(path), "%s.%d", lx_opt.out_base, tid);
	if ((f = fopen(path, tid_had_file(tid) ? "ae" : "we")) == NULL) {
		/* say so once; the lines still go somewhere: stderr */
		if (!open_warned)
			fprintf(stderr, "lxrun: cannot open %s: %s (the "
			    "trace lines of such threads go to stderr)\n",
			    path, strerror(errno));
		open_warned = true;
		return NULL;
	}
	insert(files, nslots, tid, f);
	nused++;
	tid_mark_file(tid);
	return f;
}

FILE *
lx_trace_stream(int tid)
{
	struct tfile *t;
	FILE *f;

	if (!lx_opt.out_separately || tid <= 0)
		return lx_opt.out != NULL ? lx_opt.out : stderr;
	if ((t = find(tid)) != NULL)
		return t->f;
	f = open_for(tid);
	return f != NULL ? f : stderr;
}

void
lx_trace_stream_done(int tid)
{
	struct tfile *t;

	if (!lx_opt.out_separately) {
		fflush(lx_trace_stream(tid));
		return;
	}
	if ((t = find(tid)) == NULL)
		return;
	fclose(t->f);
	t->f = NULL;
	t->tid = -1;	/* keeps probe chains intact */
	nused--;
	nremoved++;
}

void
lx_trace_streams_close(void)
{
	for (size_t i = 0; i < nslots; i++)
		if (files[i].tid > 0)
			fclose(files[i].f);
	free(files);
	files = NULL;
	nslots = nused = nremoved = 0;
	free(had_file);
	had_file = NULL;
	had_file_bytes = 0;
}
