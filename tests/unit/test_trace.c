/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole --trace lines: text and JSON, errors, how each call was served,
 * compat words, pid prefixes, timestamps, -y paths, signal and exit
 * lines; and -e trace= parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "json_check.h"
#include "lxrun/linux_abi.h"
#include "trace/print.h"

static struct fake_guest fg;
static struct lx_trace_rec *rec;
static char *obuf;
static size_t olen;
static FILE *ofile;

static int
setup(void **state)
{
	fg_init(&fg);
	rec = lx_trace_rec_new();
	ofile = open_memstream(&obuf, &olen);
	lx_opt.out = ofile;
	lx_opt.trace = true;
	lx_opt.trace_format = LX_FMT_TEXT;
	lx_opt.tt = 0;
	lx_opt.show_time = false;
	lx_opt.show_fd_paths = 0;
	lx_opt.strsize = 32;
	lx_opt.verbose = false;
	memset(lx_opt.trace_set, 1, sizeof(lx_opt.trace_set));
	lx_opt.trace_unknown = true;
	lx_trace_set_multi(false);
	lx_stats_reset();
	return 0;
}

static int
teardown(void **state)
{
	fclose(ofile);
	free(obuf);
	obuf = NULL;
	lx_opt.out = NULL;
	lx_trace_rec_free(rec);
	return 0;
}

/* Everything printed since the last call. */
static const char *
output(void)
{
	static char *copy;

	fflush(ofile);
	free(copy);
	copy = strndup(obuf, olen);
	rewind(ofile);
	fflush(ofile);
	olen = 0;
	return copy;
}

static struct lx_call
mkcall(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5)
{
	struct lx_call c = { .tid = 4242, .pid = 4240, .nr = nr,
	    .arg = { a0, a1, a2, a3, a4, a5 } };

	c.ent = lx_sysent(nr);
	return c;
}

static const char *
run(struct lx_call c, long ret, enum lx_served served, int64_t dur_ns)
{
	lx_trace_begin(rec, &c, &fg.g);
	lx_trace_end(rec, &c, &fg.g, ret, served, 1700000000123456789LL,
	    dur_ns);
	return output();
}

static void
test_error_line(void **state)
{
	static char path[] = "/nonexist";

	fg_map(&fg, path, sizeof(path));
	assert_string_equal(run(mkcall(LX_NR_openat, (uint64_t)-100,
	    FG_ADDR(path), 0x80000, 0, 0, 0), -LX_ENOENT, LX_SERVED_NATIVE, 0),
	    "openat(AT_FDCWD, \"/nonexist\", O_RDONLY|O_CLOEXEC) = -1 "
	    "ENOENT (No such file or directory) [native]\n");
	assert_string_equal(run(mkcall(LX_NR_openat, (uint64_t)-100,
	    FG_ADDR(path), 0x241, 0640, 0, 0), 3, LX_SERVED_NATIVE, 0),
	    "openat(AT_FDCWD, \"/nonexist\", O_WRONLY|O_CREAT|O_TRUNC, 0640) = "
	    "3 [native]\n");
}

static void
test_out_buffer_and_time(void **state)
{
	static char buf[100] = "hello\nworld";
	char want[160];

	fg_map(&fg, buf, sizeof(buf));
	lx_opt.show_time = true;
	/* read's buffer is printed at exit, cut to what was read. */
	assert_string_equal(run(mkcall(LX_NR_read, 3, FG_ADDR(buf), 100, 0, 0,
	    0), 6, LX_SERVED_NATIVE, 123456),
	    "read(3, \"hello\\n\", 100) = 6 [native] <0.000123>\n");
	/* A failed call wrote nothing: the buffer is its address. */
	snprintf(want, sizeof(want), "read(3, %#llx, 100) = -1 EBADF (Bad "
	    "file descriptor) [native] <0.002000>\n",
	    (unsigned long long)FG_ADDR(buf));
	assert_string_equal(run(mkcall(LX_NR_read, 3, FG_ADDR(buf), 100, 0, 0,
	    0), -LX_EBADF, LX_SERVED_NATIVE, 2000000), want);
}

