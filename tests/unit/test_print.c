/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace's value printers: flags, strings (escaping and -s cutting),
 * structs read from a fake guest, signals, errno names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/linux_abi.h"
#include "trace/print.h"
#include "trace/xlat.h"

static struct fake_guest fg;
static struct lx_call call;
static struct lx_sbuf args[LX_NARGS], retx, out;
static struct lx_pctx pc;

static int
setup(void **state)
{
	fg_init(&fg);
	memset(&call, 0, sizeof(call));
	call.pid = fg.g.pid;
	call.tid = fg.g.tid;
	memset(&pc, 0, sizeof(pc));
	pc.c = &call;
	pc.g = &fg.g;
	pc.arg = args;
	pc.retx = &retx;
	sb_reset(&out);
	lx_opt.strsize = 32;
	lx_opt.verbose = false;
	lx_opt.show_fd_paths = 0;
	return 0;
}

#define OUT()	sb_str(&out)

static void
test_open_flags(void **state)
{
	lx_print_open_flags(&out, 0x80000 | 0x20000 | 0x40000000);
	assert_string_equal(OUT(), "O_RDONLY|O_NOFOLLOW|O_CLOEXEC|0x40000000");
	sb_reset(&out);
	lx_print_open_flags(&out, 0x241);
	assert_string_equal(OUT(), "O_WRONLY|O_CREAT|O_TRUNC");
	sb_reset(&out);
	lx_print_open_flags(&out, 0x101002);
	assert_string_equal(OUT(), "O_RDWR|O_SYNC");
	sb_reset(&out);
	lx_print_open_flags(&out, 0x410002);
	assert_string_equal(OUT(), "O_RDWR|O_TMPFILE");
}

static void
test_flag_tables(void **state)
{
	lx_print_flags(&out, lx_x_prot, 0, "PROT_NONE");
	assert_string_equal(OUT(), "PROT_NONE");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_prot, 3, "PROT_NONE");
	assert_string_equal(OUT(), "PROT_READ|PROT_WRITE");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_statx_mask, 0x17ff, NULL);
	assert_string_equal(OUT(), "STATX_BASIC_STATS|STATX_MNT_ID");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_epoll_events, 0x80002001, NULL);
	assert_string_equal(OUT(), "EPOLLIN|EPOLLRDHUP|EPOLLET");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_inotify_mask, 0x1000340, NULL);
	assert_string_equal(OUT(),
	    "IN_MOVED_FROM|IN_CREATE|IN_DELETE|IN_ONLYDIR");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_mfd_flags, 0x3, NULL);
	assert_string_equal(OUT(), "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_wait_options, 0x5, NULL);
	assert_string_equal(OUT(), "WNOHANG|WEXITED");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_grnd_flags, 0x10, NULL);
	assert_string_equal(OUT(), "0x10");
	sb_reset(&out);
	lx_print_flags(&out, lx_x_close_range_flags, 0, NULL);
	assert_string_equal(OUT(), "0");
}

