/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -c and --report from synthetic counts: the table's columns, order and
 * totals; the report's missing lists, verdict lines and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_check.h"
#include "lxrun/linux_abi.h"
#include "trace/print.h"

static char *text;

static int
setup(void **state)
{
	lx_stats_reset();
	memset(lx_opt.trace_set, 1, sizeof(lx_opt.trace_set));
	lx_opt.trace_unknown = true;
	return 0;
}

static int
teardown(void **state)
{
	free(text);
	text = NULL;
	return 0;
}

static void
add_n(long nr, int n, enum lx_served s, long ret, int64_t ns)
{
	for (int i = 0; i < n; i++)
		lx_stats_add(nr, s, ret, ns);
}

/* A run: openat with errors, read, ioprio_set served, syslog native. */
static void
sample_run(void)
{
	add_n(LX_NR_openat, 7, LX_SERVED_NATIVE, 3, 20000);
	add_n(LX_NR_openat, 3, LX_SERVED_NATIVE, -LX_ENOENT, 10000);
	add_n(LX_NR_read, 4, LX_SERVED_NATIVE, 10, 250000);
	add_n(LX_NR_ioprio_set, 2, LX_SERVED_EMULATED, 0, 5000);
	add_n(LX_NR_syslog, 1, LX_SERVED_NATIVE, 0, 0);
	add_n(500, 1, LX_SERVED_UNSUPPORTED, -LX_ENOSYS, 0);
}

static const char *
capture_stats(void)
{
	size_t len;
	FILE *f = open_memstream(&text, &len);

	lx_stats_print(f);
	fclose(f);
	return text;
}

static const char *
capture_report(enum lx_format fmt)
{
	size_t len;
	FILE *f = open_memstream(&text, &len);

	lx_report_print(f, fmt);
	fclose(f);
	return text;
}

static void
test_summary_table(void **state)
{
	const char *want =
	    "% time     seconds  usecs/call     calls    errors syscall"
	    "          served\n"
	    "------ ----------- ----------- --------- --------- "
	    "---------------- ------------\n"
	    " 84.75    0.001000         250         4           read"
	    "             native\n"
	    " 14.41    0.000170          17        10         3 openat"
	    "           native\n"
	    "  0.85    0.000010           5         2           ioprio_set"
	    "       emulated\n"
	    "  0.00    0.000000           0         1         1 "
	    "syscall_0x1f4    unsupported\n"
	    "  0.00    0.000000           0         1           syslog"
	    "           native\n"
	    "------ ----------- ----------- --------- "
	    "--------- ---------------- ------------\n"
	    "100.00    0.001180          65        18         4 total\n";

	sample_run();
	assert_string_equal(capture_stats(), want);
}

static void
test_summary_follows_trace_set(void **state)
{
	char err[64];
	const char *s;

	sample_run();
	assert_int_equal(lx_trace_set_parse("read", err, sizeof(err)), 0);
	s = capture_stats();
	assert_non_null(strstr(s, " read "));
	assert_null(strstr(s, "openat"));
	assert_null(strstr(s, "syscall_0x1f4"));
	assert_non_null(strstr(s, "         4           total\n"));
}

static void
test_mixed_served(void **state)
{
	add_n(LX_NR_fcntl, 2, LX_SERVED_NATIVE, 0, 0);
	add_n(LX_NR_fcntl, 1, LX_SERVED_EMULATED, 0, 0);
	assert_non_null(strstr(capture_stats(), " fcntl            "
	    "native+emulated\n"));
}

