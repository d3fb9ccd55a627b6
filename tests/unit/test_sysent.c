/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall table: numbers and names against the host's <sys/syscall.h>
 * and lxrun's own linux/syscalls.h, row consistency, the compat totals of
 * shared/data, look-ups, the unknown row, the listings, families, hooks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lxrun/linux_abi.h"
#include "lxrun/sysent.h"
#include "lxrun/trace.h"

#define NROWS	383

/*
 * Every syscall of the table, with the host's number.  glibc 2.36
 * (Debian 12) has the Linux 6.0 list; the calls added since (kernel
 * version given) get -1 where glibc lacks them and are checked against
 * lxrun's own LX_NR_* only.
 */
#ifndef SYS_uretprobe
#define SYS_uretprobe	-1	/* Linux 6.11 */
#endif
#ifndef SYS_cachestat
#define SYS_cachestat	-1	/* Linux 6.5 */
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2	-1	/* Linux 6.6 */
#endif
#ifndef SYS_map_shadow_stack
#define SYS_map_shadow_stack	-1	/* Linux 6.6 */
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake	-1	/* Linux 6.7 */
#endif
#ifndef SYS_futex_wait
#define SYS_futex_wait	-1	/* Linux 6.7 */
#endif
#ifndef SYS_futex_requeue
#define SYS_futex_requeue	-1	/* Linux 6.7 */
#endif
#ifndef SYS_statmount
#define SYS_statmount	-1	/* Linux 6.8 */
#endif
#ifndef SYS_listmount
#define SYS_listmount	-1	/* Linux 6.8 */
#endif
#ifndef SYS_lsm_get_self_attr
#define SYS_lsm_get_self_attr	-1	/* Linux 6.8 */
#endif
#ifndef SYS_lsm_set_self_attr
#define SYS_lsm_set_self_attr	-1	/* Linux 6.8 */
#endif
#ifndef SYS_lsm_list_modules
#define SYS_lsm_list_modules	-1	/* Linux 6.8 */
#endif
#ifndef SYS_mseal
#define SYS_mseal	-1	/* Linux 6.10 */
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat	-1	/* Linux 6.13 */
#endif
#ifndef SYS_getxattrat
#define SYS_getxattrat	-1	/* Linux 6.13 */
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat	-1	/* Linux 6.13 */
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat	-1	/* Linux 6.13 */
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr	-1	/* Linux 6.15 */
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr	-1	/* Linux 6.17 */
#endif
#ifndef SYS_file_setattr
#define SYS_file_setattr	-1	/* Linux 6.17 */
#endif
#ifndef SYS_uprobe
#define SYS_uprobe	-1	/* Linux 6.18 */
#endif

struct hostcall {
	const char *name;
	long host_nr;		/* SYS_name, -1 if glibc lacks it */
	long lx_nr;		/* LX_NR_name */
};

#define H(x)	{ #x, SYS_##x, LX_NR_##x },