static void
test_served_and_compat(void **state)
{
	assert_string_equal(run(mkcall(LX_NR_ioprio_set, 1, 0, 0x4004, 0, 0,
	    0), 0, LX_SERVED_EMULATED, 0),
	    "ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE("
	    "IOPRIO_CLASS_BE, 4)) = 0 [emulated; NetBSD: unimplemented]\n");
	assert_string_equal(run(mkcall(LX_NR_ioprio_get, 2, 0, 0, 0, 0, 0),
	    0x4004, LX_SERVED_EMULATED, 0),
	    "ioprio_get(IOPRIO_WHO_PGRP, 0) = 16388 (IOPRIO_PRIO_VALUE("
	    "IOPRIO_CLASS_BE, 4)) [emulated; NetBSD: unimplemented]\n");
}

static void
test_unknown_number(void **state)
{
	assert_string_equal(run(mkcall(500, 1, 2, 3, 0, 0, 0x7f00), -LX_ENOSYS,
	    LX_SERVED_UNSUPPORTED, 0),
	    "syscall_0x1f4(0x1, 0x2, 0x3, 0, 0, 0x7f00) = -1 ENOSYS "
	    "(Function not implemented) [unsupported; NetBSD: absent, "
	    "FreeBSD: absent]\n");
}

static void
test_prefix_and_timestamps(void **state)
{
	lx_trace_set_multi(true);
	lx_opt.tt = 3;
	assert_string_equal(run(mkcall(LX_NR_getpid, 0, 0, 0, 0, 0, 0), 4240,
	    LX_SERVED_NATIVE, 0),
	    "[pid 4242] 1700000000.123456 getpid() = 4240 [native]\n");
	lx_opt.tt = 2;
	lx_trace_set_multi(false);
	{
		const char *s = run(mkcall(LX_NR_getpid, 0, 0, 0, 0, 0, 0),
		    4240, LX_SERVED_NATIVE, 0);
		/* HH:MM:SS.uuuuuu in local time. */
		assert_int_equal(s[2], ':');
		assert_int_equal(s[5], ':');
		assert_string_equal(s + 8, ".123456 getpid() = 4240 [native]\n");
	}
}

static void
test_fd_paths(void **state)
{
	char tmpl[] = "/tmp/lxrun-test-trace-XXXXXX";
	int fd = mkstemp(tmpl);
	char want[256];

	assert_true(fd >= 0);
	fg.g.tid = getpid();
	lx_opt.show_fd_paths = 1;
	snprintf(want, sizeof(want), "close(%d<%s>) = 0 [native]\n", fd, tmpl);
	/* The path is read at entry, before close() drops it. */
	{
		struct lx_call c = mkcall(LX_NR_close, (uint64_t)fd, 0, 0, 0,
		    0, 0);

		lx_trace_begin(rec, &c, &fg.g);
		close(fd);
		lx_trace_end(rec, &c, &fg.g, 0, LX_SERVED_NATIVE, 0, 0);
	}
	assert_string_equal(output(), want);
	unlink(tmpl);
}

static void
test_fcntl_and_getrandom(void **state)
{
	static unsigned char rnd[4] = { 0x6f, 0x17, 0x07, 0x3d };

	fg_map(&fg, rnd, sizeof(rnd));
	assert_string_equal(run(mkcall(LX_NR_fcntl, 9, LX_F_GETFL, 0, 0, 0, 0),
	    0x8002, LX_SERVED_NATIVE, 0),
	    "fcntl(9, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE) [native]\n");
	assert_string_equal(run(mkcall(LX_NR_fcntl, 9, LX_F_ADD_SEALS, 6, 0, 0,
	    0), 0, LX_SERVED_EMULATED, 0),
	    "fcntl(9, F_ADD_SEALS, F_SEAL_SHRINK|F_SEAL_GROW) = 0 "
	    "[emulated]\n");
	assert_string_equal(run(mkcall(LX_NR_fcntl, 9, LX_F_GET_SEALS, 0, 0, 0,
	    0), 6, LX_SERVED_EMULATED, 0),
	    "fcntl(9, F_GET_SEALS) = 0x6 (seals F_SEAL_SHRINK|F_SEAL_GROW) "
	    "[emulated]\n");
	assert_string_equal(run(mkcall(LX_NR_getrandom, FG_ADDR(rnd), 4, 1, 0,
	    0, 0), 4, LX_SERVED_EMULATED, 0),
	    "getrandom(\"\\x6f\\x17\\x07\\x3d\", 4, GRND_NONBLOCK) = 4 "
	    "[emulated]\n");
}

