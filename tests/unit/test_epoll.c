/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The epoll instance logic (src/epoll/epoll_inst.c) over the real host
 * queue and real pipes: OR-ed bits, ET, ONESHOT, round robin, the marker
 * byte, nesting limits; registrations that hold no reference (a closed
 * file really closes, its registration ends and is collected), and a
 * released instance that the loop may still name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/*
 * Register a fresh pipe's read end; its write end is returned, the read
 * end in *rd (or closed when rd is NULL: the registration holds nothing).
 */
static int
add_pipe2(struct ep_inst *ep, int fd, uint32_t events, uint64_t data,
    struct ep_item **itp, int *rd)
{
	int p[2], err = 0;
	struct ep_item *it;

	assert_int_equal(pipe(p), 0);
	it = ep_insert(ep, fd, p[0], events, data, NULL, false, &err);
	assert_non_null(it);
	if (itp != NULL)
		*itp = it;
	if (rd != NULL)
		*rd = p[0];
	else
		close(p[0]);
	return p[1];
}

static int
add_pipe(struct ep_inst *ep, int fd, uint32_t events, uint64_t data,
    struct ep_item **itp)
{
	int rd, w = add_pipe2(ep, fd, events, data, itp, &rd);

	/* the reader stays open (a guest would hold it) */
	(void)rd;
	return w;
}

static void
put_byte(int w)
{
	assert_int_equal(write(w, "x", 1), 1);
}

static int
harvest(struct ep_inst *ep, struct lx_epoll_event *out, int max)
{
	struct ep_rec recs[16];
	int n;

	ep_harvest_begin(ep);
	n = ep_harvest(ep, recs, max);
	for (int i = 0; i < n; i++) {
		out[i].events = recs[i].events;
		out[i].data = recs[i].data;
	}
	return n;
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
	int ro, we = add_pipe(f->ep, 11, LX_EPOLLIN | LX_EPOLLET, 1, NULL);
	int wo = add_pipe2(f->ep, 12, LX_EPOLLIN | LX_EPOLLONESHOT, 2, &os,
	    &ro);

	assert_int_equal(write(we, "a", 1), 1);
	assert_int_equal(write(wo, "b", 1), 1);
	assert_int_equal(harvest(f->ep, out, 4), 2);
	assert_int_equal(harvest(f->ep, out, 4), 0);
	assert_false(marker_set(f));
	assert_int_equal(write(we, "c", 1), 1);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 1);
	/* MOD names the file again; another file is not the registration */
	assert_int_equal(ep_modify(os, we, LX_EPOLLIN, 3), -LX_ENOENT);
	assert_int_equal(ep_modify(os, ro, LX_EPOLLIN, 3), 0);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 3);
	close(we);
	close(wo);
}

/*
 * A MOD of a level registration's data alone: done without the file when
 * the caller's fd is proven to be it; anything else is left to the full
 * MOD (another file at the number, other bits, edge or one-shot).
 */
static void
test_modify_data(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	struct ep_item *lt, *et;
	int p[2], rd, w = add_pipe2(f->ep, 40, LX_EPOLLIN, 1, &lt, &rd);
	int we = add_pipe(f->ep, 41, LX_EPOLLIN | LX_EPOLLET, 2, &et);
	int tid = (int)gettid();

	/* this process plays the guest: its fd 40 is the item's file */
	assert_int_equal(dup2(rd, 40), 40);
	assert_int_equal(write(w, "x", 1), 1);
	assert_int_equal(ep_modify_data(lt, tid, LX_EPOLLIN, 5), 1);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 5);
	assert_int_equal(ep_modify_data(lt, tid, LX_EPOLLIN, 6), 1);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 6);
	/* other bits, edge-triggered, one-shot: the full MOD */
	assert_int_equal(ep_modify_data(lt, tid, LX_EPOLLIN | LX_EPOLLOUT, 7),
	    0);
	assert_int_equal(ep_modify_data(lt, tid, LX_EPOLLIN | LX_EPOLLET, 7),
	    0);
	assert_int_equal(ep_modify_data(lt, tid,
	    LX_EPOLLIN | LX_EPOLLONESHOT, 7), 0);
	assert_int_equal(ep_modify_data(et, tid, LX_EPOLLIN | LX_EPOLLET, 7),
	    0);
	/* another file at the number: not the registration */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[0], 40), 40);
	assert_int_equal(ep_modify_data(lt, tid, LX_EPOLLIN, 8), 0);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 6);
	close(40);
	close(p[0]);
	close(p[1]);
	close(rd);
	close(w);
	close(we);
}