static const struct hostcall hostcalls[] = {
	H(read) H(write) H(open) H(close) H(stat) H(fstat) H(lstat) H(poll)
	H(lseek) H(mmap) H(mprotect) H(munmap) H(brk) H(rt_sigaction)
	H(rt_sigprocmask) H(rt_sigreturn) H(ioctl) H(pread64) H(pwrite64)
	H(readv) H(writev) H(access) H(pipe) H(select) H(sched_yield)
	H(mremap) H(msync) H(mincore) H(madvise) H(shmget) H(shmat) H(shmctl)
	H(dup) H(dup2) H(pause) H(nanosleep) H(getitimer) H(alarm)
	H(setitimer) H(getpid) H(sendfile) H(socket) H(connect) H(accept)
	H(sendto) H(recvfrom) H(sendmsg) H(recvmsg) H(shutdown) H(bind)
	H(listen) H(getsockname) H(getpeername) H(socketpair) H(setsockopt)
	H(getsockopt) H(clone) H(fork) H(vfork) H(execve) H(exit) H(wait4)
	H(kill) H(uname) H(semget) H(semop) H(semctl) H(shmdt) H(msgget)
	H(msgsnd) H(msgrcv) H(msgctl) H(fcntl) H(flock) H(fsync) H(fdatasync)
	H(truncate) H(ftruncate) H(getdents) H(getcwd) H(chdir) H(fchdir)
	H(rename) H(mkdir) H(rmdir) H(creat) H(link) H(unlink) H(symlink)
	H(readlink) H(chmod) H(fchmod) H(chown) H(fchown) H(lchown) H(umask)
	H(gettimeofday) H(getrlimit) H(getrusage) H(sysinfo) H(times)
	H(ptrace) H(getuid) H(syslog) H(getgid) H(setuid) H(setgid)
	H(geteuid) H(getegid) H(setpgid) H(getppid) H(getpgrp) H(setsid)
	H(setreuid) H(setregid) H(getgroups) H(setgroups) H(setresuid)
	H(getresuid) H(setresgid) H(getresgid) H(getpgid) H(setfsuid)
	H(setfsgid) H(getsid) H(capget) H(capset) H(rt_sigpending)
	H(rt_sigtimedwait) H(rt_sigqueueinfo) H(rt_sigsuspend) H(sigaltstack)
	H(utime) H(mknod) H(uselib) H(personality) H(ustat) H(statfs)
	H(fstatfs) H(sysfs) H(getpriority) H(setpriority) H(sched_setparam)
	H(sched_getparam) H(sched_setscheduler) H(sched_getscheduler)
	H(sched_get_priority_max) H(sched_get_priority_min)
	H(sched_rr_get_interval) H(mlock) H(munlock) H(mlockall)
	H(munlockall) H(vhangup) H(modify_ldt) H(pivot_root) H(_sysctl)
	H(prctl) H(arch_prctl) H(adjtimex) H(setrlimit) H(chroot) H(sync)
	H(acct) H(settimeofday) H(mount) H(umount2) H(swapon) H(swapoff)
	H(reboot) H(sethostname) H(setdomainname) H(iopl) H(ioperm)
	H(create_module) H(init_module) H(delete_module) H(get_kernel_syms)
	H(query_module) H(quotactl) H(nfsservctl) H(getpmsg) H(putpmsg)
	H(afs_syscall) H(tuxcall) H(security) H(gettid) H(readahead)
	H(setxattr) H(lsetxattr) H(fsetxattr) H(getxattr) H(lgetxattr)
	H(fgetxattr) H(listxattr) H(llistxattr) H(flistxattr) H(removexattr)
	H(lremovexattr) H(fremovexattr) H(tkill) H(time) H(futex)
	H(sched_setaffinity) H(sched_getaffinity) H(set_thread_area)
	H(io_setup) H(io_destroy) H(io_getevents) H(io_submit) H(io_cancel)
	H(get_thread_area) H(lookup_dcookie) H(epoll_create) H(epoll_ctl_old)
	H(epoll_wait_old) H(remap_file_pages) H(getdents64)
	H(set_tid_address) H(restart_syscall) H(semtimedop) H(fadvise64)
	H(timer_create) H(timer_settime) H(timer_gettime) H(timer_getoverrun)
	H(timer_delete) H(clock_settime) H(clock_gettime) H(clock_getres)
	H(clock_nanosleep) H(exit_group) H(epoll_wait) H(epoll_ctl) H(tgkill)
	H(utimes) H(vserver) H(mbind) H(set_mempolicy) H(get_mempolicy)
	H(mq_open) H(mq_unlink) H(mq_timedsend) H(mq_timedreceive)
	H(mq_notify) H(mq_getsetattr) H(kexec_load) H(waitid) H(add_key)
	H(request_key) H(keyctl) H(ioprio_set) H(ioprio_get) H(inotify_init)
	H(inotify_add_watch) H(inotify_rm_watch) H(migrate_pages) H(openat)
	H(mkdirat) H(mknodat) H(fchownat) H(futimesat) H(newfstatat)
	H(unlinkat) H(renameat) H(linkat) H(symlinkat) H(readlinkat)
	H(fchmodat) H(faccessat) H(pselect6) H(ppoll) H(unshare)
	H(set_robust_list) H(get_robust_list) H(splice) H(tee)
	H(sync_file_range) H(vmsplice) H(move_pages) H(utimensat)
	H(epoll_pwait) H(signalfd) H(timerfd_create) H(eventfd) H(fallocate)
	H(timerfd_settime) H(timerfd_gettime) H(accept4) H(signalfd4)
	H(eventfd2) H(epoll_create1) H(dup3) H(pipe2) H(inotify_init1)
	H(preadv) H(pwritev) H(rt_tgsigqueueinfo) H(perf_event_open)
	H(recvmmsg) H(fanotify_init) H(fanotify_mark) H(prlimit64)
	H(name_to_handle_at) H(open_by_handle_at) H(clock_adjtime) H(syncfs)
	H(sendmmsg) H(setns) H(getcpu) H(process_vm_readv)
	H(process_vm_writev) H(kcmp) H(finit_module) H(sched_setattr)
	H(sched_getattr) H(renameat2) H(seccomp) H(getrandom) H(memfd_create)
	H(kexec_file_load) H(bpf) H(execveat) H(userfaultfd) H(membarrier)
	H(mlock2) H(copy_file_range) H(preadv2) H(pwritev2) H(pkey_mprotect)
	H(pkey_alloc) H(pkey_free) H(statx) H(io_pgetevents) H(rseq)
	H(uretprobe) H(uprobe) H(pidfd_send_signal) H(io_uring_setup)
	H(io_uring_enter) H(io_uring_register) H(open_tree) H(move_mount) H(fsopen) H(fsconfig)
	H(fsmount) H(fspick) H(pidfd_open) H(clone3) H(close_range)
	H(openat2) H(pidfd_getfd) H(faccessat2) H(process_madvise)
	H(epoll_pwait2) H(mount_setattr) H(quotactl_fd)
	H(landlock_create_ruleset) H(landlock_add_rule)
	H(landlock_restrict_self) H(memfd_secret) H(process_mrelease)
	H(futex_waitv) H(set_mempolicy_home_node) H(cachestat) H(fchmodat2)
	H(map_shadow_stack) H(futex_wake) H(futex_wait) H(futex_requeue)
	H(statmount) H(listmount) H(lsm_get_self_attr) H(lsm_set_self_attr)
	H(lsm_list_modules) H(mseal) H(setxattrat) H(getxattrat)
	H(listxattrat) H(removexattrat) H(open_tree_attr) H(file_getattr)
	H(file_setattr)
};

