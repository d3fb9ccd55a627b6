/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host event queue (src/host/hq_linux*.c) against real pipes, sockets,
 * files and directories: it must behave as a NetBSD 10 kqueue would.
 * Vnode notes are in test_hq_vnode.c.
 */
#include "hq_fixture.h"

static void
test_backend(void **state)
{
	assert_string_equal(hq_backend(), "linux-epoll");
}

static void
test_read_level(void **state)
{
	struct fix *f = *state;
	struct hq_event ev;
	int p[2];
	int tag;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ADD, 0, 0, &tag), 0);
	none(f->q);
	put(p[1], "hello");
	ev = one(f->q, 0);
	assert_int_equal(ev.ident, p[0]);
	assert_int_equal(ev.filter, HQ_READ);
	assert_int_equal(ev.data, 5);
	assert_ptr_equal(ev.udata, &tag);
	assert_false(ev.flags & HQ_EOF);
	/* Level: still there while data is. */
	ev = one(f->q, 0);
	assert_int_equal(ev.data, 5);
	take(p[0], 2);
	assert_int_equal(one(f->q, 0).data, 3);
	take(p[0], 3);
	none(f->q);
	close(p[0]);
	close(p[1]);
}

static void
test_read_clear_edge(void **state)
{
	struct fix *f = *state;
	int p[2], i;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_CLEAR, 0), 0);
	/* Many writes before a retrieval: one event. */
	for (i = 0; i < 10; i++)
		put(p[1], "ab");
	assert_int_equal(one(f->q, 0).data, 20);
	none(f->q);			/* unread data does not re-fire */
	put(p[1], "c");
	assert_int_equal(one(f->q, 0).data, 21);
	none(f->q);
	close(p[0]);
	close(p[1]);
}

static void
test_write_filter(void **state)
{
	struct fix *f = *state;
	char buf[4096];
	int p[2];
	struct hq_event ev;

	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(add(f->q, p[1], HQ_WRITE, 0, 0), 0);
	ev = one(f->q, 0);
	assert_int_equal(ev.filter, HQ_WRITE);
	assert_int_equal(ev.data, fcntl(p[1], F_GETPIPE_SZ));
	memset(buf, 'x', sizeof(buf));
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	none(f->q);			/* full */
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	ev = one(f->q, 1000 * MS);
	assert_true(ev.data > 0);
	close(p[0]);
	close(p[1]);
}

static void
test_eof_pipe_writer_gone(void **state)
{
	struct fix *f = *state;
	struct hq_event ev;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_CLEAR, 0), 0);
	none(f->q);
	close(p[1]);
	ev = one(f->q, 0);
	assert_true(ev.flags & HQ_EOF);
	assert_int_equal(ev.data, 0);
	close(p[0]);
}

static void
test_eof_pipe_reader_gone(void **state)
{
	struct fix *f = *state;
	struct hq_event ev;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[1], HQ_WRITE, HQ_CLEAR, 0), 0);
	ev = one(f->q, 0);
	assert_false(ev.flags & HQ_EOF);
	close(p[0]);
	ev = one(f->q, 0);
	assert_true(ev.flags & HQ_EOF);
	assert_int_equal(ev.data, 0);
	close(p[1]);
}