/*
 * Linux's ready list after a call: what it reported and is still level
 * goes to the end in the order reported, and the next call takes that
 * order, whatever order the host's own set keeps (it was harvested whole).
 */
static void
test_ready_order(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	int a = add_pipe(f->ep, 50, LX_EPOLLIN, 1, NULL);
	int b = add_pipe(f->ep, 51, LX_EPOLLIN, 2, NULL);

	put_byte(a);
	put_byte(b);
	assert_int_equal(harvest(f->ep, out, 1), 1);
	assert_int_equal(out[0].data, 1);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(harvest(f->ep, out, 2), 2);
		assert_int_equal(out[0].data, 2);
		assert_int_equal(out[1].data, 1);
	}
	close(a);
	close(b);
}

/*
 * An item queued with bits its new mask no longer asks for is passed
 * over: it takes no place among maxevents (it used to take the only one).
 */
static void
test_modify_passed_over(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	struct ep_item *d;
	int rd, c = add_pipe(f->ep, 52, LX_EPOLLIN, 3, NULL);
	int w = add_pipe2(f->ep, 53, LX_EPOLLIN, 4, &d, &rd);

	put_byte(c);
	put_byte(w);
	assert_int_equal(harvest(f->ep, out, 1), 1);
	assert_int_equal(out[0].data, 3);
	/* d was harvested from the host too, and waits in the queue; one-shot
	 * now, it is not dropped as a level item the host no longer reports */
	assert_int_equal(ep_modify(d, rd, LX_EPOLLOUT | LX_EPOLLONESHOT, 5), 0);
	assert_int_equal(harvest(f->ep, out, 1), 1);
	assert_int_equal(out[0].data, 3);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	close(rd);
	close(c);
	close(w);
}

/* hq_poll_file_source for the test: the read end an item's data names. */
static int leftover_rd[4];

static int
leftover_file(void *udata, void *ctx)
{
	const struct ep_item *it = udata;

	(void)ctx;
	return it != NULL && it->data < 4 ? dup(leftover_rd[it->data]) : -1;
}

/*
 * Edge and one-shot items the host reported with others but that the
 * caller had no room for are asked again when they are reached (Linux's
 * ep_send_events polls each item it copies out): drained since, they are
 * passed over, and the one-shot item is still armed.
 */