#undef H

#define NHOSTCALLS	(sizeof(hostcalls) / sizeof(hostcalls[0]))

static int
count_known_rows(void)
{
	long nr;
	int n = 0;

	for (nr = 0; nr < LX_NR_MAX; nr++)
		n += lx_sysent_known(nr) != 0;
	return n;
}

static void
test_rows_match_host_numbers(void **state)
{
	size_t i;
	int unchecked = 0;

	(void)state;
	assert_int_equal(NHOSTCALLS, NROWS);
	assert_int_equal(count_known_rows(), NROWS);
	for (i = 0; i < NHOSTCALLS; i++) {
		const struct hostcall *h = &hostcalls[i];
		const struct lx_sysent *e = lx_sysent(h->lx_nr);

		assert_true(lx_sysent_known(h->lx_nr));
		assert_string_equal(e->name, h->name);
		assert_int_equal(e->nr, h->lx_nr);
		if (h->host_nr < 0) {
			print_message("  not in this glibc's <sys/syscall.h>"
			    " (newer): %s (%ld)\n", h->name, h->lx_nr);
			unchecked++;
			continue;
		}
		assert_int_equal(h->host_nr, h->lx_nr);
		e = lx_sysent(h->host_nr);
		assert_string_equal(e->name, h->name);
	}
	print_message("  %d of %d names checked against <sys/syscall.h>\n",
	    NROWS - unchecked, NROWS);
}

static void
test_table_layout(void **state)
{
	long nr;

	(void)state;
	assert_int_equal(LX_NR_MAX, 470);
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		int gap = nr >= 337 && nr <= 423;

		assert_int_equal(lx_sysent_known(nr), !gap);
	}
	assert_string_equal(lx_sysent(0)->name, "read");
	assert_string_equal(lx_sysent(335)->name, "uretprobe");
	assert_string_equal(lx_sysent(424)->name, "pidfd_send_signal");
	assert_string_equal(lx_sysent(336)->name, "uprobe");
	assert_string_equal(lx_sysent(462)->name, "mseal");
	assert_string_equal(lx_sysent(469)->name, "file_setattr");
}

static void
test_names_unique(void **state)
{
	long a, b;

	(void)state;
	for (a = 0; a < LX_NR_MAX; a++) {
		if (!lx_sysent_known(a))
			continue;
		assert_true(lx_sysent(a)->name[0] != '\0');
		for (b = a + 1; b < LX_NR_MAX; b++)
			if (lx_sysent_known(b))
				assert_string_not_equal(lx_sysent(a)->name,
				    lx_sysent(b)->name);
	}
}

