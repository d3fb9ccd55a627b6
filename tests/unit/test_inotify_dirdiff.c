/* SPDX-License-Identifier: BSD-2-Clause */
/* Directory snapshots, their diff, rename pairing and event order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inotify/dirdiff.h"

struct ent {
	const char *name;
	uint64_t ino;
};

static void
listing(struct dd_snap *s, void *owner, const struct ent *e, int first,
    struct dd_change **list)
{
	dd_begin(s);
	for (; e->name != NULL; e++)
		assert_int_equal(dd_seen(s, owner, e->name, e->ino, 0, first,
		    list), 0);
	assert_int_equal(dd_end(s, owner, list), 0);
}

/* "D:name" "C:name" "F1:name" "T1:name" with the dir's letter. */
static void
render(struct dd_change **v, size_t n, char *out, size_t len,
    void *a, void *b)
{
	static const char *k[] = { "D", "C", "F", "T" };

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[64];

		if (v[i]->suppressed)
			continue;
		if (v[i]->pair >= 0)
			snprintf(one, sizeof(one), "%s%s%d:%s ",
			    v[i]->owner == a ? "a" : v[i]->owner == b ? "b" :
			    "?", k[v[i]->kind], v[i]->pair, v[i]->name);
		else
			snprintf(one, sizeof(one), "%s%s:%s ",
			    v[i]->owner == a ? "a" : v[i]->owner == b ? "b" :
			    "?", k[v[i]->kind], v[i]->name);
		strncat(out, one, len - strlen(out) - 1);
	}
}

static void
check(struct dd_snap *sa, const struct ent *na, struct dd_snap *sb,
    const struct ent *nb, const char *want)
{
	struct dd_change *list = NULL, **v;
	char got[512];
	int a, b;
	size_t n;

	listing(sa, &a, na, 0, &list);
	if (sb != NULL)
		listing(sb, &b, nb, 0, &list);
	v = dd_order(list, &n);
	render(v, n, got, sizeof(got), &a, &b);
	assert_string_equal(got, want);
	free(v);
	dd_free_changes(list);
}

static void
test_create_delete_by_inode(void **state)
{
	struct dd_snap s;
	struct dd_change *list = NULL;
	int a;
	const struct ent e0[] = { { "x", 10 }, { NULL, 0 } };
	const struct ent e1[] = { { "x", 10 }, { "c", 13 }, { "b", 12 },
		{ "a", 11 }, { NULL, 0 } };
	const struct ent e2[] = { { "c", 13 }, { NULL, 0 } };

	(void)state;
	dd_snap_init(&s);
	listing(&s, &a, e0, 1, &list);
	assert_null(list);		/* the first listing is the base */
	/* Creations and deletions come out in inode order. */
	dd_snap_fini(&s, NULL);
	dd_snap_init(&s);
	listing(&s, &a, e0, 1, &list);
	{
		struct dd_change *l2 = NULL, **v;
		char got[256];
		size_t n;

		listing(&s, &a, e1, 0, &l2);
		v = dd_order(l2, &n);
		render(v, n, got, sizeof(got), &a, NULL);
		assert_string_equal(got, "aC:a aC:b aC:c ");
		free(v);
		dd_free_changes(l2);
		l2 = NULL;
		listing(&s, &a, e2, 0, &l2);
		v = dd_order(l2, &n);
		render(v, n, got, sizeof(got), &a, NULL);
		assert_string_equal(got, "aD:x aD:a aD:b ");
		free(v);
		dd_free_changes(l2);
	}
	assert_non_null(dd_lookup(&s, "c"));
	assert_null(dd_lookup(&s, "x"));
	dd_snap_fini(&s, NULL);
}

