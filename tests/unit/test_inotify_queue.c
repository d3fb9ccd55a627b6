/* SPDX-License-Identifier: BSD-2-Clause */
/* The inotify event queue: coalescing, overflow, packing and padding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "inotify/queue.h"
#include "lxrun/linux_abi.h"

static struct lx_inotify_event
header_at(const char *buf, size_t off)
{
	struct lx_inotify_event h;

	memcpy(&h, buf + off, sizeof(h));
	return h;
}

static void
test_coalesce_with_tail_only(void **state)
{
	struct inq q;

	(void)state;
	inq_init(&q, 100);
	assert_int_equal(inq_push(&q, 1, LX_IN_MODIFY, 0, "a"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_MODIFY, 0, "a"), INQ_MERGED);
	/* Another name, wd, mask or cookie is another event. */
	assert_int_equal(inq_push(&q, 1, LX_IN_MODIFY, 0, "b"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_MODIFY, 0, "a"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_MODIFY, 0, "a"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_ATTRIB, 0, "a"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_ATTRIB, 0, NULL), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_ATTRIB, 0, NULL), INQ_MERGED);
	assert_int_equal(inq_push(&q, 2, LX_IN_MOVED_FROM, 7, "x"),
	    INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_MOVED_FROM, 8, "x"),
	    INQ_QUEUED);
	/* Never into an IN_IGNORED. */
	assert_int_equal(inq_push(&q, 2, LX_IN_IGNORED, 0, NULL), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 2, LX_IN_IGNORED, 0, NULL), INQ_QUEUED);
	assert_int_equal(q.count, 10);
	/* Once read, the same event is queued again. */
	inq_pop(&q, q.count);
	assert_int_equal(inq_push(&q, 2, LX_IN_IGNORED, 0, NULL), INQ_QUEUED);
	assert_int_equal(q.count, 1);
	inq_fini(&q);
}

static void
test_overflow_once(void **state)
{
	struct inq q;
	char buf[64];
	size_t nev;

	(void)state;
	inq_init(&q, 3);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "a"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "b"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "c"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "d"), INQ_OVERFLOW);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "e"), INQ_DROPPED);
	assert_int_equal(inq_push(&q, 1, LX_IN_IGNORED, 0, NULL), INQ_DROPPED);
	assert_int_equal(q.count, 4);
	assert_int_equal(q.bytes, 3 * 32 + 16);
	inq_pop(&q, 3);
	assert_int_equal(inq_pack(&q, buf, sizeof(buf), &nev), 16);
	assert_int_equal(nev, 1);
	assert_int_equal(header_at(buf, 0).wd, -1);
	assert_int_equal(header_at(buf, 0).mask, LX_IN_Q_OVERFLOW);
	assert_int_equal(header_at(buf, 0).len, 0);
	/* The overflow event is still unread: no second one. */
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "f"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "g"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "h"), INQ_DROPPED);
	inq_pop(&q, 1);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "h"), INQ_QUEUED);
	assert_int_equal(inq_push(&q, 1, LX_IN_CREATE, 0, "i"), INQ_OVERFLOW);
	inq_fini(&q);
}

static void
test_padding(void **state)
{
	static const struct { const char *name; uint32_t len; } cases[] = {
		{ NULL, 0 }, { "a", 16 }, { "fifteen-chars-x", 16 },
		{ "sixteen-chars-xy", 32 }, { "thirty-one-characters-long-name",
		32 }, { "thirty-two-characters-long-name!", 48 },
	};
	char buf[128];
	struct inq q;
	size_t nev;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lx_inotify_event h;

		inq_init(&q, 10);
		inq_push(&q, 5, LX_IN_CREATE, 9, cases[i].name);
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(inq_pack(&q, buf, sizeof(buf), &nev),
		    16 + cases[i].len);
		h = header_at(buf, 0);
		assert_int_equal(h.wd, 5);
		assert_int_equal(h.cookie, 9);
		assert_int_equal(h.len, cases[i].len);
		if (cases[i].name != NULL) {
			assert_string_equal(buf + 16, cases[i].name);
			/* NUL padding up to len. */
			for (size_t k = strlen(cases[i].name); k < h.len; k++)
				assert_int_equal(buf[16 + k], 0);
		}
		inq_fini(&q);
	}
}

static void
test_whole_events_and_too_small(void **state)
{
	char buf[256];
	struct inq q;
	size_t nev;

	(void)state;
	inq_init(&q, 10);
	assert_int_equal(inq_pack(&q, buf, sizeof(buf), &nev), 0);
	inq_push(&q, 1, LX_IN_CREATE, 0, "abc");	/* 32 */
	inq_push(&q, 1, LX_IN_DELETE, 0, NULL);		/* 16 */
	inq_push(&q, 1, LX_IN_CREATE, 0, "sixteen-chars-xy");	/* 48 */
	assert_int_equal(q.bytes, 96);
	/* The first event does not fit: EINVAL, nothing taken. */
	assert_int_equal(inq_pack(&q, buf, 31, &nev), -1);
	assert_int_equal(inq_pack(&q, buf, 0, &nev), -1);
	assert_int_equal(q.count, 3);
	/* As many whole events as fit. */
	assert_int_equal(inq_pack(&q, buf, 95, &nev), 48);
	assert_int_equal(nev, 2);
	inq_pop(&q, nev);
	assert_int_equal(q.bytes, 48);
	assert_int_equal(inq_pack(&q, buf, 47, &nev), -1);
	assert_int_equal(inq_pack(&q, buf, 48, &nev), 48);
	inq_pop(&q, nev);
	assert_int_equal(q.count, 0);
	assert_int_equal(q.bytes, 0);
	inq_fini(&q);
}

static void
test_sent_prefix(void **state)
{
	struct inq q;

	(void)state;
	inq_init(&q, 10);
	inq_push(&q, 1, LX_IN_CREATE, 0, "a");
	inq_push(&q, 1, LX_IN_CREATE, 0, "b");
	assert_ptr_equal(q.unsent, q.head);
	inq_mark_sent(&q);
	assert_int_equal(q.nsent, 1);
	assert_string_equal(q.unsent->name, "b");
	/* Reading past what was sent moves the unsent cursor along. */
	inq_push(&q, 1, LX_IN_CREATE, 0, "c");
	inq_pop(&q, 2);
	assert_int_equal(q.nsent, 0);
	assert_string_equal(q.unsent->name, "c");
	inq_pop(&q, 1);
	assert_null(q.unsent);
	inq_push(&q, 1, LX_IN_CREATE, 0, "d");
	assert_ptr_equal(q.unsent, q.head);
	inq_fini(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coalesce_with_tail_only),
		cmocka_unit_test(test_overflow_once),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_whole_events_and_too_small),
		cmocka_unit_test(test_sent_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