static void
test_arg_kinds(void **state)
{
	long nr;
	int i;

	(void)state;
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = lx_sysent(nr);

		if (!lx_sysent_known(nr))
			continue;
		assert_in_range(e->nargs, 0, LX_NARGS);
		for (i = 0; i < LX_NARGS; i++) {
			if (i < e->nargs) {
				if (e->arg[i] == LXA_NONE)
					fail_msg("%s: arg %d unset", e->name,
					    i);
				assert_in_range(e->arg[i], 1,
				    LXA_KIND_COUNT - 1);
			} else if (e->arg[i] != LXA_NONE) {
				fail_msg("%s: arg %d set past nargs %d",
				    e->name, i, e->nargs);
			}
		}
		assert_in_range(e->ret, 1, LXA_KIND_COUNT - 1);
		assert_int_equal(e->tclass & ~0x3fffu, 0);
	}
}

/* A few rows spelled out, as strace decodes them. */
static void
test_arg_kinds_spot_checks(void **state)
{
	static const struct {
		const char *name;
		int nargs;
		uint8_t arg[LX_NARGS];
		uint8_t ret;
		unsigned tclass;
	} want[] = {
		{ "read", 3, { LXA_FD, LXA_BUF_OUT, LXA_SIZE }, LXA_LONG,
		    LX_TC_DESC },
		{ "write", 3, { LXA_FD, LXA_BUF_IN, LXA_SIZE }, LXA_LONG,
		    LX_TC_DESC },
		{ "openat", 4, { LXA_DIRFD, LXA_PATH, LXA_OPEN_FLAGS,
		    LXA_MODE }, LXA_FD, LX_TC_DESC | LX_TC_FILE },
		{ "mmap", 6, { LXA_PTR, LXA_SIZE, LXA_PROT, LXA_MAP_FLAGS,
		    LXA_FD, LXA_HEX }, LXA_HEX, LX_TC_DESC | LX_TC_MEMORY },
		{ "execve", 3, { LXA_PATH, LXA_ARGV, LXA_ENVP }, LXA_LONG,
		    LX_TC_FILE | LX_TC_PROCESS },
		{ "clone", 5, { LXA_CLONE_FLAGS, LXA_PTR, LXA_PTR, LXA_PTR,
		    LXA_PTR }, LXA_LONG, LX_TC_PROCESS },
		{ "wait4", 4, { LXA_INT, LXA_WSTATUS_OUT, LXA_WAIT_OPTIONS,
		    LXA_RUSAGE_OUT }, LXA_LONG, LX_TC_PROCESS },
		{ "brk", 1, { LXA_PTR }, LXA_HEX, LX_TC_MEMORY },
		{ "shmat", 3, { LXA_INT, LXA_PTR, LXA_HEX }, LXA_HEX,
		    LX_TC_IPC | LX_TC_MEMORY },
		{ "getpid", 0, { 0 }, LXA_LONG, LX_TC_PURE },
		{ "getuid", 0, { 0 }, LXA_LONG, LX_TC_CREDS | LX_TC_PURE },
		{ "epoll_ctl", 4, { LXA_FD, LXA_EPOLL_CTL_OP, LXA_FD,
		    LXA_EPOLL_EVENT }, LXA_LONG, LX_TC_DESC },
		{ "statx", 5, { LXA_DIRFD, LXA_PATH, LXA_AT_FLAGS,
		    LXA_STATX_MASK, LXA_STATX_OUT }, LXA_LONG,
		    LX_TC_DESC | LX_TC_FILE | LX_TC_FSTAT },
		{ "lstat", 2, { LXA_PATH, LXA_STAT_OUT }, LXA_LONG,
		    LX_TC_FILE | LX_TC_LSTAT },
		{ "fstatfs", 2, { LXA_FD, LXA_STATFS_OUT }, LXA_LONG,
		    LX_TC_DESC | LX_TC_STATFS },
		{ "clock_gettime", 2, { LXA_CLOCKID, LXA_TIMESPEC_OUT },
		    LXA_LONG, LX_TC_CLOCK },
		{ "kill", 2, { LXA_INT, LXA_SIGNUM }, LXA_LONG,
		    LX_TC_SIGNAL | LX_TC_PROCESS },
		{ "socket", 3, { LXA_SOCK_FAMILY, LXA_SOCK_TYPE, LXA_INT },
		    LXA_FD, LX_TC_NETWORK },
		{ "memfd_create", 2, { LXA_STR, LXA_MFD_FLAGS }, LXA_FD,
		    LX_TC_DESC },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct lx_sysent *e = lx_sysent_by_name(want[i].name);

		assert_non_null(e);
		assert_int_equal(e->nargs, want[i].nargs);
		assert_memory_equal(e->arg, want[i].arg, LX_NARGS);
		assert_int_equal(e->ret, want[i].ret);
		assert_int_equal(e->tclass, want[i].tclass);
	}
}