static void
test_socket_shutdown(void **state)
{
	struct fix *f = *state;
	struct hq_event ev, evs[4];
	int s[2], n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	assert_int_equal(add(f->q, s[0], HQ_READ, HQ_CLEAR, 0), 0);
	assert_int_equal(add(f->q, s[0], HQ_WRITE, HQ_CLEAR, 0), 0);
	ev = one(f->q, 0);		/* writable */
	assert_int_equal(ev.filter, HQ_WRITE);
	assert_false(ev.flags & HQ_EOF);
	assert_true(ev.data > 0);
	put(s[1], "abc");
	ev = one(f->q, 0);		/* only READ: CLEAR WRITE saw nothing */
	assert_int_equal(ev.filter, HQ_READ);
	assert_int_equal(ev.data, 3);
	assert_false(ev.flags & HQ_EOF);
	/*
	 * The peer's shutdown wakes every waiter of the socket (Linux has one
	 * wait queue), so a CLEAR WRITE may fire too, but without EOF.
	 */
	assert_int_equal(shutdown(s[1], SHUT_WR), 0);
	n = hq_wait(f->q, evs, 4, 0);
	assert_true(n >= 1 && n <= 2);
	/* in either order (kqueue names none) */
	if (evs[0].filter != HQ_READ) {
		assert_int_equal(n, 2);
		ev = evs[0];
		evs[0] = evs[1];
		evs[1] = ev;
	}
	assert_int_equal(evs[0].filter, HQ_READ);
	assert_true(evs[0].flags & HQ_EOF);
	assert_int_equal(evs[0].fflags, 0);
	assert_true(n == 1 || !(evs[1].flags & HQ_EOF));
	close(s[1]);
	n = hq_wait(f->q, evs, 4, 0);
	assert_true(n >= 1);
	while (n > 1 && evs[n - 1].filter != HQ_WRITE)
		n--;
	assert_int_equal(evs[n - 1].filter, HQ_WRITE);
	assert_true(evs[n - 1].flags & HQ_EOF);
	close(s[0]);
}

static void
test_oneshot(void **state)
{
	struct fix *f = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_ONESHOT, 0), 0);
	put(p[1], "x");
	assert_true(one(f->q, 0).flags & HQ_ONESHOT);
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
	close(p[0]);
	close(p[1]);
}

static void
test_dispatch_enable(void **state)
{
	struct fix *f = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_DISPATCH, 0), 0);
	put(p[1], "xy");
	assert_int_equal(one(f->q, 0).data, 2);
	none(f->q);			/* disabled */
	put(p[1], "z");
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ENABLE, 0, 0, NULL),
	    0);
	assert_int_equal(one(f->q, 0).data, 3);
	none(f->q);
	close(p[0]);
	close(p[1]);
}

/* Is the queue's own fd readable (would a loop blocked on it wake)? */
static bool
queue_fd_ready(struct hq *q)
{
	struct pollfd p = { hq_fd(q), POLLIN, 0 };

	return poll(&p, 1, 0) == 1;
}

/*
 * READ|CLEAR|DISPATCH (an epoll instance's watch in the loop): once it
 * fired, more activity must not even make the queue's fd readable (the
 * supervisor sleeps on it); a fire that finds nothing re-arms; ENABLE
 * reports what is there already.
 */
static void
test_dispatch_edge_quiet(void **state)
{
	struct fix *f = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_CLEAR | HQ_DISPATCH, 0),
	    0);
	put(p[1], "a");
	assert_true(queue_fd_ready(f->q));
	assert_int_equal(one(f->q, 0).data, 1);
	put(p[1], "b");
	put(p[1], "c");
	assert_false(queue_fd_ready(f->q));
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ENABLE, 0, 0, NULL),
	    0);
	assert_true(queue_fd_ready(f->q));
	assert_int_equal(one(f->q, 0).data, 3);
	take(p[0], 3);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ENABLE, 0, 0, NULL),
	    0);
	none(f->q);
	/* activity gone before the queue was asked: armed again */
	put(p[1], "d");
	take(p[0], 1);
	none(f->q);
	put(p[1], "e");
	assert_true(queue_fd_ready(f->q));
	assert_int_equal(one(f->q, 0).data, 1);
	close(p[0]);
	close(p[1]);
}

/* A disabled epoll-backed knote does not wake the queue's sleeper. */
static void
test_disable_quiet(void **state)
{
	struct fix *f = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, HQ_CLEAR, 0), 0);
	put(p[1], "a");
	assert_int_equal(one(f->q, 0).data, 1);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_DISABLE, 0, 0, NULL),
	    0);
	put(p[1], "b");
	assert_false(queue_fd_ready(f->q));
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ENABLE, 0, 0, NULL),
	    0);
	assert_true(queue_fd_ready(f->q));
	assert_int_equal(one(f->q, 0).data, 2);
	none(f->q);
	put(p[1], "c");
	assert_int_equal(one(f->q, 0).data, 3);
	close(p[0]);
	close(p[1]);
}

