/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The epoll instance logic (src/epoll/epoll_inst.c) over the real host
 * queue and real pipes: ready list, OR-ed bits, ET, ONESHOT, round robin,
 * the marker byte, nesting limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "epoll/epoll_int.h"

struct fix {
	struct ep_inst *ep;
	int marker;		/* read end of the marker pipe (the "guest" fd) */
};

static int
setup(void **state)
{
	static struct fix f;
	int p[2];

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	f.marker = p[0];
	f.ep = ep_inst_new(p[1]);
	assert_non_null(f.ep);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	ep_inst_free(f->ep);
	ep_inst_reap();
	close(f->marker);
	return 0;
}

static bool
marker_set(const struct fix *f)
{
	struct pollfd p = { f->marker, POLLIN, 0 };

	return poll(&p, 1, 0) == 1;
}

/* Register a fresh pipe's read end; its write end is returned. */
static int
add_pipe(struct ep_inst *ep, int fd, uint32_t events, uint64_t data,
    struct ep_item **itp)
{
	int p[2], err = 0;
	struct ep_item *it;

	assert_int_equal(pipe(p), 0);
	it = ep_insert(ep, fd, p[0], events, data, NULL, &err);
	assert_non_null(it);
	if (itp != NULL)
		*itp = it;
	return p[1];
}

static int
harvest(struct ep_inst *ep, struct lx_epoll_event *out, int max)
{
	struct ep_item *its[16];

	ep_harvest_begin(ep);
	return ep_harvest(ep, out, its, max);
}

static void
test_level_and_marker(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	int w = add_pipe(f->ep, 10, LX_EPOLLIN, 77, NULL);

	assert_int_equal(harvest(f->ep, out, 4), 0);
	assert_false(marker_set(f));
	assert_int_equal(write(w, "x", 1), 1);
	assert_true(ep_refresh(f->ep));
	assert_true(marker_set(f));
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].events, LX_EPOLLIN);
	assert_int_equal(out[0].data, 77);
	/* level-triggered: again */
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_true(marker_set(f));
	close(w);	/* hang-up: IN|HUP in one record */
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].events, LX_EPOLLIN | LX_EPOLLHUP);
}

static void
test_edge_and_oneshot(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	struct ep_item *os;
	int we = add_pipe(f->ep, 11, LX_EPOLLIN | LX_EPOLLET, 1, NULL);
	int wo = add_pipe(f->ep, 12, LX_EPOLLIN | LX_EPOLLONESHOT, 2, &os);

	assert_int_equal(write(we, "a", 1), 1);
	assert_int_equal(write(wo, "b", 1), 1);
	assert_int_equal(harvest(f->ep, out, 4), 2);
	assert_int_equal(harvest(f->ep, out, 4), 0);
	assert_false(marker_set(f));
	assert_false(os->armed);
	assert_int_equal(write(we, "c", 1), 1);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 1);
	assert_int_equal(ep_modify(os, LX_EPOLLIN, 3), 0);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 3);
	close(we);
	close(wo);
}

static void
test_round_robin(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	int w[3];

	for (int i = 0; i < 3; i++) {
		w[i] = add_pipe(f->ep, 20 + i, LX_EPOLLIN, (uint64_t)i, NULL);
		assert_int_equal(write(w[i], "r", 1), 1);
	}
	for (int round = 0; round < 6; round++) {
		assert_int_equal(harvest(f->ep, out, 1), 1);
		assert_int_equal(out[0].data, (uint64_t)(round % 3));
	}
	/* each item at most once per call */
	assert_int_equal(harvest(f->ep, out, 4), 3);
	for (int i = 0; i < 3; i++)
		close(w[i]);
}

static void
test_unharvest(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	struct ep_item *its[4];
	int w = add_pipe(f->ep, 30, LX_EPOLLIN | LX_EPOLLONESHOT, 9, NULL);

	assert_int_equal(write(w, "u", 1), 1);
	ep_harvest_begin(f->ep);
	assert_int_equal(ep_harvest(f->ep, out, its, 4), 1);
	ep_unharvest(f->ep, its, 0, 1);	/* the copy-out failed */
	assert_true(marker_set(f));
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 9);
	close(w);
}

static void
test_nesting_limits(void **state)
{
	struct ep_inst *e[7];
	int err = 0;

	(void)state;
	for (int i = 0; i < 7; i++) {
		int p[2];

		assert_int_equal(pipe2(p, O_NONBLOCK), 0);
		close(p[0]);
		e[i] = ep_inst_new(p[1]);
	}
	/* e0 <- e1 <- e2 <- e3 <- e4 is allowed; e4 into e5 is too deep */
	for (int i = 1; i < 6; i++) {
		bool loop = ep_would_loop(e[i], e[i - 1]);
		int p[2];

		assert_int_equal(loop, i == 5);
		if (loop)
			break;
		assert_int_equal(pipe(p), 0);
		close(p[1]);
		assert_non_null(ep_insert(e[i], 100 + i, p[0], LX_EPOLLIN, 0,
		    e[i - 1], &err));
	}
	/* a cycle */
	assert_true(ep_would_loop(e[0], e[3]));
	for (int i = 6; i >= 0; i--)
		ep_inst_free(e[i]);
	ep_inst_reap();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_level_and_marker, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edge_and_oneshot, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_robin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unharvest, setup,
		    teardown),
		cmocka_unit_test(test_nesting_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