static void
test_report_text(void **state)
{
	const char *s;

	sample_run();
	s = capture_report(LX_FMT_TEXT);
	assert_non_null(strstr(s,
	    "lxrun compatibility report: 5 syscalls used, 18 calls\n"));
	assert_non_null(strstr(s, "NetBSD compat_linux lacks 3 of the 5 "
	    "syscalls used:\n"));
	assert_non_null(strstr(s, "  ioprio_set             unimplemented  "
	    "        2  emulated\n"));
	assert_non_null(strstr(s, "  syslog                 unimplemented  "
	    "        1  native (would fail on NetBSD)\n"));
	assert_non_null(strstr(s, "FreeBSD Linuxulator lacks 1 of the 5 "
	    "syscalls used:\n"));
	assert_non_null(strstr(s, "\nNetBSD: 3 of 5 syscalls used are missing "
	    "(syslog ran natively; ioprio_set served by lxrun; syscall_0x1f4 "
	    "unsupported by lxrun too)\n"));
	assert_non_null(strstr(s, "\nFreeBSD: 1 of 5 syscalls used is missing "
	    "(syscall_0x1f4 unsupported by lxrun too)\n"));
	assert_non_null(strstr(s, "lxrun served every missing syscall: no\n"));
}

static void
test_report_all_served(void **state)
{
	const char *s;

	add_n(LX_NR_read, 4, LX_SERVED_NATIVE, 10, 0);
	add_n(LX_NR_ioprio_set, 1, LX_SERVED_EMULATED, 0, 0);
	s = capture_report(LX_FMT_TEXT);
	assert_non_null(strstr(s, "NetBSD: 1 of 2 syscalls used is missing "
	    "(ioprio_set served by lxrun)\n"));
	assert_non_null(strstr(s, "FreeBSD: 0 of 2 syscalls used are "
	    "missing\n"));
	assert_non_null(strstr(s, "lxrun served every missing syscall: yes\n"));
	free(text);
	s = capture_report(LX_FMT_JSON);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"lxrun_served_all\":true}"));
}

/* restart_syscall is the kernel's resumption of a sleep, not a call. */
static void
test_report_restart_syscall(void **state)
{
	const char *s;

	add_n(LX_NR_read, 4, LX_SERVED_NATIVE, 10, 0);
	add_n(LX_NR_restart_syscall, 1, LX_SERVED_NATIVE, 0, 0);
	s = capture_report(LX_FMT_TEXT);
	assert_non_null(strstr(s, "NetBSD: 0 of 2 syscalls used are "
	    "missing\n"));
	assert_non_null(strstr(s, "FreeBSD: 0 of 2 syscalls used are "
	    "missing\n"));
	assert_non_null(strstr(s, "lxrun served every missing syscall: yes\n"));
}

static void
test_report_json(void **state)
{
	const char *s;

	sample_run();
	s = capture_report(LX_FMT_JSON);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "{\"syscalls_used\":5,\"calls\":18,"
	    "\"netbsd\":{\"missing\":["));
	assert_non_null(strstr(s, "{\"name\":\"ioprio_set\",\"nr\":251,"
	    "\"status\":\"unimplemented\",\"calls\":2,\"served\":\"emulated\","
	    "\"served_by_lxrun\":true}"));
	assert_non_null(strstr(s, "{\"name\":\"syslog\",\"nr\":103,"
	    "\"status\":\"unimplemented\",\"calls\":1,\"served\":\"native\","
	    "\"served_by_lxrun\":false}"));
	assert_non_null(strstr(s, "\"missing_count\":3,\"served_by_lxrun\":1,"
	    "\"would_fail\":2}"));
	assert_non_null(strstr(s, "\"freebsd\":{\"missing\":[{\"name\":"
	    "\"syscall_0x1f4\""));
	assert_non_null(strstr(s, "\"lxrun_served_all\":false}\n"));
}

static void
test_empty_run(void **state)
{
	const char *s = capture_report(LX_FMT_JSON);

	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"syscalls_used\":0"));
	free(text);
	s = capture_stats();
	assert_non_null(strstr(s, "100.00    0.000000           0         0"
	    "           total\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_summary_table),
		T(test_summary_follows_trace_set),
		T(test_mixed_served),
		T(test_report_text),
		T(test_report_all_served),
		T(test_report_restart_syscall),
		T(test_report_json),
		T(test_empty_run),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