static void
test_disable_delete(void **state)
{
	struct fix *f = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, p[0], HQ_READ, 0, 0), 0);
	put(p[1], "x");
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_DISABLE, 0, 0, NULL),
	    0);
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ENABLE, 0, 0, NULL),
	    0);
	one(f->q, 0);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_DELETE, 0, 0, NULL),
	    0);
	none(f->q);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
	close(p[0]);
	close(p[1]);
}

static void
test_add_again_modifies(void **state)
{
	struct fix *f = *state;
	int p[2], a, b;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ADD, 0, 0, &a), 0);
	assert_int_equal(change(f->q, p[0], HQ_READ, HQ_ADD, 0, 0, &b), 0);
	put(p[1], "x");
	assert_ptr_equal(one(f->q, 0).udata, &b);
	close(p[0]);
	close(p[1]);
}

static void
test_errors(void **state)
{
	struct fix *f = *state;
	struct hq_event ch[3];
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(add(f->q, 999, HQ_READ, 0, 0), -EBADF);
	assert_int_equal(add(f->q, 999, HQ_VNODE, 0, HQ_NOTE_WRITE), -EBADF);
	assert_int_equal(change(f->q, p[0], HQ_WRITE, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
	assert_int_equal(change(f->q, 7, HQ_USER, HQ_ENABLE, 0, 0, NULL),
	    -ENOENT);
	assert_int_equal(add(f->q, p[0], 99, 0, 0), -EINVAL);
	assert_int_equal(add(f->q, p[0], 0, 0, 0), -EINVAL);
	assert_int_equal(add(f->q, p[0], HQ_VNODE, 0, HQ_NOTE_WRITE), -EINVAL);
	assert_int_equal(add(f->q, 0, HQ_SIGNAL, 0, 0), -EINVAL);
	assert_int_equal(change(f->q, 1, HQ_TIMER, HQ_ADD, 0, -5, NULL),
	    -EINVAL);
	/* A failed change leaves the earlier ones applied. */
	ch[0] = hq_event(p[0], HQ_READ, HQ_ADD, 0, 0, NULL);
	ch[1] = hq_event(p[1], HQ_WRITE, HQ_DELETE, 0, 0, NULL);
	ch[2] = hq_event(p[1], HQ_WRITE, HQ_ADD, 0, 0, NULL);
	assert_int_equal(hq_change(f->q, ch, 3), -ENOENT);
	put(p[1], "x");
	assert_int_equal(one(f->q, 0).filter, HQ_READ);
	close(p[0]);
	close(p[1]);
}

/* The fd closed and its number reused by another file: no stale event. */
static void
test_closed_fd_reused(void **state)
{
	struct fix *f = *state;
	int a[2], b[2], keep, n;

	assert_int_equal(pipe(a), 0);
	n = a[0];
	assert_int_equal(add(f->q, n, HQ_READ, 0, 0), 0);
	put(a[1], "old");
	keep = dup(n);			/* the old file stays open */
	close(n);
	assert_int_equal(pipe(b), 0);
	if (b[0] != n) {
		assert_int_equal(dup2(b[0], n), n);
		close(b[0]);
	}
	put(a[1], "more");
	put(b[1], "new");
	none(f->q);
	/* Re-adding on the number registers the new file only. */
	assert_int_equal(add(f->q, n, HQ_READ, HQ_CLEAR, 0), 0);
	assert_int_equal(one(f->q, 0).data, 3);
	put(a[1], "still old");
	none(f->q);
	close(n);
	close(keep);
	close(a[1]);
	close(b[1]);
}

/* Closed with nothing else holding it; reused by a socket. */
static void
test_closed_fd_reused_plain(void **state)
{
	struct fix *f = *state;
	int a[2], s[2], n;

	assert_int_equal(pipe(a), 0);
	n = a[0];
	assert_int_equal(add(f->q, n, HQ_WRITE, 0, 0), 0);
	close(a[0]);
	close(a[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	if (s[0] != n) {
		assert_int_equal(dup2(s[0], n), n);
		close(s[0]);
	}
	none(f->q);
	assert_int_equal(change(f->q, n, HQ_WRITE, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
	close(n);
	close(s[1]);
}

static void
test_regular_file_read(void **state)
{
	struct fix *f = *state;
	int fd = open(in_dir(f, "r"), O_RDWR | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(add(f->q, fd, HQ_READ, 0, 0), 0);
	none(f->q);			/* at EOF: nothing to read */
	put(fd, "12345");
	assert_int_equal(lseek(fd, 1, SEEK_SET), 1);
	assert_int_equal(add(f->q, fd, HQ_READ, 0, 0), 0);
	assert_int_equal(one(f->q, 0).data, 4);
	assert_int_equal(add(f->q, fd, HQ_WRITE, HQ_ONESHOT, 0), 0);
	assert_int_equal(hq_wait(f->q, (struct hq_event[4]){ 0 }, 4, 0), 2);
	close(fd);
}

/* --- TIMER, USER, SIGNAL, PROC ------------------------------------------ */

static void
test_timer(void **state)
{
	struct fix *f = *state;
	/*
	 * A 50 ms period: long enough that a loaded machine does not let a
	 * second expiry slip in before the periodic event is retrieved.
	 */
	struct timespec ts = { 0, 175 * MS };
	struct hq_event ev;

	assert_int_equal(change(f->q, 1, HQ_TIMER, HQ_ADD, 0, 50 * MS, NULL),
	    0);
	none(f->q);
	nanosleep(&ts, NULL);
	ev = one(f->q, 0);
	assert_int_equal(ev.ident, 1);
	assert_int_equal(ev.filter, HQ_TIMER);
	assert_true(ev.data >= 3);
	ev = one(f->q, 500 * MS);	/* periodic */
	assert_int_equal(ev.data, 1);
	assert_int_equal(change(f->q, 1, HQ_TIMER, HQ_DELETE, 0, 0, NULL), 0);
	/* One shot. */
	assert_int_equal(change(f->q, 2, HQ_TIMER, HQ_ADD | HQ_ONESHOT, 0,
	    5 * MS, NULL), 0);
	ev = one(f->q, 1000 * MS);
	assert_int_equal(ev.data, 1);
	assert_int_equal(hq_wait(f->q, &ev, 1, 30 * MS), 0);
	assert_int_equal(change(f->q, 2, HQ_TIMER, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
}

static void
test_user(void **state)
{
	struct fix *f = *state;
	struct pollfd p = { hq_fd(f->q), POLLIN, 0 };

	assert_int_equal(add(f->q, 5, HQ_USER, HQ_CLEAR, 0), 0);
	none(f->q);
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_int_equal(change(f->q, 5, HQ_USER, 0, HQ_NOTE_TRIGGER, 0, NULL),
	    0);
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(one(f->q, 0).ident, 5);
	none(f->q);
	assert_int_equal(poll(&p, 1, 0), 0);
	/* Without CLEAR a triggered user event stays. */
	assert_int_equal(change(f->q, 6, HQ_USER, HQ_ADD, HQ_NOTE_TRIGGER, 0,
	    NULL), 0);
	one(f->q, 0);
	one(f->q, 0);
}

static void
test_signal(void **state)
{
	struct fix *f = *state;
	sigset_t set, old;
	union sigval v = { 0 };
	struct hq_event ev;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	assert_int_equal(sigprocmask(SIG_BLOCK, &set, &old), 0);
	assert_int_equal(add(f->q, SIGUSR1, HQ_SIGNAL, 0, 0), 0);
	assert_int_equal(add(f->q, SIGRTMIN, HQ_SIGNAL, 0, 0), 0);
	none(f->q);
	kill(getpid(), SIGUSR1);
	ev = one(f->q, 1000 * MS);
	assert_int_equal(ev.ident, SIGUSR1);
	assert_int_equal(ev.data, 1);
	none(f->q);			/* signals are always CLEAR */
	sigqueue(getpid(), SIGRTMIN, v);
	sigqueue(getpid(), SIGRTMIN, v);
	ev = one(f->q, 1000 * MS);
	assert_int_equal(ev.ident, SIGRTMIN);
	assert_int_equal(ev.data, 2);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

static void
test_proc_exit(void **state)
{
	struct fix *f = *state;
	struct hq_event ev;
	int pipefd[2], st;
	pid_t pid;
	char c;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		close(pipefd[1]);
		(void)read(pipefd[0], &c, 1);
		_exit(3);
	}
	assert_int_equal(add(f->q, pid, HQ_PROC, 0, HQ_NOTE_EXIT), 0);
	none(f->q);
	close(pipefd[1]);
	ev = one(f->q, 5000 * MS);
	assert_int_equal(ev.ident, pid);
	assert_int_equal(ev.filter, HQ_PROC);
	assert_int_equal(ev.fflags, HQ_NOTE_EXIT);
	assert_true(ev.flags & HQ_EOF);
	assert_true(WIFEXITED(ev.data));
	assert_int_equal(WEXITSTATUS(ev.data), 3);
	none(f->q);			/* gone after exit */
	assert_int_equal(waitpid(pid, &st, 0), pid);	/* not reaped by us */
	assert_int_equal(add(f->q, pid, HQ_PROC, 0, HQ_NOTE_EXIT), -ESRCH);
	close(pipefd[0]);
}

/* --- the queue itself -------------------------------------------------- */

static void
test_nesting(void **state)
{
	struct fix *f = *state;
	struct hq *outer = hq_create();
	struct pollfd p = { hq_fd(f->q), POLLIN, 0 };
	struct hq_event ev;
	int fds[2];

	assert_non_null(outer);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(add(f->q, fds[0], HQ_READ, HQ_CLEAR, 0), 0);
	assert_int_equal(add(outer, hq_fd(f->q), HQ_READ, HQ_CLEAR, 0), 0);
	assert_int_equal(poll(&p, 1, 0), 0);
	none(outer);
	put(fds[1], "x");
	assert_int_equal(poll(&p, 1, 0), 1);
	ev = one(outer, 1000 * MS);
	assert_int_equal(ev.ident, hq_fd(f->q));
	assert_int_equal(one(f->q, 0).ident, fds[0]);
	assert_int_equal(poll(&p, 1, 0), 0);
	/* Level knotes keep the queue readable while they are true. */
	assert_int_equal(change(f->q, fds[0], HQ_READ, HQ_DELETE, 0, 0, NULL),
	    0);
	assert_int_equal(add(f->q, fds[0], HQ_READ, 0, 0), 0);
	assert_int_equal(one(f->q, 0).ident, fds[0]);
	assert_int_equal(poll(&p, 1, 0), 1);
	take(fds[0], 1);
	none(f->q);
	assert_int_equal(poll(&p, 1, 0), 0);
	hq_destroy(outer);
	close(fds[0]);
	close(fds[1]);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
test_wait_timeout_and_eintr(void **state)
{
	struct fix *f = *state;
	struct sigaction sa, old;
	struct timespec t0, t1;
	struct hq_event ev;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hq_wait(f->q, &ev, 1, 50 * MS), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000 + t1.tv_nsec - t0.tv_nsec;
	assert_true(ns >= 50 * MS);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	ualarm(20000, 0);
	assert_int_equal(hq_wait(f->q, &ev, 1, -1), -EINTR);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
}

static void
test_entropy(void **state)
{
	unsigned char a[256], b[256];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(host_entropy(a, sizeof(a)), 0);
	assert_int_equal(host_entropy(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(host_entropy(a, 0), 0);
	assert_int_equal(host_entropy(a, 257), -EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_backend),
		T(test_read_level),
		T(test_read_clear_edge),
		T(test_write_filter),
		T(test_eof_pipe_writer_gone),
		T(test_eof_pipe_reader_gone),
		T(test_socket_shutdown),
		T(test_oneshot),
		T(test_dispatch_enable),
		T(test_dispatch_edge_quiet),
		T(test_disable_quiet),
		T(test_disable_delete),
		T(test_add_again_modifies),
		T(test_errors),
		T(test_closed_fd_reused),
		T(test_closed_fd_reused_plain),
		T(test_regular_file_read),
		T(test_timer),
		T(test_user),
		T(test_signal),
		T(test_proc_exit),
		T(test_nesting),
		T(test_wait_timeout_and_eintr),
		T(test_entropy),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