static const char *const emulated_rows[][2] = {
	{ "getrandom", "getrandom" }, { "waitid", "waitid" },
	{ "readahead", "readahead" }, { "newfstatat", "stat" },
	{ "statx", "stat" }, { "close_range", "close_range" },
	{ "ioprio_set", "ioprio" }, { "ioprio_get", "ioprio" },
	{ "epoll_create", "epoll" }, { "epoll_create1", "epoll" },
	{ "epoll_ctl", "epoll" }, { "epoll_wait", "epoll" },
	{ "epoll_pwait", "epoll" }, { "epoll_pwait2", "epoll" },
	{ "inotify_init", "inotify" }, { "inotify_init1", "inotify" },
	{ "inotify_add_watch", "inotify" }, { "inotify_rm_watch", "inotify" },
	{ "memfd_create", "memfd" }, { "rseq", "rseq" },
};

static const long missing_rows[] = {
	134, 156, 174, 177, 178, 180, 181, 182, 183, 184, 185, 205, 211,
	212, 214, 215, 236,
};

static int
in_list(long nr, const long *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == nr)
			return 1;
	return 0;
}

static void
test_status_and_handlers(void **state)
{
	size_t nmissing = sizeof(missing_rows) / sizeof(missing_rows[0]);
	int emulated = 0;
	size_t i;
	long nr;

	(void)state;
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e = lx_sysent(nr);

		if (!lx_sysent_known(nr))
			continue;
		switch (e->status) {
		case LX_ST_EMULATED:
		case LX_ST_PARTIAL:
			if (e->handler == NULL)
				fail_msg("%s: %s without a handler", e->name,
				    lx_status_name(e->status));
			assert_int_not_equal(e->family, LX_FAM_NONE);
			emulated++;
			break;
		case LX_ST_NATIVE:
			assert_null(e->handler);
			break;
		case LX_ST_MISSING:
			assert_null(e->handler);
			assert_int_equal(e->family, LX_FAM_NONE);
			break;
		default:
			fail_msg("%s: bad status %d", e->name, e->status);
		}
		if (e->status == LX_ST_PARTIAL || e->status == LX_ST_MISSING) {
			assert_non_null(e->note);
			assert_true(strlen(e->note) > 0);
			assert_null(strchr(e->note, '\n'));
		}
		assert_int_equal(e->status == LX_ST_MISSING,
		    in_list(nr, missing_rows, nmissing));
	}
	for (i = 0; i < sizeof(emulated_rows) / sizeof(emulated_rows[0]);
	    i++) {
		const struct lx_sysent *e = lx_sysent_by_name(emulated_rows[i][0]);

		assert_non_null(e);
		assert_int_equal(e->status, LX_ST_EMULATED);
		assert_string_equal(lx_family_name(e->family),
		    emulated_rows[i][1]);
	}
	assert_int_equal(emulated,
	    sizeof(emulated_rows) / sizeof(emulated_rows[0]));
}

/* lxrun matches the kernel: what it marks missing, Linux lacks too. */
static void
test_missing_rows_are_enosys_natively(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(missing_rows) / sizeof(missing_rows[0]); i++) {
		long r;

		errno = 0;
		r = syscall(missing_rows[i], 0, 0, 0, 0, 0, 0);
		if (r != -1 || errno != ENOSYS)
			fail_msg("%s (%ld): native result %ld errno %d, "
			    "not ENOSYS", lx_sysent(missing_rows[i])->name,
			    missing_rows[i], r, errno);
	}
}