static void
test_epoll_wait_exit(void **state)
{
	static unsigned char ev[12] = { 1, 0, 0, 0, 0x34, 0x12 };
	char want[160];

	fg_map(&fg, ev, sizeof(ev));
	assert_string_equal(run(mkcall(LX_NR_epoll_wait, 3, FG_ADDR(ev), 4,
	    100, 0, 0), 1, LX_SERVED_EMULATED, 0),
	    "epoll_wait(3, [{events=EPOLLIN, data={u32=4660, u64=4660}}], 4, "
	    "100) = 1 [emulated]\n");
	snprintf(want, sizeof(want), "epoll_wait(3, %#llx, 4, 100) = -1 "
	    "EINTR (Interrupted system call) [emulated]\n",
	    (unsigned long long)FG_ADDR(ev));
	assert_string_equal(run(mkcall(LX_NR_epoll_wait, 3, FG_ADDR(ev), 4,
	    100, 0, 0), -LX_EINTR, LX_SERVED_EMULATED, 0), want);
}

static void
test_restart_and_unfinished(void **state)
{
	struct lx_call c = mkcall(LX_NR_exit_group, 3, 0, 0, 0, 0, 0);

	assert_string_equal(run(mkcall(LX_NR_pause, 0, 0, 0, 0, 0, 0), -514,
	    LX_SERVED_NATIVE, 0),
	    "pause() = ? ERESTARTNOHAND (To be restarted if no handler) "
	    "[native]\n");
	lx_trace_begin(rec, &c, &fg.g);
	lx_trace_unfinished(rec, &c);
	assert_string_equal(output(), "exit_group(3) = ?\n");
}

static void
test_json_line(void **state)
{
	static char path[] = "/tmp/\"q\"\\\001\377";
	const char *s;

	fg_map(&fg, path, sizeof(path));
	lx_opt.trace_format = LX_FMT_JSON;
	s = run(mkcall(LX_NR_openat, (uint64_t)-100, FG_ADDR(path), 0, 0, 0,
	    0), -LX_ENOENT, LX_SERVED_NATIVE, 12345);
	assert_true(json_valid(s));
	assert_string_equal(s, "{\"pid\":4240,\"tid\":4242,\"nr\":257,"
	    "\"name\":\"openat\",\"args\":[\"AT_FDCWD\","
	    "\"\\\"/tmp/\\\\\\\"q\\\\\\\"\\\\\\\\\\\\1\\\\377\\\"\","
	    "\"O_RDONLY\"],\"ret\":-2,\"errno\":\"ENOENT\","
	    "\"served\":\"native\",\"t\":1700000000.123456,"
	    "\"dur_us\":12.345,\"netbsd\":\"implemented\","
	    "\"freebsd\":\"implemented\"}\n");
	s = run(mkcall(LX_NR_ioprio_get, 1, 0, 0, 0, 0, 0), 0x4004,
	    LX_SERVED_EMULATED, 0);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"ret\":16388,\"errno\":null,"));
	assert_non_null(strstr(s, "\"served\":\"emulated\""));
	assert_non_null(strstr(s, "\"netbsd\":\"unimplemented\""));
	s = run(mkcall(500, 0, 0, 0, 0, 0, 0), -LX_ENOSYS,
	    LX_SERVED_UNSUPPORTED, 0);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"name\":\"syscall_0x1f4\""));
	assert_non_null(strstr(s, "\"served\":\"unsupported\""));
}

