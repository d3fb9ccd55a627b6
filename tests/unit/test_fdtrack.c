/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fd-tracking facility (include/lxrun/fdtrack.h) on a fake guest whose
 * fds are this test's own: each route by which an fd reaches a number
 * (copies, fork, exec, SCM_RIGHTS by recvmsg and recvmmsg, pidfd_getfd, a
 * scan of the table, an open a family saw) gives the number the sets that
 * want its file, and only those.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"
#include "lxrun/options.h"
#include "lxrun/sysent.h"

/* The file the test set wants: a pipe's read end, by identity. */
static uint64_t want_dev, want_ino;
static int wants_asked;

static bool
pipe_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	(void)pid;
	(void)fd;
	wants_asked++;
	return dev == want_dev && ino == want_ino;
}

static const struct lx_fd_trap test_traps[] = {
	{ LX_NR_read, 0, 0 }, { LX_NR_write, 0, 0 },
};

static struct lx_fdset test_set = {
	.name = "test",
	.traps = test_traps,
	.ntraps = 2,
	.wants = pipe_wanted,
};

static const struct lx_fd_trap proc_traps[] = {
	{ LX_NR_getppid, -1, 0 },
};

static struct lx_procset test_procset = {
	.name = "test-proc",
	.traps = proc_traps,
	.ntraps = 1,
};

static int wanted_fd;		/* the pipe's read end */
static int other_fd;		/* another file */

static int
setup(void **state)
{
	static bool registered;
	int p[2];
	struct stat st;

	(void)state;
	lx_opt.emulate = ~0u;
	if (!registered) {
		lx_fdset_register(&test_set, LX_FAM_EPOLL);
		lx_procset_register(&test_procset);
		registered = true;
	}
	if (pipe(p) < 0 || fstat(p[0], &st) < 0)
		return -1;
	close(p[1]);
	wanted_fd = p[0];
	other_fd = open("/dev/null", O_RDONLY);
	want_dev = (uint64_t)st.st_dev;
	want_ino = (uint64_t)st.st_ino;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	close(wanted_fd);
	close(other_fd);
	return 0;
}

static struct lx_action
dispatch(struct fake_guest *fg, struct lx_call *c)
{
	enum lx_served served;

	c->ent = lx_sysent(c->nr);
	c->pid = fg->g.pid;
	c->tid = fg->g.tid;
	return lx_dispatch(c, &fg->g, &served);
}

/* The number got the set's rules and the copy rules, in the guest. */
static void
test_add_installs(void **state)
{
	struct fake_guest fg;
	bool read_seen = false, dup_seen = false;

	(void)state;
	fg_init(&fg);
	assert_false(lx_fdset_has(fg.g.pid, &test_set, wanted_fd));
	assert_int_equal(lx_fdset_add(&fg.g, &test_set, wanted_fd), 0);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, wanted_fd));
	assert_true(lx_fdtrack_has_any(fg.g.pid, wanted_fd));
	assert_int_equal(fg.trap_fd, wanted_fd);
	for (int i = 0; i < fg.ntraps; i++) {
		read_seen |= fg.traps[i].nr == LX_NR_read;
		dup_seen |= fg.traps[i].nr == LX_NR_dup;
	}
	assert_true(read_seen);
	assert_true(dup_seen);
	/* once */
	fg.ntraps = 0;
	assert_int_equal(lx_fdset_add(&fg.g, &test_set, wanted_fd), 0);
	assert_int_equal(fg.ntraps, 0);
	assert_true(lx_fdtrack_traced(fg.g.pid));
}

/* dup, dup2, dup3, F_DUPFD, F_DUPFD_CLOEXEC: made here, with the set. */
static void
test_copies(void **state)
{
	struct fake_guest fg;
	struct lx_call c;
	struct lx_action a;
	struct { long nr; uint64_t a1, a2; } calls[] = {
		{ LX_NR_dup, 0, 0 },
		{ LX_NR_dup2, 300, 0 },
		{ LX_NR_dup3, 301, LX_O_CLOEXEC },
		{ LX_NR_fcntl, LX_F_DUPFD, 310 },
		{ LX_NR_fcntl, LX_F_DUPFD_CLOEXEC, 320 },
	};

	(void)state;
	fg_init(&fg);
	lx_fdset_add(&fg.g, &test_set, wanted_fd);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.nr = calls[i].nr;
		c.arg[0] = (uint64_t)wanted_fd;
		c.arg[1] = calls[i].a1;
		c.arg[2] = calls[i].a2;
		a = dispatch(&fg, &c);
		assert_int_equal(a.kind, LX_RETURN);
		assert_true(a.value >= 0);
		assert_true(lx_fdset_has(fg.g.pid, &test_set, (int)a.value));
		if (calls[i].a1 >= 300 && calls[i].nr != LX_NR_fcntl)
			assert_int_equal(a.value, (long)calls[i].a1);
		if (calls[i].nr == LX_NR_fcntl)
			assert_true(a.value >= (long)calls[i].a2);
		close((int)a.value);
	}
	/* Kernel errors stand: dup2 onto a bad number, a bad fcntl. */
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_dup2;
	c.arg[0] = (uint64_t)wanted_fd;
	c.arg[1] = (uint64_t)-1;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_RETURN);
	assert_int_equal(a.value, -LX_EBADF);
	/* Other fcntl commands and numbers without sets are not ours. */
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_fcntl;
	c.arg[0] = (uint64_t)wanted_fd;
	c.arg[1] = LX_F_GETFL;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_NATIVE);
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_dup;
	c.arg[0] = (uint64_t)other_fd;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_NATIVE);
}