static void
test_compat_totals(void **state)
{
	int nb[LX_CO_ABSENT + 1] = { 0 }, fb[LX_CO_ABSENT + 1] = { 0 };
	long nr;

	(void)state;
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		if (!lx_sysent_known(nr))
			continue;
		assert_in_range(lx_sysent(nr)->netbsd, 0, LX_CO_ABSENT);
		assert_in_range(lx_sysent(nr)->freebsd, 0, LX_CO_ABSENT);
		nb[lx_sysent(nr)->netbsd]++;
		fb[lx_sysent(nr)->freebsd]++;
	}
	/*
	 * shared/data/README.md, "Totals", plus the 6.13-6.18 calls
	 * (336 and 463-469), absent from both layers.
	 */
	assert_int_equal(nb[LX_CO_IMPLEMENTED], 253);
	assert_int_equal(nb[LX_CO_STUB], 4);
	assert_int_equal(nb[LX_CO_UNIMPLEMENTED], 107);
	assert_int_equal(nb[LX_CO_OBSOLETE], 0);
	assert_int_equal(nb[LX_CO_ABSENT], 11 + 8);
	assert_int_equal(fb[LX_CO_IMPLEMENTED], 267);
	assert_int_equal(fb[LX_CO_STUB], 83);
	assert_int_equal(fb[LX_CO_UNIMPLEMENTED], 16);
	assert_int_equal(fb[LX_CO_OBSOLETE], 0);
	assert_int_equal(fb[LX_CO_ABSENT], 9 + 8);
	/* and a row each way (README: ioprio_set is missing on NetBSD) */
	assert_int_equal(lx_sysent(LX_NR_ioprio_set)->netbsd,
	    LX_CO_UNIMPLEMENTED);
	assert_int_equal(lx_sysent(LX_NR_ioprio_set)->freebsd,
	    LX_CO_IMPLEMENTED);
	assert_int_equal(lx_sysent(LX_NR_mseal)->netbsd, LX_CO_ABSENT);
	assert_int_equal(lx_sysent(LX_NR_splice)->freebsd, LX_CO_STUB);
}

static void
test_by_name(void **state)
{
	long nr;

	(void)state;
	for (nr = 0; nr < LX_NR_MAX; nr++) {
		const struct lx_sysent *e;

		if (!lx_sysent_known(nr))
			continue;
		e = lx_sysent_by_name(lx_sysent(nr)->name);
		assert_ptr_equal(e, lx_sysent(nr));
		assert_int_equal(e->nr, nr);
	}
	assert_null(lx_sysent_by_name("no_such_syscall"));
	assert_null(lx_sysent_by_name(""));
	assert_null(lx_sysent_by_name(NULL));
	assert_null(lx_sysent_by_name("READ"));
	assert_int_equal(lx_sysent_by_name("_sysctl")->nr, 156);
}

static void
test_unknown_numbers(void **state)
{
	static const long unknown[] = {
		-1, -4096, 337, 400, 423, 470, 500, 512, 547, 0x40000000L,
		0x40000000L | 1, 1L << 40,
	};
	const struct lx_sysent *u = lx_sysent(500);
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_false(lx_sysent_known(unknown[i]));
		assert_ptr_equal(lx_sysent(unknown[i]), u);
	}
	assert_non_null(u->name);
	assert_string_equal(u->name, "");
	assert_null(lx_sysent_by_name(u->name));
	assert_int_equal(u->status, LX_ST_MISSING);
	assert_null(u->handler);
	assert_non_null(u->note);
	assert_int_equal(u->nargs, LX_NARGS);
	for (k = 0; k < LX_NARGS; k++)
		assert_int_equal(u->arg[k], LXA_HEX);
	assert_true(lx_sysent_known(0));
	assert_true(lx_sysent_known(462));
	assert_true(lx_sysent_known(469));
}

static void
test_names_of_enums(void **state)
{
	static const char *const status[] = { "native", "emulated",
	    "partial", "missing" };
	static const char *const compat[] = { "implemented", "stub",
	    "unimplemented", "obsolete", "absent" };
	int i;

	(void)state;
	for (i = LX_ST_NATIVE; i <= LX_ST_MISSING; i++)
		assert_string_equal(lx_status_name(i), status[i]);
	for (i = LX_CO_IMPLEMENTED; i <= LX_CO_ABSENT; i++)
		assert_string_equal(lx_compat_name(i), compat[i]);
	assert_non_null(lx_status_name((enum lx_status)99));
	assert_non_null(lx_compat_name((enum lx_compat)99));
}