static void
test_signal_and_exit_lines(void **state)
{
	unsigned char si[128] = { 0 };
	int v;
	const char *s;

	v = 2;
	memcpy(si, &v, 4);
	v = 1234;
	memcpy(si + 16, &v, 4);
	lx_trace_signal(4242, 2, si);
	assert_string_equal(output(), "--- SIGINT {si_signo=SIGINT, "
	    "si_code=SI_USER, si_pid=1234, si_uid=0} ---\n");
	lx_trace_exit_status(4242, 1 << 8);
	assert_string_equal(output(), "+++ exited with 1 +++\n");
	lx_trace_exit_status(4242, 15);
	assert_string_equal(output(), "+++ killed by SIGTERM +++\n");
	lx_trace_set_multi(true);
	lx_trace_exit_status(4242, 11 | 0x80);
	assert_string_equal(output(),
	    "[pid 4242] +++ killed by SIGSEGV (core dumped) +++\n");

	lx_opt.trace_format = LX_FMT_JSON;
	lx_trace_signal(4242, 2, si);
	s = output();
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"event\":\"signal\",\"signal\":\"SIGINT\""));
	lx_trace_exit_status(4242, 3 << 8);
	s = output();
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"event\":\"exit\",\"exit_code\":3,"
	    "\"signal\":null,\"core_dumped\":false"));
	lx_trace_exit_status(4242, 9);
	s = output();
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"exit_code\":null,\"signal\":\"SIGKILL\""));
}

static void
test_trace_set(void **state)
{
	char err[128];

	assert_int_equal(lx_trace_set_parse("open,close", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_open], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_close], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 0);
	assert_false(lx_opt.trace_unknown);
	/* Unselected: nothing printed, but still counted. */
	assert_string_equal(run(mkcall(LX_NR_getpid, 0, 0, 0, 0, 0, 0), 1,
	    LX_SERVED_NATIVE, 0), "");

	assert_int_equal(lx_trace_set_parse("trace=!open", err, sizeof(err)),
	    0);
	assert_int_equal(lx_opt.trace_set[LX_NR_open], 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 1);
	assert_true(lx_opt.trace_unknown);

	assert_int_equal(lx_trace_set_parse("%file", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_openat], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 0);

	assert_int_equal(lx_trace_set_parse("%desc,getpid", err, sizeof(err)),
	    0);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_getpid], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_kill], 0);

	assert_int_equal(lx_trace_set_parse("all", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_kill], 1);
	assert_true(lx_opt.trace_unknown);
	assert_int_equal(lx_trace_set_parse("none", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_kill], 0);
	assert_false(lx_opt.trace_unknown);
	assert_int_equal(lx_trace_set_parse("!none", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_kill], 1);

	assert_int_equal(lx_trace_set_parse("/^epoll_", err, sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_epoll_wait], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 0);

	assert_int_equal(lx_trace_set_parse("?nosuchcall,read", err,
	    sizeof(err)), 0);
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 1);

	/* An error leaves the set as it was. */
	assert_int_equal(lx_trace_set_parse("read,bogus", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "invalid system call 'bogus'");
	assert_int_equal(lx_opt.trace_set[LX_NR_read], 1);
	assert_int_equal(lx_opt.trace_set[LX_NR_write], 0);
	assert_int_equal(lx_trace_set_parse("%bogus", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid system call class '%bogus'");
	assert_int_equal(lx_trace_set_parse("", err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_error_line),
		T(test_out_buffer_and_time),
		T(test_served_and_compat),
		T(test_unknown_number),
		T(test_prefix_and_timestamps),
		T(test_fd_paths),
		T(test_fcntl_and_getrandom),
		T(test_epoll_wait_exit),
		T(test_restart_and_unfinished),
		T(test_json_line),
		T(test_signal_and_exit_lines),
		T(test_trace_set),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