/* A number that held the file and holds another now: copies get nothing. */
static void
test_copy_of_reused_number(void **state)
{
	struct fake_guest fg;
	struct lx_call c = { .nr = LX_NR_dup };
	struct lx_action a;
	int n = fcntl(wanted_fd, F_DUPFD, 400);

	(void)state;
	fg_init(&fg);
	assert_true(n >= 400);
	lx_fdset_add(&fg.g, &test_set, n);
	assert_int_equal(dup2(other_fd, n), n);	/* the number is reused */
	c.nr = LX_NR_dup2;
	c.arg[0] = (uint64_t)n;
	c.arg[1] = 450;				/* a number never ruled */
	assert_false(lx_fdset_has(fg.g.pid, &test_set, 450));
	wants_asked = 0;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_RETURN);
	assert_int_equal(a.value, 450);
	assert_true(wants_asked > 0);
	assert_false(lx_fdset_has(fg.g.pid, &test_set, 450));
	close(450);
	close(n);
}

/* fork: the child has its parent's sets; threads and exec change none. */
static void
test_fork_exec_exit(void **state)
{
	struct fake_guest fg;
	int child = 0x3ffff0;

	(void)state;
	fg_init(&fg);
	lx_fdset_add(&fg.g, &test_set, wanted_fd);
	lx_procset_add(&fg.g, &test_procset);
	lx_hooks_clone(fg.g.tid, fg.g.pid, child, false);
	assert_true(lx_fdtrack_traced(child));
	assert_true(lx_fdset_has(child, &test_set, wanted_fd));
	assert_true(lx_procset_has(child, &test_procset));
	lx_hooks_clone(fg.g.tid, fg.g.pid, child + 1, true);
	assert_false(lx_fdtrack_traced(child + 1));
	lx_hooks_exec(child);
	assert_true(lx_fdset_has(child, &test_set, wanted_fd));
	lx_hooks_exit(child);
	assert_false(lx_fdtrack_traced(child));
	assert_false(lx_fdset_has(child, &test_set, wanted_fd));
}

static int
send_fd(int sock, int fd)
{
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int
received_fd(struct msghdr *m)
{
	struct cmsghdr *h = CMSG_FIRSTHDR(m);
	int fd;

	if (h == NULL || h->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

/*
 * Filters outlive fds, so numbers earlier tests ruled keep their sets:
 * fill the free ones below the lowest number that never had a set, so
 * that the next fd lands there.  Returns how many were filled.
 */
static int
plug_ruled_numbers(int pid, int hold[64], int *fresh)
{
	int n = 0, fd;

	for (fd = 0; fcntl(fd, F_GETFD) >= 0 || lx_fdtrack_has_any(pid, fd);
	    fd++)
		if (fcntl(fd, F_GETFD) < 0 && n < 64)
			hold[n++] = dup2(other_fd, fd);
	*fresh = fd;
	return n;
}

/* SCM_RIGHTS by recvmsg and recvmmsg: the received fd has the set. */
static void
test_scm_rights(void **state)
{
	struct fake_guest fg;
	struct lx_call c;
	char byte[2][1], cbuf[2][CMSG_SPACE(sizeof(int))];
	struct iovec iov[2] = { { byte[0], 1 }, { byte[1], 1 } };
	struct mmsghdr mm[2];
	struct lx_action a;
	int s[2], fd, hold[64], nh, fresh;
	long r;

	(void)state;
	fg_init(&fg);
	lx_fdtrack_follow_arrivals(&fg.g);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, s), 0);
	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cbuf[i];
		mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
	}
	fg_map(&fg, mm, sizeof(mm));
	fg_map(&fg, cbuf, sizeof(cbuf));

	/* recvmsg, onto a number that never had rules */
	assert_int_equal(send_fd(s[0], wanted_fd), 0);
	nh = plug_ruled_numbers(fg.g.pid, hold, &fresh);
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_recvmsg;
	c.arg[0] = (uint64_t)s[1];
	c.arg[1] = FG_ADDR(&mm[0].msg_hdr);
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_REWRITE);
	r = fg_play(&fg, &c, a);
	while (nh > 0)
		close(hold[--nh]);
	assert_int_equal(r, 1);
	assert_int_equal(received_fd(&mm[0].msg_hdr), fresh);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, fresh));
	close(fresh);

	/* recvmmsg: two messages, one fd of the file, one of another */
	mm[0].msg_hdr.msg_controllen = sizeof(cbuf[0]);
	assert_int_equal(send_fd(s[0], other_fd), 0);
	assert_int_equal(send_fd(s[0], wanted_fd), 0);
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_recvmmsg;
	c.arg[0] = (uint64_t)s[1];
	c.arg[1] = FG_ADDR(mm);
	c.arg[2] = 2;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_REWRITE);
	r = fg_play(&fg, &c, a);
	assert_int_equal(r, 2);
	fd = received_fd(&mm[0].msg_hdr);
	assert_true(fd >= 0);
	close(fd);
	fd = received_fd(&mm[1].msg_hdr);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, fd));
	close(fd);

	/* a socket on a number that held a file with a set is followed */
	fd = fcntl(wanted_fd, F_DUPFD, 700);
	assert_int_equal(lx_fdset_add(&fg.g, &test_set, fd), 0);
	assert_int_equal(dup2(s[1], fd), fd);
	mm[0].msg_hdr.msg_control = cbuf[0];
	mm[0].msg_hdr.msg_controllen = sizeof(cbuf[0]);
	assert_int_equal(send_fd(s[0], wanted_fd), 0);
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_recvmsg;
	c.arg[0] = (uint64_t)fd;
	c.arg[1] = FG_ADDR(&mm[0].msg_hdr);
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_REWRITE);
	assert_int_equal(fg_play(&fg, &c, a), 1);
	close(fd);
	fd = received_fd(&mm[0].msg_hdr);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, fd));
	close(fd);

	/* a recvmsg that has no room for control data cannot carry fds */
	mm[0].msg_hdr.msg_control = NULL;
	mm[0].msg_hdr.msg_controllen = 0;
	memset(&c, 0, sizeof(c));
	c.nr = LX_NR_recvmsg;
	c.arg[0] = (uint64_t)s[1];
	c.arg[1] = FG_ADDR(&mm[0].msg_hdr);
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_NATIVE);
	close(s[0]);
	close(s[1]);
}