static void
test_tclass_by_name(void **state)
{
	static const struct {
		const char *name;
		unsigned tclass;
	} want[] = {
		{ "file", LX_TC_FILE }, { "%file", LX_TC_FILE },
		{ "desc", LX_TC_DESC }, { "%process", LX_TC_PROCESS },
		{ "network", LX_TC_NETWORK }, { "%net", LX_TC_NETWORK },
		{ "signal", LX_TC_SIGNAL }, { "ipc", LX_TC_IPC },
		{ "%memory", LX_TC_MEMORY }, { "%stat", LX_TC_STAT },
		{ "lstat", LX_TC_LSTAT }, { "fstat", LX_TC_FSTAT },
		{ "%%stat", LX_TC_STAT | LX_TC_LSTAT | LX_TC_FSTAT },
		{ "statfs", LX_TC_STATFS }, { "%%statfs", LX_TC_STATFS },
		{ "creds", LX_TC_CREDS }, { "clock", LX_TC_CLOCK },
		{ "%pure", LX_TC_PURE }, { "files", 0 }, { "", 0 }, { "%", 0 },
	};
	unsigned seen = 0;
	size_t i;
	long nr;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(lx_tclass_by_name(want[i].name),
		    want[i].tclass);
	assert_int_equal(lx_tclass_by_name(NULL), 0);
	/* every class names at least one row, as in strace */
	for (nr = 0; nr < LX_NR_MAX; nr++)
		seen |= lx_sysent(nr)->tclass;
	assert_int_equal(seen, 0x3fff);
}