static void
test_renames(void **state)
{
	struct dd_snap sa, sb;
	struct dd_change *none = NULL;
	int dummy;
	const struct ent a0[] = { { "a", 1 }, { "a.new", 2 }, { "y", 3 },
		{ "m", 4 }, { NULL, 0 } };
	/* mv a a.bak; mv a.new a: the rename freeing "a" goes first. */
	const struct ent a1[] = { { "a.bak", 1 }, { "a", 2 }, { "y", 3 },
		{ "m", 4 }, { NULL, 0 } };
	/* mv y a.bak: over an existing name, no IN_DELETE for it. */
	const struct ent a2[] = { { "a.bak", 3 }, { "a", 2 }, { "m", 4 },
		{ NULL, 0 } };
	/* mv m ../b/m2: across two watched directories, one pair. */
	const struct ent a3[] = { { "a.bak", 3 }, { "a", 2 }, { NULL, 0 } };
	const struct ent b0[] = { { "old", 9 }, { NULL, 0 } };
	const struct ent b3[] = { { "old", 9 }, { "m2", 4 }, { NULL, 0 } };
	/* rm a; touch a: same name, new inode. */
	const struct ent a4[] = { { "a.bak", 3 }, { "a", 20 }, { NULL, 0 } };

	(void)state;
	dd_snap_init(&sa);
	dd_snap_init(&sb);
	listing(&sa, &dummy, a0, 1, &none);
	check(&sa, a1, NULL, NULL, "aF0:a aT0:a.bak aF1:a.new aT1:a ");
	check(&sa, a2, NULL, NULL, "aF0:y aT0:a.bak ");
	listing(&sb, &dummy, b0, 1, &none);
	check(&sa, a3, &sb, b3, "aF0:m bT0:m2 ");
	check(&sa, a4, NULL, NULL, "aD:a aC:a ");
	dd_snap_fini(&sa, NULL);
	dd_snap_fini(&sb, NULL);
}

static void
test_swap_cycle_terminates(void **state)
{
	struct dd_snap s;
	struct dd_change *none = NULL;
	int dummy;
	const struct ent e0[] = { { "p", 1 }, { "q", 2 }, { NULL, 0 } };
	const struct ent e1[] = { { "p", 2 }, { "q", 1 }, { NULL, 0 } };

	(void)state;
	dd_snap_init(&s);
	listing(&s, &dummy, e0, 1, &none);
	/* RENAME_EXCHANGE: two pairs, in some order, both complete. */
	check(&s, e1, NULL, NULL, "aF1:q aT1:p aF0:p aT0:q ");
	dd_snap_fini(&s, NULL);
}

static int kids_freed;

static void
free_kid(void *k)
{
	(void)k;
	kids_freed++;
}

static void
test_kids_follow_entries(void **state)
{
	struct dd_snap s;
	struct dd_change *list = NULL, *c;
	int dummy, kid1, kid2;
	const struct ent e0[] = { { "a", 1 }, { "b", 2 }, { NULL, 0 } };
	const struct ent e1[] = { { "b", 2 }, { NULL, 0 } };

	(void)state;
	dd_snap_init(&s);
	listing(&s, &dummy, e0, 1, &list);
	dd_lookup(&s, "a")->kid = &kid1;
	dd_lookup(&s, "b")->kid = &kid2;
	listing(&s, &dummy, e1, 0, &list);
	/* The gone entry's state is handed back with its deletion. */
	for (c = list; c != NULL; c = c->next)
		if (c->kind == DD_DELETE)
			assert_ptr_equal(c->kid, &kid1);
	dd_free_changes(list);
	kids_freed = 0;
	dd_snap_fini(&s, free_kid);
	assert_int_equal(kids_freed, 1);
}

static void
test_big_directory(void **state)
{
	struct dd_snap s;
	struct dd_change *list = NULL, **v;
	char name[32];
	size_t n;
	int dummy;

	(void)state;
	dd_snap_init(&s);
	dd_begin(&s);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		dd_seen(&s, &dummy, name, (uint64_t)i + 100, 0, 1, &list);
	}
	dd_end(&s, &dummy, &list);
	assert_int_equal(s.n, 20000);
	/* Delete every other file: 10000 deletions in inode order. */
	dd_begin(&s);
	for (int i = 0; i < 20000; i += 2) {
		snprintf(name, sizeof(name), "f%d", i);
		dd_seen(&s, &dummy, name, (uint64_t)i + 100, 0, 0, &list);
	}
	dd_end(&s, &dummy, &list);
	v = dd_order(list, &n);
	assert_int_equal(n, 10000);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1]->ino < v[i]->ino);
	free(v);
	dd_free_changes(list);
	dd_snap_fini(&s, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_delete_by_inode),
		cmocka_unit_test(test_renames),
		cmocka_unit_test(test_swap_cycle_terminates),
		cmocka_unit_test(test_kids_follow_entries),
		cmocka_unit_test(test_big_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