/* pidfd_getfd: the fd it takes has the set. */
static void
test_pidfd_getfd(void **state)
{
	struct fake_guest fg;
	struct lx_call c = { .nr = LX_NR_pidfd_getfd };
	struct lx_action a;
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	long r;

	(void)state;
	if (pidfd < 0)
		skip();
	fg_init(&fg);
	lx_fdtrack_follow_arrivals(&fg.g);
	c.arg[0] = (uint64_t)pidfd;
	c.arg[1] = (uint64_t)wanted_fd;
	a = dispatch(&fg, &c);
	assert_int_equal(a.kind, LX_REWRITE);
	r = fg_play(&fg, &c, a);
	if (r == -EPERM)
		skip();
	assert_true(r >= 0);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, (int)r));
	close((int)r);
	close(pidfd);
}

/* Fds that were there before: a scan finds them, now or at catch-up. */
static void
test_scan_and_catch_up(void **state)
{
	struct fake_guest fg;
	int a = fcntl(wanted_fd, F_DUPFD, 500);
	int b = fcntl(wanted_fd, F_DUPFD, 510);
	int o = fcntl(other_fd, F_DUPFD, 520);

	(void)state;
	fg_init(&fg);
	assert_false(lx_fdset_has(fg.g.pid, &test_set, a));
	lx_fdtrack_scan_pid(&fg.g, fg.g.pid);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, a));
	assert_false(lx_fdset_has(fg.g.pid, &test_set, o));
	close(a);
	assert_false(lx_fdset_has(fg.g.pid, &test_set, b + 1));
	a = fcntl(wanted_fd, F_DUPFD, b + 1);
	lx_fdtrack_rescan_all();
	lx_fdtrack_catch_up(&fg.g);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, a));
	/* an open a family saw */
	close(a);
	a = fcntl(wanted_fd, F_DUPFD, 600);
	lx_fdtrack_arrived(&fg.g, a);
	assert_true(lx_fdset_has(fg.g.pid, &test_set, a));
	wants_asked = 0;
	lx_fdtrack_arrived(&fg.g, o);
	assert_true(wants_asked > 0);
	assert_false(lx_fdset_has(fg.g.pid, &test_set, o));
	close(a);
	close(b);
	close(o);
}

/* A required process-wide set reaches a process at its next stop. */
static void
test_procset_require(void **state)
{
	struct fake_guest fg;
	int child = 0x3fff00;

	(void)state;
	fg_init(&fg);
	lx_hooks_clone(fg.g.tid, 0x3ffe00 /* untraced */, child, false);
	assert_false(lx_procset_has(child, &test_procset));
	lx_procset_require(&fg.g, &test_procset);
	assert_true(lx_procset_has(fg.g.pid, &test_procset));
	fg.g.pid = fg.g.tid = child;	/* its next stop */
	fg.ntraps = 0;
	lx_fdtrack_catch_up(&fg.g);
	assert_true(lx_procset_has(child, &test_procset));
	{
		bool seen = false;

		for (int i = 0; i < fg.ntraps; i++)
			seen |= fg.traps[i].nr == LX_NR_getppid;
		assert_true(seen);
	}
	lx_hooks_exit(child);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_installs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_of_reused_number,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_exec_exit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scm_rights, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pidfd_getfd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan_and_catch_up, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_procset_require, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