static void
test_kinds(void **state)
{
	static const struct {
		int kind;
		uint64_t v;
		const char *want;
	} cases[] = {
		{ LXA_INT, (uint64_t)-1, "-1" },
		{ LXA_HEX, 0x1f4, "0x1f4" },
		{ LXA_PTR, 0, "NULL" },
		{ LXA_PTR, 0x7ffd1000, "0x7ffd1000" },
		{ LXA_DIRFD, (uint64_t)(int64_t)-100, "AT_FDCWD" },
		{ LXA_MODE, 0644, "0644" },
		{ LXA_MODE, 0, "000" },
		{ LXA_MODE, 0100644, "S_IFREG|0644" },
		{ LXA_OCT, 022, "022" },
		{ LXA_ACCESS_MODE, 0, "F_OK" },
		{ LXA_ACCESS_MODE, 6, "R_OK|W_OK" },
		{ LXA_MAP_FLAGS, 0x22, "MAP_PRIVATE|MAP_ANONYMOUS" },
		{ LXA_CLONE_FLAGS, 0x1200011,
		    "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD" },
		{ LXA_SIGNUM, 15, "SIGTERM" },
		{ LXA_SIGNUM, 34, "SIGRT_2" },
		{ LXA_SIGNUM, 0, "0" },
		{ LXA_FUTEX_OP, 0x80, "FUTEX_WAIT_PRIVATE" },
		{ LXA_FUTEX_OP, 0x189,
		    "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME" },
		{ LXA_SOCK_TYPE, 0x80801,
		    "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC" },
		{ LXA_IOPRIO, 0x4004, "IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)" },
		{ LXA_IOPRIO_WHICH, 1, "IOPRIO_WHO_PROCESS" },
		{ LXA_FCNTL_CMD, 1033, "F_ADD_SEALS" },
		{ LXA_IOCTL_REQ, 0x5401, "TCGETS" },
		{ LXA_IOCTL_REQ, 0x12345, "0x12345" },
		{ LXA_AT_FLAGS, 0x1100, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH" },
		{ LXA_WHENCE, 2, "SEEK_END" },
		{ LXA_CLOCKID, 1, "CLOCK_MONOTONIC" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call.arg[0] = cases[i].v;
		lx_print_kind(&pc, 0, cases[i].kind);
		assert_string_equal(sb_str(&args[0]), cases[i].want);
	}
}

static void
test_quote_escapes(void **state)
{
	static const unsigned char s[] = "x\n\t\"\\\001\377a\r\f\v";

	lx_quote(&out, s, sizeof(s) - 1, false);
	assert_string_equal(OUT(), "\"x\\n\\t\\\"\\\\\\1\\377a\\r\\f\\v\"");
	sb_reset(&out);
	/* A digit after a non-printable byte forces three octal digits. */
	lx_quote(&out, (const unsigned char *)"\0001\0a", 4, false);
	assert_string_equal(OUT(), "\"\\0001\\0a\"");
	sb_reset(&out);
	lx_quote(&out, (const unsigned char *)"\x6f\x17", 2, true);
	assert_string_equal(OUT(), "\"\\x6f\\x17\"");
}

static void
test_buffer_cut(void **state)
{
	static char data[] = "x\n\t\"\\\001\377abcdefghijklmnopqrstuvwxyz";

	fg_map(&fg, data, sizeof(data));
	lx_opt.strsize = 8;
	lx_print_buf(&pc, &out, FG_ADDR(data), 30, false);
	assert_string_equal(OUT(), "\"x\\n\\t\\\"\\\\\\1\\377a\"...");
	sb_reset(&out);
	lx_print_buf(&pc, &out, FG_ADDR(data), 8, false);
	assert_string_equal(OUT(), "\"x\\n\\t\\\"\\\\\\1\\377a\"");
}

static void
test_cstring_cut(void **state)
{
	static char s40[] = "0123456789012345678901234567890123456789";
	static char s5[] = "hello";

	fg_map(&fg, s40, sizeof(s40));
	fg_map(&fg, s5, sizeof(s5));
	lx_print_cstr(&pc, &out, FG_ADDR(s40), 32);
	assert_string_equal(OUT(),
	    "\"01234567890123456789012345678901\"...");
	sb_reset(&out);
	lx_print_cstr(&pc, &out, FG_ADDR(s5), 32);
	assert_string_equal(OUT(), "\"hello\"");
	sb_reset(&out);
	lx_print_cstr(&pc, &out, FG_ADDR(s5), 5);
	assert_string_equal(OUT(), "\"hello\"");
	sb_reset(&out);
	lx_print_cstr(&pc, &out, FG_ADDR(s5), 4);
	assert_string_equal(OUT(), "\"hell\"...");
	sb_reset(&out);
	/* Paths are not cut by -s. */
	lx_print_path(&pc, &out, FG_ADDR(s40));
	assert_string_equal(OUT(),
	    "\"0123456789012345678901234567890123456789\"");
}

static void
test_bad_pointers(void **state)
{
	lx_print_cstr(&pc, &out, 0xdead0000, 32);
	assert_string_equal(OUT(), "0xdead0000");
	sb_reset(&out);
	lx_print_path(&pc, &out, 0);
	assert_string_equal(OUT(), "NULL");
	sb_reset(&out);
	lx_print_stat(&pc, &out, 0x1000);
	assert_string_equal(OUT(), "0x1000");
	sb_reset(&out);
	lx_print_buf(&pc, &out, 0xdead0000, 4, false);
	assert_string_equal(OUT(), "0xdead0000");
}

static void
put32(unsigned char *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void
put64(unsigned char *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static void
test_stat(void **state)
{
	static unsigned char st[144];

	fg_map(&fg, st, sizeof(st));
	put32(st, 24, 0100644);
	put64(st, 48, 123);
	lx_print_stat(&pc, &out, FG_ADDR(st));
	assert_string_equal(OUT(), "{st_mode=S_IFREG|0644, st_size=123, ...}");
	sb_reset(&out);
	put32(st, 24, 020666);
	put64(st, 40, (1 << 8) | 3);
	lx_print_stat(&pc, &out, FG_ADDR(st));
	assert_string_equal(OUT(),
	    "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}");
	sb_reset(&out);
	lx_opt.verbose = true;
	put32(st, 24, 0100600);
	put64(st, 8, 409605);
	put64(st, 16, 1);
	put64(st, 56, 4096);
	put64(st, 64, 8);
	put64(st, 72, 1700000000);
	lx_print_stat(&pc, &out, FG_ADDR(st));
	assert_non_null(strstr(OUT(), "st_ino=409605, st_mode=S_IFREG|0600, "
	    "st_nlink=1, st_uid=0, st_gid=0, st_blksize=4096, st_blocks=8, "
	    "st_size=123, st_atime=1700000000, st_atime_nsec=0"));
}

static void
test_statx(void **state)
{
	static unsigned char sx[256];

	fg_map(&fg, sx, sizeof(sx));
	put32(sx, 0, 0x17ff);
	memcpy(sx + 28, &(uint16_t){ 0100644 }, 2);
	put64(sx, 40, 1271);
	lx_print_statx(&pc, &out, FG_ADDR(sx));
	assert_string_equal(OUT(), "{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, "
	    "stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1271, ...}");
	/* verbose: the optional fields the mask says were filled */
	lx_opt.verbose = true;
	sb_reset(&out);
	put32(sx, 0, 0x7ff | 0x2000 | 0x4000 | 0x20000);
	put64(sx, 144, 0x8000001bULL);
	put32(sx, 152, 512);
	put32(sx, 156, 4096);
	put32(sx, 180, 2048);
	lx_print_statx(&pc, &out, FG_ADDR(sx));
	assert_non_null(strstr(OUT(), "stx_mnt_id=0x8000001b, "
	    "stx_dio_mem_align=512, stx_dio_offset_align=4096, "
	    "stx_dio_read_offset_align=2048}"));
	assert_null(strstr(OUT(), "stx_btime"));
	assert_null(strstr(OUT(), "stx_subvol"));
}

static void
test_sigsets(void **state)
{
	static uint64_t set = (1ULL << 1) | (1ULL << 14);

	lx_print_sigmask(&out, set);
	assert_string_equal(OUT(), "[INT TERM]");
	sb_reset(&out);
	lx_print_sigmask(&out, ~((1ULL << 31) | (1ULL << 32)));
	assert_string_equal(OUT(), "~[RTMIN RT_1]");
	sb_reset(&out);
	lx_print_sigmask(&out, 0);
	assert_string_equal(OUT(), "[]");
	sb_reset(&out);
	fg_map(&fg, &set, sizeof(set));
	lx_print_sigset(&pc, &out, FG_ADDR(&set));
	assert_string_equal(OUT(), "[INT TERM]");
}

static void
test_siginfo(void **state)
{
	unsigned char si[128] = { 0 };

	put32(si, 0, 2);
	put32(si, 8, 0);
	put32(si, 16, 1234);
	lx_print_siginfo_buf(&out, si);
	assert_string_equal(OUT(),
	    "{si_signo=SIGINT, si_code=SI_USER, si_pid=1234, si_uid=0}");
	sb_reset(&out);
	put32(si, 0, 17);
	put32(si, 8, 1);
	put32(si, 16, 5672);
	put32(si, 24, 3);
	lx_print_siginfo_buf(&out, si);
	assert_string_equal(OUT(), "{si_signo=SIGCHLD, si_code=CLD_EXITED, "
	    "si_pid=5672, si_uid=0, si_status=3, si_utime=0, si_stime=0}");
	sb_reset(&out);
	put32(si, 8, 2);
	put32(si, 24, 15);
	lx_print_siginfo_buf(&out, si);
	assert_non_null(strstr(OUT(), "si_code=CLD_KILLED, si_pid=5672, "
	    "si_uid=0, si_status=SIGTERM"));
	sb_reset(&out);
	memset(si, 0, sizeof(si));
	put32(si, 0, 11);
	put32(si, 8, 1);
	put64(si, 16, 0);
	lx_print_siginfo_buf(&out, si);
	assert_string_equal(OUT(),
	    "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}");
	sb_reset(&out);
	memset(si, 0, sizeof(si));
	lx_print_siginfo_buf(&out, si);
	assert_string_equal(OUT(), "{}");
}

static void
test_wstatus(void **state)
{
	lx_print_wstatus_val(&out, 3 << 8);
	assert_string_equal(OUT(), "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]");
	sb_reset(&out);
	lx_print_wstatus_val(&out, 15 | 0x80);
	assert_string_equal(OUT(),
	    "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM && WCOREDUMP(s)}]");
	sb_reset(&out);
	lx_print_wstatus_val(&out, (19 << 8) | 0x7f);
	assert_string_equal(OUT(),
	    "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]");
}

static void
test_epoll_event(void **state)
{
	static unsigned char ev[24];

	fg_map(&fg, ev, sizeof(ev));
	put32(ev, 0, 0x80002001);
	put64(ev, 4, 0x1234);
	put32(ev, 12, 0x4);
	put64(ev, 16, 0x100000005ULL);
	lx_print_epoll_event(&pc, &out, FG_ADDR(ev));
	assert_string_equal(OUT(), "{events=EPOLLIN|EPOLLRDHUP|EPOLLET, "
	    "data={u32=4660, u64=4660}}");
	sb_reset(&out);
	lx_print_epoll_events(&pc, &out, FG_ADDR(ev), 2);
	assert_string_equal(OUT(), "[{events=EPOLLIN|EPOLLRDHUP|EPOLLET, "
	    "data={u32=4660, u64=4660}}, {events=EPOLLOUT, "
	    "data={u32=5, u64=4294967301}}]");
	sb_reset(&out);
	lx_print_epoll_events(&pc, &out, FG_ADDR(ev), 0);
	assert_string_equal(OUT(), "[]");
}

static void
test_argv_envp(void **state)
{
	static char a0[] = "/bin/true", a1[] = "-l", a2[] = "a\nb";
	static uint64_t argv[4];

	argv[0] = FG_ADDR(a0);
	argv[1] = FG_ADDR(a1);
	argv[2] = FG_ADDR(a2);
	argv[3] = 0;
	fg_map(&fg, a0, sizeof(a0));
	fg_map(&fg, a1, sizeof(a1));
	fg_map(&fg, a2, sizeof(a2));
	fg_map(&fg, argv, sizeof(argv));
	lx_opt.strsize = 8;
	lx_print_argv(&pc, &out, FG_ADDR(argv));
	assert_string_equal(OUT(), "[\"/bin/tru\"..., \"-l\", \"a\\nb\"]");
	sb_reset(&out);
	lx_print_envp(&pc, &out, FG_ADDR(argv));
	assert_non_null(strstr(OUT(), " /* 3 vars */"));
	assert_true(strncmp(OUT(), "0x", 2) == 0);
}

static void
test_errnoent(void **state)
{
	assert_string_equal(lx_errno_name(2), "ENOENT");
	assert_string_equal(lx_errno_msg(2), "No such file or directory");
	assert_string_equal(lx_errno_name(38), "ENOSYS");
	assert_string_equal(lx_errno_msg(38), "Function not implemented");
	assert_string_equal(lx_errno_name(11), "EAGAIN");
	assert_string_equal(lx_errno_name(512), "ERESTARTSYS");
	assert_true(lx_errno_is_restart(512));
	assert_null(lx_errno_name(0));
	assert_null(lx_errno_name(4000));
}

static void
test_sockaddr(void **state)
{
	static unsigned char sin[16] = { 2, 0, 0, 80, 127, 0, 0, 1 };
	static unsigned char sun[16] = { 1, 0, '/', 't', 'm', 'p', '/', 's' };

	fg_map(&fg, sin, sizeof(sin));
	fg_map(&fg, sun, sizeof(sun));
	lx_print_sockaddr(&pc, &out, FG_ADDR(sin), 16);
	assert_string_equal(OUT(), "{sa_family=AF_INET, sin_port=htons(80), "
	    "sin_addr=inet_addr(\"127.0.0.1\")}");
	sb_reset(&out);
	lx_print_sockaddr(&pc, &out, FG_ADDR(sun), 9);
	assert_string_equal(OUT(),
	    "{sa_family=AF_UNIX, sun_path=\"/tmp/s\"}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_flags, setup),
		cmocka_unit_test_setup(test_flag_tables, setup),
		cmocka_unit_test_setup(test_kinds, setup),
		cmocka_unit_test_setup(test_quote_escapes, setup),
		cmocka_unit_test_setup(test_buffer_cut, setup),
		cmocka_unit_test_setup(test_cstring_cut, setup),
		cmocka_unit_test_setup(test_bad_pointers, setup),
		cmocka_unit_test_setup(test_stat, setup),
		cmocka_unit_test_setup(test_statx, setup),
		cmocka_unit_test_setup(test_sigsets, setup),
		cmocka_unit_test_setup(test_siginfo, setup),
		cmocka_unit_test_setup(test_wstatus, setup),
		cmocka_unit_test_setup(test_epoll_event, setup),
		cmocka_unit_test_setup(test_argv_envp, setup),
		cmocka_unit_test_setup(test_errnoent, setup),
		cmocka_unit_test_setup(test_sockaddr, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
