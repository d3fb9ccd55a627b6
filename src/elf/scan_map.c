/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small open-addressing map from addresses to chains of ints, for the
 * scanner's lookups by address (wrapper entries, PLT stubs, GOT slots).
 */
#include <stdlib.h>
#include <string.h>

#include "elf/scan_int.h"

void
amap_free(struct amap *m)
{
	free(m->key);
	free(m->head);
	free(m->next);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static size_t
amap_slot(const struct amap *m, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & (m->cap - 1);

	while (m->head[i] >= 0 && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int
amap_add(struct amap *m, uint64_t k, int v)
{
	size_t i;

	if (m->cap == 0 || (size_t)(m->n + 1) * 2 > m->cap) {
		struct amap g = { 0 };

		g.cap = m->cap ? 2 * m->cap : 64;
		g.key = calloc(g.cap, sizeof(*g.key));
		g.head = malloc(g.cap * sizeof(*g.head));
		if (g.key == NULL || g.head == NULL) {
			amap_free(&g);
			return -1;
		}
		memset(g.head, 0xff, g.cap * sizeof(*g.head));
		for (size_t j = 0; j < m->cap; j++)
			if (m->head[j] >= 0) {
				size_t s = amap_slot(&g, m->key[j]);

				g.key[s] = m->key[j];
				g.head[s] = m->head[j];
			}
		free(m->key);
		free(m->head);
		m->key = g.key;
		m->head = g.head;
		m->cap = g.cap;
	}
	if (m->n == m->cn) {
		int c = m->cn ? 2 * m->cn : 64;
		int *nx = realloc(m->next, (size_t)c * sizeof(int));
		int *vl = nx != NULL ? realloc(m->val, (size_t)c * sizeof(int)) :
		    NULL;

		if (nx != NULL)
			m->next = nx;
		if (vl == NULL)
			return -1;
		m->val = vl;
		m->cn = c;
	}
	i = amap_slot(m, k);
	m->key[i] = k;
	m->val[m->n] = v;
	m->next[m->n] = m->head[i];	/* -1 when the slot was empty */
	m->head[i] = m->n++;
	return 0;
}

/* First entry for k (follow m->next), or -1. */
int
amap_get(const struct amap *m, uint64_t k)
{
	return m->cap ? m->head[amap_slot(m, k)] : -1;
}