static void
test_leftover_repolled(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	char buf[8];
	int w[3];

	w[0] = add_pipe2(f->ep, 60, LX_EPOLLIN, 0, NULL, &leftover_rd[0]);
	w[1] = add_pipe2(f->ep, 61, LX_EPOLLIN | LX_EPOLLET, 1, NULL,
	    &leftover_rd[1]);
	w[2] = add_pipe2(f->ep, 62, LX_EPOLLIN | LX_EPOLLONESHOT, 2, NULL,
	    &leftover_rd[2]);
	hq_poll_file_source(f->ep->hq, leftover_file, NULL);
	for (int i = 0; i < 3; i++) {
		put_byte(w[i]);
		assert_int_equal(fcntl(leftover_rd[i], F_SETFL, O_NONBLOCK), 0);
	}
	assert_int_equal(harvest(f->ep, out, 1), 1);
	assert_int_equal(out[0].data, 0);
	assert_int_equal(read(leftover_rd[1], buf, sizeof(buf)), 1);
	assert_int_equal(read(leftover_rd[2], buf, sizeof(buf)), 1);
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 0);
	put_byte(w[2]);
	assert_int_equal(harvest(f->ep, out, 4), 2);
	assert_true(out[0].data == 2 || out[1].data == 2);
	for (int i = 0; i < 3; i++) {
		close(w[i]);
		close(leftover_rd[i]);
	}
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
	struct ep_rec recs[4];
	int w = add_pipe(f->ep, 30, LX_EPOLLIN | LX_EPOLLONESHOT, 9, NULL);

	assert_int_equal(write(w, "u", 1), 1);
	ep_harvest_begin(f->ep);
	assert_int_equal(ep_harvest(f->ep, recs, 4), 1);
	ep_unharvest(f->ep, recs, 0, 1);	/* the copy-out failed */
	assert_true(marker_set(f));
	assert_int_equal(harvest(f->ep, out, 4), 1);
	assert_int_equal(out[0].data, 9);
	assert_int_equal(out[0].events, LX_EPOLLIN);
	/* reported once: ONESHOT disarmed it */
	assert_int_equal(harvest(f->ep, out, 4), 0);
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
		    e[i - 1], false, &err));
		close(p[0]);
	}
	/* a cycle */
	assert_true(ep_would_loop(e[0], e[3]));
	for (int i = 6; i >= 0; i--)
		ep_inst_free(e[i]);
	ep_inst_reap();
}

/*
 * The instance holds no reference: the reader's last close is the
 * writer's EPIPE at once, the registration ends with its file, and ended
 * registrations are found again by fd number and by the sweep.
 */
static void
test_no_reference(void **state)
{
	struct fix *f = *state;
	struct lx_epoll_event out[4];
	int rd, w, ws[200], fd, n0;

	w = add_pipe2(f->ep, 40, LX_EPOLLIN, 1, NULL, &rd);
	/* ep_find looks at (pid, fd): our rd is not number 40 */
	assert_null(ep_find(f->ep, 40, getpid()));
	close(rd);
	assert_int_equal(write(w, "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(harvest(f->ep, out, 4), 0);
	close(w);
	/* a registration under our own fd number: found while it lives */
	assert_int_equal(pipe(ws), 0);
	fd = ws[0];
	{
		int err;

		assert_non_null(ep_insert(f->ep, fd, fd, LX_EPOLLIN, 2, NULL,
		    false, &err));
	}
	assert_non_null(ep_find(f->ep, fd, getpid()));
	close(ws[0]);
	close(ws[1]);
	assert_null(ep_find(f->ep, fd, getpid()));
	/* many that end: the sweep takes them all */
	n0 = f->ep->nitems;
	for (int i = 0; i < 200; i++)
		ws[i] = add_pipe2(f->ep, 1000 + i, LX_EPOLLIN, 3, NULL, NULL);
	assert_int_equal(f->ep->nitems, n0 + 200);
	for (int i = 0; i < 200; i++)
		close(ws[i]);
	ep_collect(f->ep);
	assert_int_equal(f->ep->nitems, 0);
}

/* A released instance stays readable memory until the next reap. */
static void
test_release_deferred(void **state)
{
	struct ep_inst *ep;
	struct hq_event ev = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	ep = ep_inst_new(p[1]);
	assert_non_null(ep);
	add_pipe(ep, 5, LX_EPOLLIN, 1, NULL);
	ep_inst_free(ep);
	assert_true(ep->dead);
	/* what the loop does with an event it took before the release */
	ep->src.fire(&ep->src, &ev);
	ep_inst_reap();
	close(p[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_level_and_marker, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edge_and_oneshot, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modify_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ready_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modify_passed_over, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leftover_repolled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_robin, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unharvest, setup,
		    teardown),
		cmocka_unit_test(test_nesting_limits),
		cmocka_unit_test_setup_teardown(test_no_reference, setup,
		    teardown),
		cmocka_unit_test(test_release_deferred),
	};

	signal(SIGPIPE, SIG_IGN);	/* as lxrun: a marker's reader may go */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