/* The listing as a string (caller frees). */
static char *
listing(const char *format, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = lx_sysent_list(f, format);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Well-formed enough to parse: brackets balance outside strings, strings
 * close, escapes are legal, one top-level array of objects with the keys
 * in order and nr ascending.
 */
static void
check_json_listing(const char *s)
{
	int depth = 0, objects = 0, in_str = 0;
	long last_nr = -1;
	const char *p;

	for (p = s; *p; p++) {
		if (in_str) {
			if (*p == '\\') {
				p++;
				assert_non_null(strchr("\"\\/bfnrtu", *p));
			} else if (*p == '"') {
				in_str = 0;
			} else {
				assert_true((unsigned char)*p >= 0x20);
			}
			continue;
		}
		switch (*p) {
		case '"':
			in_str = 1;
			break;
		case '[':
			assert_int_equal(depth, 0);
			depth++;
			break;
		case '{': {
			long nr;

			assert_int_equal(depth, 1);
			depth++;
			objects++;
			assert_int_equal(sscanf(p, "{\"nr\":%ld,\"name\":", &nr),
			    1);
			assert_true(nr > last_nr);
			last_nr = nr;
			break;
		}
		case '}':
			assert_int_equal(depth, 2);
			depth--;
			break;
		case ']':
			assert_int_equal(depth, 1);
			depth--;
			break;
		}
	}
	assert_false(in_str);
	assert_int_equal(depth, 0);
	assert_int_equal(objects, NROWS);
	assert_int_equal(last_nr, 469);
}

static void
test_list_json(void **state)
{
	int rc;
	char *s = listing("json", &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(s[0], '[');
	check_json_listing(s);
	assert_non_null(strstr(s, "{\"nr\":0,\"name\":\"read\",\"lxrun\":"
	    "\"native\",\"family\":null,\"netbsd\":\"implemented\","
	    "\"freebsd\":\"implemented\",\"note\":null}"));
	assert_non_null(strstr(s, "{\"nr\":251,\"name\":\"ioprio_set\","
	    "\"lxrun\":\"emulated\",\"family\":\"ioprio\",\"netbsd\":"
	    "\"unimplemented\",\"freebsd\":\"implemented\",\"note\":null}"));
	assert_non_null(strstr(s, "\"name\":\"vserver\",\"lxrun\":"
	    "\"missing\""));
	free(s);
}

static void
test_list_text_and_md(void **state)
{
	int rc;
	char *s;

	(void)state;
	s = listing("text", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(count_lines(s), 1 + NROWS + 1);
	assert_memory_equal(s, " NR  NAME", 9);
	assert_non_null(strstr(s, "\n383 syscalls: "));
	assert_non_null(strstr(s, "NetBSD 253 implemented, 4 stub, "
	    "107 unimplemented, 0 obsolete, 19 absent"));
	assert_non_null(strstr(s, "FreeBSD 267 implemented, 83 stub, "
	    "16 unimplemented, 0 obsolete, 17 absent"));
	free(s);

	s = listing(NULL, &rc);		/* text is the default */
	assert_int_equal(rc, 0);
	assert_int_equal(count_lines(s), 1 + NROWS + 1);
	free(s);

	s = listing("md", &rc);
	assert_int_equal(rc, 0);
	{
		int rows = 0;
		const char *p;

		for (p = s; (p = strstr(p, "\n| ")) != NULL; p++)
			rows++;
		assert_int_equal(rows, 1 + NROWS);	/* header + rows */
	}
	assert_non_null(strstr(s, "| 318 | getrandom | emulated (getrandom) "
	    "| implemented | implemented |  |\n"));
	free(s);

	s = listing("xml", &rc);
	assert_int_equal(rc, -1);
	free(s);
}

static void
test_family_names(void **state)
{
	static const char *const names[] = {
		"epoll", "inotify", "memfd", "getrandom", "waitid", "stat",
		"close_range", "readahead", "ioprio", "rseq", "eintr",
	};
	size_t i;
	int f;

	(void)state;
	assert_int_equal(LX_FAM_COUNT, 1 + sizeof(names) / sizeof(names[0]));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f = lx_family_by_name(names[i]);
		assert_true(f > LX_FAM_NONE && f < LX_FAM_COUNT);
		assert_string_equal(lx_family_name(f), names[i]);
	}
	for (f = LX_FAM_NONE + 1; f < LX_FAM_COUNT; f++)
		assert_int_equal(lx_family_by_name(lx_family_name(f)), f);
	assert_int_equal(lx_family_by_name("EPOLL"), -1);
	assert_int_equal(lx_family_by_name("all"), -1);
	assert_int_equal(lx_family_by_name("none"), -1);
	assert_int_equal(lx_family_by_name(""), -1);
	assert_int_equal(lx_family_by_name(NULL), -1);
	assert_non_null(lx_family_name(LX_FAM_COUNT));
}

static int calls[3][2];
static int last_child;

static void
h1_clone(int parent, int parent_pid, int child, bool thread)
{
	(void)parent;
	(void)parent_pid;
	(void)thread;
	calls[0][0]++;
	last_child = child;
}

static void
h1_exit(int tid)
{
	(void)tid;
	calls[2][0]++;
}

static void
h2_clone(int parent, int parent_pid, int child, bool thread)
{
	(void)parent;
	(void)parent_pid;
	(void)child;
	(void)thread;
	calls[0][1]++;
}

static void
h2_exec(int pid)
{
	(void)pid;
	calls[1][1]++;
}

static void
test_hooks_fan_out(void **state)
{
	static const struct lx_hooks h1 = { .on_clone = h1_clone,
	    .on_exit = h1_exit };
	static const struct lx_hooks h2 = { .on_clone = h2_clone,
	    .on_exec = h2_exec };

	(void)state;
	lx_hooks_register(&h1);
	lx_hooks_register(&h2);
	lx_hooks_register(&h1);		/* twice: still called once */
	lx_hooks_clone(10, 10, 11, true);
	lx_hooks_exec(10);
	lx_hooks_exit(11);
	assert_int_equal(calls[0][0], 1);
	assert_int_equal(calls[0][1], 1);
	assert_int_equal(last_child, 11);
	assert_int_equal(calls[1][0], 0);
	assert_int_equal(calls[1][1], 1);
	assert_int_equal(calls[2][0], 1);
	assert_int_equal(calls[2][1], 0);
}

static void
test_now_ns(void **state)
{
	int64_t a, b;
	struct timespec ts = { 0, 2000000 };

	(void)state;
	a = lx_now_ns();
	nanosleep(&ts, NULL);
	b = lx_now_ns();
	assert_true(a > 0);
	assert_true(b - a >= 2000000);
	assert_true(b - a < 2000000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_match_host_numbers),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_arg_kinds),
		cmocka_unit_test(test_arg_kinds_spot_checks),
		cmocka_unit_test(test_status_and_handlers),
		cmocka_unit_test(test_missing_rows_are_enosys_natively),
		cmocka_unit_test(test_compat_totals),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_unknown_numbers),
		cmocka_unit_test(test_names_of_enums),
		cmocka_unit_test(test_tclass_by_name),
		cmocka_unit_test(test_list_json),
		cmocka_unit_test(test_list_text_and_md),
		cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_hooks_fan_out),
		cmocka_unit_test(test_now_ns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
