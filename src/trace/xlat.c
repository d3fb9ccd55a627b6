/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named values and flag bits of the Linux x86-64 ABI, as the trace prints
 * them.  Where one name covers several bits (O_SYNC, STATX_BASIC_STATS)
 * it comes before its parts, since the flag printer takes names in order.
 */
#include <stdio.h>

#include "trace/print.h"
#include "trace/xlat.h"

#define X(v, n)	{ (v), (n) }
#define XEND	{ 0, NULL }

const char *
lx_xlat_name(const struct lx_xlat *x, uint64_t v)
{
	for (; x->name != NULL; x++)
		if (x->val == v)
			return x->name;
	return NULL;
}

void
lx_print_xval(struct lx_sbuf *b, const struct lx_xlat *x, uint64_t v,
    const char *fmt)
{
	const char *n = lx_xlat_name(x, v);
	size_t at = lx_const_begin(b);

	if (n != NULL)
		sb_puts(b, n);
	else
		sb_printf(b, fmt, (unsigned long long)v);
	lx_const_end(b, at, v, LX_CONST_HEX);
}

int
lx_print_flags(struct lx_sbuf *b, const struct lx_xlat *x, uint64_t v,
    const char *zero_name)
{
	uint64_t all = v;
	size_t at = lx_const_begin(b);
	int named = 0;

	if (v == 0) {
		sb_puts(b, zero_name != NULL ? zero_name : "0");
		lx_const_end(b, at, 0, LX_CONST_HEX);
		return 0;
	}
	for (; x->name != NULL && v != 0; x++) {
		if (x->val == 0 || (v & x->val) != x->val)
			continue;
		if (named++)
			sb_putc(b, '|');
		sb_puts(b, x->name);
		v &= ~x->val;
	}
	if (v != 0)
		sb_printf(b, "%s%#llx", named ? "|" : "", (unsigned long long)v);
	lx_const_end(b, at, all, LX_CONST_HEX);
	return named;
}

const struct lx_xlat lx_x_open_access[] = {
	X(0, "O_RDONLY"), X(1, "O_WRONLY"), X(2, "O_RDWR"), XEND
};

const struct lx_xlat lx_x_open_flags[] = {
	X(0x410000, "O_TMPFILE"), X(0x101000, "O_SYNC"),
	X(0x40, "O_CREAT"), X(0x80, "O_EXCL"), X(0x100, "O_NOCTTY"),
	X(0x200, "O_TRUNC"), X(0x400, "O_APPEND"), X(0x800, "O_NONBLOCK"),
	X(0x1000, "O_DSYNC"), X(0x2000, "O_ASYNC"), X(0x4000, "O_DIRECT"),
	X(0x8000, "O_LARGEFILE"), X(0x10000, "O_DIRECTORY"),
	X(0x20000, "O_NOFOLLOW"), X(0x40000, "O_NOATIME"),
	X(0x80000, "O_CLOEXEC"), X(0x200000, "O_PATH"), XEND
};

const struct lx_xlat lx_x_at_flags[] = {
	X(0x100, "AT_SYMLINK_NOFOLLOW"), X(0x200, "AT_REMOVEDIR"),
	X(0x400, "AT_SYMLINK_FOLLOW"), X(0x800, "AT_NO_AUTOMOUNT"),
	X(0x1000, "AT_EMPTY_PATH"), X(0x8000, "AT_RECURSIVE"), XEND
};

/* statx: the sync type (two bits) is printed apart, first. */
const struct lx_xlat lx_x_statx_at_flags[] = {
	X(0x100, "AT_SYMLINK_NOFOLLOW"), X(0x800, "AT_NO_AUTOMOUNT"),
	X(0x1000, "AT_EMPTY_PATH"), XEND
};

const struct lx_xlat lx_x_access_mode[] = {
	X(4, "R_OK"), X(2, "W_OK"), X(1, "X_OK"), XEND
};

const struct lx_xlat lx_x_file_type[] = {
	X(0xc000, "S_IFSOCK"), X(0xa000, "S_IFLNK"), X(0x8000, "S_IFREG"),
	X(0x6000, "S_IFBLK"), X(0x4000, "S_IFDIR"), X(0x2000, "S_IFCHR"),
	X(0x1000, "S_IFIFO"), XEND
};

const struct lx_xlat lx_x_prot[] = {
	X(0x1, "PROT_READ"), X(0x2, "PROT_WRITE"), X(0x4, "PROT_EXEC"),
	X(0x10, "PROT_SEM"), X(0x1000000, "PROT_GROWSDOWN"),
	X(0x2000000, "PROT_GROWSUP"), XEND
};

const struct lx_xlat lx_x_map_type[] = {
	X(0x1, "MAP_SHARED"), X(0x2, "MAP_PRIVATE"),
	X(0x3, "MAP_SHARED_VALIDATE"), XEND
};

const struct lx_xlat lx_x_map_flags[] = {
	X(0x10, "MAP_FIXED"), X(0x20, "MAP_ANONYMOUS"), X(0x40, "MAP_32BIT"),
	X(0x100, "MAP_GROWSDOWN"), X(0x800, "MAP_DENYWRITE"),
	X(0x1000, "MAP_EXECUTABLE"), X(0x2000, "MAP_LOCKED"),
	X(0x4000, "MAP_NORESERVE"), X(0x8000, "MAP_POPULATE"),
	X(0x10000, "MAP_NONBLOCK"), X(0x20000, "MAP_STACK"),
	X(0x40000, "MAP_HUGETLB"), X(0x80000, "MAP_SYNC"),
	X(0x100000, "MAP_FIXED_NOREPLACE"), X(0x4000000, "MAP_UNINITIALIZED"),
	XEND
};

const struct lx_xlat lx_x_mremap_flags[] = {
	X(1, "MREMAP_MAYMOVE"), X(2, "MREMAP_FIXED"), X(4, "MREMAP_DONTUNMAP"),
	XEND
};

const struct lx_xlat lx_x_madvise[] = {
	X(0, "MADV_NORMAL"), X(1, "MADV_RANDOM"), X(2, "MADV_SEQUENTIAL"),
	X(3, "MADV_WILLNEED"), X(4, "MADV_DONTNEED"), X(8, "MADV_FREE"),
	X(9, "MADV_REMOVE"), X(10, "MADV_DONTFORK"), X(11, "MADV_DOFORK"),
	X(12, "MADV_MERGEABLE"), X(13, "MADV_UNMERGEABLE"),
	X(14, "MADV_HUGEPAGE"), X(15, "MADV_NOHUGEPAGE"),
	X(16, "MADV_DONTDUMP"), X(17, "MADV_DODUMP"),
	X(18, "MADV_WIPEONFORK"), X(19, "MADV_KEEPONFORK"), X(20, "MADV_COLD"),
	X(21, "MADV_PAGEOUT"), X(22, "MADV_POPULATE_READ"),
	X(23, "MADV_POPULATE_WRITE"), X(24, "MADV_DONTNEED_LOCKED"),
	X(25, "MADV_COLLAPSE"), X(100, "MADV_HWPOISON"), XEND
};

const struct lx_xlat lx_x_clone_flags[] = {
	X(0x100, "CLONE_VM"), X(0x200, "CLONE_FS"), X(0x400, "CLONE_FILES"),
	X(0x800, "CLONE_SIGHAND"), X(0x1000, "CLONE_PIDFD"),
	X(0x2000, "CLONE_PTRACE"), X(0x4000, "CLONE_VFORK"),
	X(0x8000, "CLONE_PARENT"), X(0x10000, "CLONE_THREAD"),
	X(0x20000, "CLONE_NEWNS"), X(0x40000, "CLONE_SYSVSEM"),
	X(0x80000, "CLONE_SETTLS"), X(0x100000, "CLONE_PARENT_SETTID"),
	X(0x200000, "CLONE_CHILD_CLEARTID"), X(0x400000, "CLONE_DETACHED"),
	X(0x800000, "CLONE_UNTRACED"), X(0x1000000, "CLONE_CHILD_SETTID"),
	X(0x2000000, "CLONE_NEWCGROUP"), X(0x4000000, "CLONE_NEWUTS"),
	X(0x8000000, "CLONE_NEWIPC"), X(0x10000000, "CLONE_NEWUSER"),
	X(0x20000000, "CLONE_NEWPID"), X(0x40000000, "CLONE_NEWNET"),
	X(0x80000000, "CLONE_IO"), X(0x100000000ULL, "CLONE_CLEAR_SIGHAND"),
	X(0x200000000ULL, "CLONE_INTO_CGROUP"), XEND
};

const struct lx_xlat lx_x_sigprocmask_how[] = {
	X(0, "SIG_BLOCK"), X(1, "SIG_UNBLOCK"), X(2, "SIG_SETMASK"), XEND
};

const struct lx_xlat lx_x_sa_flags[] = {
	X(0x1, "SA_NOCLDSTOP"), X(0x2, "SA_NOCLDWAIT"), X(0x4, "SA_SIGINFO"),
	X(0x400, "SA_UNSUPPORTED"), X(0x800, "SA_EXPOSE_TAGBITS"),
	X(0x4000000, "SA_RESTORER"), X(0x8000000, "SA_ONSTACK"),
	X(0x10000000, "SA_RESTART"), X(0x40000000, "SA_NODEFER"),
	X(0x80000000, "SA_RESETHAND"), XEND
};

const struct lx_xlat lx_x_whence[] = {
	X(0, "SEEK_SET"), X(1, "SEEK_CUR"), X(2, "SEEK_END"),
	X(3, "SEEK_DATA"), X(4, "SEEK_HOLE"), XEND
};

const struct lx_xlat lx_x_fcntl_cmd[] = {
	X(0, "F_DUPFD"), X(1, "F_GETFD"), X(2, "F_SETFD"), X(3, "F_GETFL"),
	X(4, "F_SETFL"), X(5, "F_GETLK"), X(6, "F_SETLK"), X(7, "F_SETLKW"),
	X(8, "F_SETOWN"), X(9, "F_GETOWN"), X(10, "F_SETSIG"),
	X(11, "F_GETSIG"), X(15, "F_SETOWN_EX"), X(16, "F_GETOWN_EX"),
	X(17, "F_GETOWNER_UIDS"), X(36, "F_OFD_GETLK"), X(37, "F_OFD_SETLK"),
	X(38, "F_OFD_SETLKW"), X(1024, "F_SETLEASE"), X(1025, "F_GETLEASE"),
	X(1026, "F_NOTIFY"), X(1027, "F_DUPFD_QUERY"),
	X(1028, "F_CREATED_QUERY"), X(1030, "F_DUPFD_CLOEXEC"),
	X(1031, "F_SETPIPE_SZ"), X(1032, "F_GETPIPE_SZ"),
	X(1033, "F_ADD_SEALS"), X(1034, "F_GET_SEALS"),
	X(1035, "F_GET_RW_HINT"), X(1036, "F_SET_RW_HINT"),
	X(1037, "F_GET_FILE_RW_HINT"), X(1038, "F_SET_FILE_RW_HINT"), XEND
};

const struct lx_xlat lx_x_fd_flags[] = {
	X(1, "FD_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_seals[] = {
	X(0x1, "F_SEAL_SEAL"), X(0x2, "F_SEAL_SHRINK"), X(0x4, "F_SEAL_GROW"),
	X(0x8, "F_SEAL_WRITE"), X(0x10, "F_SEAL_FUTURE_WRITE"),
	X(0x20, "F_SEAL_EXEC"), XEND
};

const struct lx_xlat lx_x_ioctl[] = {
	X(0x5401, "TCGETS"), X(0x5402, "TCSETS"), X(0x5403, "TCSETSW"),
	X(0x5404, "TCSETSF"), X(0x5405, "TCGETA"), X(0x5409, "TCSBRK"),
	X(0x540a, "TCXONC"), X(0x540b, "TCFLSH"), X(0x540c, "TIOCEXCL"),
	X(0x540d, "TIOCNXCL"), X(0x540e, "TIOCSCTTY"), X(0x540f, "TIOCGPGRP"),
	X(0x5410, "TIOCSPGRP"), X(0x5411, "TIOCOUTQ"), X(0x5412, "TIOCSTI"),
	X(0x5413, "TIOCGWINSZ"), X(0x5414, "TIOCSWINSZ"),
	X(0x5415, "TIOCMGET"), X(0x541b, "FIONREAD"), X(0x541c, "TIOCLINUX"),
	X(0x541d, "TIOCCONS"), X(0x5420, "TIOCPKT"), X(0x5421, "FIONBIO"),
	X(0x5422, "TIOCNOTTY"), X(0x5423, "TIOCSETD"), X(0x5424, "TIOCGETD"),
	X(0x5429, "TIOCGSID"), X(0x80045430, "TIOCGPTN"),
	X(0x40045431, "TIOCSPTLCK"), X(0x5450, "FIONCLEX"),
	X(0x5451, "FIOCLEX"), X(0x5452, "FIOASYNC"), X(0x5460, "FIOQSIZE"),
	X(0x8901, "FIOSETOWN"), X(0x8903, "FIOGETOWN"),
	X(0x8912, "SIOCGIFCONF"), X(0x8913, "SIOCGIFFLAGS"),
	X(0x8914, "SIOCSIFFLAGS"), X(0x8915, "SIOCGIFADDR"),
	X(0x8921, "SIOCGIFMTU"), X(0x8933, "SIOCGIFINDEX"),
	X(0x400454ca, "TUNSETIFF"), X(0x800454d2, "TUNGETIFF"),
	X(0x80086601, "FS_IOC_GETFLAGS"), X(0x40086602, "FS_IOC_SETFLAGS"),
	X(0x4020940d, "BTRFS_IOC_CLONE_RANGE"), X(0x40049409, "FICLONE"),
	XEND
};

const struct lx_xlat lx_x_futex_op[] = {
	X(0, "FUTEX_WAIT"), X(1, "FUTEX_WAKE"), X(2, "FUTEX_FD"),
	X(3, "FUTEX_REQUEUE"), X(4, "FUTEX_CMP_REQUEUE"), X(5, "FUTEX_WAKE_OP"),
	X(6, "FUTEX_LOCK_PI"), X(7, "FUTEX_UNLOCK_PI"),
	X(8, "FUTEX_TRYLOCK_PI"), X(9, "FUTEX_WAIT_BITSET"),
	X(10, "FUTEX_WAKE_BITSET"), X(11, "FUTEX_WAIT_REQUEUE_PI"),
	X(12, "FUTEX_CMP_REQUEUE_PI"), X(13, "FUTEX_LOCK_PI2"), XEND
};

const struct lx_xlat lx_x_wait_options[] = {
	X(0x1, "WNOHANG"), X(0x2, "WUNTRACED"), X(0x4, "WEXITED"),
	X(0x8, "WCONTINUED"), X(0x1000000, "WNOWAIT"),
	X(0x20000000, "__WNOTHREAD"), X(0x40000000, "__WALL"),
	X(0x80000000, "__WCLONE"), XEND
};

const struct lx_xlat lx_x_idtype[] = {
	X(0, "P_ALL"), X(1, "P_PID"), X(2, "P_PGID"), X(3, "P_PIDFD"), XEND
};

const struct lx_xlat lx_x_statx_mask[] = {
	X(0xfff, "STATX_ALL"), X(0x7ff, "STATX_BASIC_STATS"),
	X(0x1, "STATX_TYPE"), X(0x2, "STATX_MODE"), X(0x4, "STATX_NLINK"),
	X(0x8, "STATX_UID"), X(0x10, "STATX_GID"), X(0x20, "STATX_ATIME"),
	X(0x40, "STATX_MTIME"), X(0x80, "STATX_CTIME"), X(0x100, "STATX_INO"),
	X(0x200, "STATX_SIZE"), X(0x400, "STATX_BLOCKS"),
	X(0x800, "STATX_BTIME"), X(0x1000, "STATX_MNT_ID"),
	X(0x2000, "STATX_DIOALIGN"), X(0x4000, "STATX_MNT_ID_UNIQUE"),
	X(0x8000, "STATX_SUBVOL"), X(0x10000, "STATX_WRITE_ATOMIC"),
	X(0x20000, "STATX_DIO_READ_ALIGN"), XEND
};

const struct lx_xlat lx_x_statx_attrs[] = {
	X(0x4, "STATX_ATTR_COMPRESSED"), X(0x10, "STATX_ATTR_IMMUTABLE"),
	X(0x20, "STATX_ATTR_APPEND"), X(0x40, "STATX_ATTR_NODUMP"),
	X(0x800, "STATX_ATTR_ENCRYPTED"), X(0x1000, "STATX_ATTR_AUTOMOUNT"),
	X(0x2000, "STATX_ATTR_MOUNT_ROOT"), X(0x100000, "STATX_ATTR_VERITY"),
	X(0x200000, "STATX_ATTR_DAX"), X(0x400000, "STATX_ATTR_WRITE_ATOMIC"),
	XEND
};

const struct lx_xlat lx_x_clockid[] = {
	X(0, "CLOCK_REALTIME"), X(1, "CLOCK_MONOTONIC"),
	X(2, "CLOCK_PROCESS_CPUTIME_ID"), X(3, "CLOCK_THREAD_CPUTIME_ID"),
	X(4, "CLOCK_MONOTONIC_RAW"), X(5, "CLOCK_REALTIME_COARSE"),
	X(6, "CLOCK_MONOTONIC_COARSE"), X(7, "CLOCK_BOOTTIME"),
	X(8, "CLOCK_REALTIME_ALARM"), X(9, "CLOCK_BOOTTIME_ALARM"),
	X(11, "CLOCK_TAI"), XEND
};

const struct lx_xlat lx_x_poll_events[] = {
	X(0x1, "POLLIN"), X(0x2, "POLLPRI"), X(0x4, "POLLOUT"),
	X(0x8, "POLLERR"), X(0x10, "POLLHUP"), X(0x20, "POLLNVAL"),
	X(0x40, "POLLRDNORM"), X(0x80, "POLLRDBAND"), X(0x100, "POLLWRNORM"),
	X(0x200, "POLLWRBAND"), X(0x400, "POLLMSG"), X(0x2000, "POLLRDHUP"),
	XEND
};

const struct lx_xlat lx_x_sock_family[] = {
	X(0, "AF_UNSPEC"), X(1, "AF_UNIX"), X(2, "AF_INET"), X(10, "AF_INET6"),
	X(16, "AF_NETLINK"), X(17, "AF_PACKET"), X(38, "AF_ALG"),
	X(40, "AF_VSOCK"), X(44, "AF_XDP"), XEND
};

const struct lx_xlat lx_x_sock_type[] = {
	X(1, "SOCK_STREAM"), X(2, "SOCK_DGRAM"), X(3, "SOCK_RAW"),
	X(4, "SOCK_RDM"), X(5, "SOCK_SEQPACKET"), X(6, "SOCK_DCCP"),
	X(10, "SOCK_PACKET"), XEND
};

const struct lx_xlat lx_x_sock_flags[] = {
	X(0x800, "SOCK_NONBLOCK"), X(0x80000, "SOCK_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_sock_level[] = {
	X(0, "SOL_IP"), X(1, "SOL_SOCKET"), X(6, "SOL_TCP"), X(17, "SOL_UDP"),
	X(41, "SOL_IPV6"), X(58, "SOL_ICMPV6"), X(255, "SOL_RAW"),
	X(263, "SOL_PACKET"), X(270, "SOL_NETLINK"), X(282, "SOL_TLS"),
	XEND
};

const struct lx_xlat lx_x_msg_flags[] = {
	X(0x1, "MSG_OOB"), X(0x2, "MSG_PEEK"), X(0x4, "MSG_DONTROUTE"),
	X(0x8, "MSG_CTRUNC"), X(0x10, "MSG_PROBE"), X(0x20, "MSG_TRUNC"),
	X(0x40, "MSG_DONTWAIT"), X(0x80, "MSG_EOR"), X(0x100, "MSG_WAITALL"),
	X(0x200, "MSG_FIN"), X(0x400, "MSG_SYN"), X(0x800, "MSG_CONFIRM"),
	X(0x1000, "MSG_RST"), X(0x2000, "MSG_ERRQUEUE"),
	X(0x4000, "MSG_NOSIGNAL"), X(0x8000, "MSG_MORE"),
	X(0x10000, "MSG_WAITFORONE"), X(0x20000000, "MSG_FASTOPEN"),
	X(0x40000000, "MSG_CMSG_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_shutdown_how[] = {
	X(0, "SHUT_RD"), X(1, "SHUT_WR"), X(2, "SHUT_RDWR"), XEND
};

const struct lx_xlat lx_x_rlimit[] = {
	X(0, "RLIMIT_CPU"), X(1, "RLIMIT_FSIZE"), X(2, "RLIMIT_DATA"),
	X(3, "RLIMIT_STACK"), X(4, "RLIMIT_CORE"), X(5, "RLIMIT_RSS"),
	X(6, "RLIMIT_NPROC"), X(7, "RLIMIT_NOFILE"), X(8, "RLIMIT_MEMLOCK"),
	X(9, "RLIMIT_AS"), X(10, "RLIMIT_LOCKS"), X(11, "RLIMIT_SIGPENDING"),
	X(12, "RLIMIT_MSGQUEUE"), X(13, "RLIMIT_NICE"), X(14, "RLIMIT_RTPRIO"),
	X(15, "RLIMIT_RTTIME"), XEND
};

const struct lx_xlat lx_x_prctl[] = {
	X(1, "PR_SET_PDEATHSIG"), X(2, "PR_GET_PDEATHSIG"),
	X(3, "PR_GET_DUMPABLE"), X(4, "PR_SET_DUMPABLE"),
	X(7, "PR_GET_KEEPCAPS"), X(8, "PR_SET_KEEPCAPS"),
	X(15, "PR_SET_NAME"), X(16, "PR_GET_NAME"),
	X(21, "PR_GET_SECCOMP"), X(22, "PR_SET_SECCOMP"),
	X(23, "PR_CAPBSET_READ"), X(24, "PR_CAPBSET_DROP"),
	X(29, "PR_SET_TIMERSLACK"), X(30, "PR_GET_TIMERSLACK"),
	X(35, "PR_SET_MM"), X(36, "PR_SET_CHILD_SUBREAPER"),
	X(37, "PR_GET_CHILD_SUBREAPER"), X(38, "PR_SET_NO_NEW_PRIVS"),
	X(39, "PR_GET_NO_NEW_PRIVS"), X(40, "PR_GET_TID_ADDRESS"),
	X(41, "PR_SET_THP_DISABLE"), X(42, "PR_GET_THP_DISABLE"),
	X(47, "PR_CAP_AMBIENT"), X(0x59616d61, "PR_SET_PTRACER"),
	X(0x53564d41, "PR_SET_VMA"), XEND
};

const struct lx_xlat lx_x_arch_prctl[] = {
	X(0x1001, "ARCH_SET_GS"), X(0x1002, "ARCH_SET_FS"),
	X(0x1003, "ARCH_GET_FS"), X(0x1004, "ARCH_GET_GS"),
	X(0x1011, "ARCH_GET_CPUID"), X(0x1012, "ARCH_SET_CPUID"),
	X(0x1021, "ARCH_GET_XCOMP_SUPP"), X(0x1022, "ARCH_GET_XCOMP_PERM"),
	X(0x1023, "ARCH_REQ_XCOMP_PERM"),
	X(0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
	X(0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), X(0x5001, "ARCH_SHSTK_ENABLE"),
	X(0x5002, "ARCH_SHSTK_DISABLE"), X(0x5003, "ARCH_SHSTK_LOCK"),
	X(0x5005, "ARCH_SHSTK_STATUS"), XEND
};

const struct lx_xlat lx_x_epoll_ctl_op[] = {
	X(1, "EPOLL_CTL_ADD"), X(2, "EPOLL_CTL_DEL"), X(3, "EPOLL_CTL_MOD"),
	XEND
};

const struct lx_xlat lx_x_epoll_events[] = {
	X(0x1, "EPOLLIN"), X(0x2, "EPOLLPRI"), X(0x4, "EPOLLOUT"),
	X(0x8, "EPOLLERR"), X(0x10, "EPOLLHUP"), X(0x20, "EPOLLNVAL"),
	X(0x40, "EPOLLRDNORM"), X(0x80, "EPOLLRDBAND"),
	X(0x100, "EPOLLWRNORM"), X(0x200, "EPOLLWRBAND"),
	X(0x400, "EPOLLMSG"), X(0x2000, "EPOLLRDHUP"),
	X(0x8000000, "EPOLL_URING_WAKE"), X(0x10000000, "EPOLLEXCLUSIVE"),
	X(0x20000000, "EPOLLWAKEUP"), X(0x40000000, "EPOLLONESHOT"),
	X(0x80000000, "EPOLLET"), XEND
};

const struct lx_xlat lx_x_epoll_create_flags[] = {
	X(0x80000, "EPOLL_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_inotify_mask[] = {
	X(0x1, "IN_ACCESS"), X(0x2, "IN_MODIFY"), X(0x4, "IN_ATTRIB"),
	X(0x8, "IN_CLOSE_WRITE"), X(0x10, "IN_CLOSE_NOWRITE"),
	X(0x20, "IN_OPEN"), X(0x40, "IN_MOVED_FROM"), X(0x80, "IN_MOVED_TO"),
	X(0x100, "IN_CREATE"), X(0x200, "IN_DELETE"),
	X(0x400, "IN_DELETE_SELF"), X(0x800, "IN_MOVE_SELF"),
	X(0x2000, "IN_UNMOUNT"), X(0x4000, "IN_Q_OVERFLOW"),
	X(0x8000, "IN_IGNORED"), X(0x1000000, "IN_ONLYDIR"),
	X(0x2000000, "IN_DONT_FOLLOW"), X(0x4000000, "IN_EXCL_UNLINK"),
	X(0x10000000, "IN_MASK_CREATE"), X(0x20000000, "IN_MASK_ADD"),
	X(0x40000000, "IN_ISDIR"), X(0x80000000, "IN_ONESHOT"), XEND
};

const struct lx_xlat lx_x_inotify_init_flags[] = {
	X(0x800, "IN_NONBLOCK"), X(0x80000, "IN_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_mfd_flags[] = {
	X(0x1, "MFD_CLOEXEC"), X(0x2, "MFD_ALLOW_SEALING"),
	X(0x4, "MFD_HUGETLB"), X(0x8, "MFD_NOEXEC_SEAL"), X(0x10, "MFD_EXEC"),
	XEND
};

const struct lx_xlat lx_x_grnd_flags[] = {
	X(0x1, "GRND_NONBLOCK"), X(0x2, "GRND_RANDOM"), X(0x4, "GRND_INSECURE"),
	XEND
};

const struct lx_xlat lx_x_close_range_flags[] = {
	X(0x2, "CLOSE_RANGE_UNSHARE"), X(0x4, "CLOSE_RANGE_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_ioprio_which[] = {
	X(1, "IOPRIO_WHO_PROCESS"), X(2, "IOPRIO_WHO_PGRP"),
	X(3, "IOPRIO_WHO_USER"), XEND
};

const struct lx_xlat lx_x_ioprio_class[] = {
	X(0, "IOPRIO_CLASS_NONE"), X(1, "IOPRIO_CLASS_RT"),
	X(2, "IOPRIO_CLASS_BE"), X(3, "IOPRIO_CLASS_IDLE"),
	X(7, "IOPRIO_CLASS_INVALID"), XEND
};

const struct lx_xlat lx_x_eventfd_flags[] = {
	X(0x1, "EFD_SEMAPHORE"), X(0x800, "EFD_NONBLOCK"),
	X(0x80000, "EFD_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_timerfd_flags[] = {
	X(0x1, "TFD_TIMER_ABSTIME"), X(0x2, "TFD_TIMER_CANCEL_ON_SET"),
	X(0x800, "TFD_NONBLOCK"), X(0x80000, "TFD_CLOEXEC"), XEND
};

const struct lx_xlat lx_x_unlinkat_flags[] = {
	X(0x200, "AT_REMOVEDIR"), XEND
};

const struct lx_xlat lx_x_rename_flags[] = {
	X(1, "RENAME_NOREPLACE"), X(2, "RENAME_EXCHANGE"),
	X(4, "RENAME_WHITEOUT"), XEND
};

/* si_code: values shared by every signal, then per-signal ones. */
const struct lx_xlat lx_x_si_code[] = {
	X(0, "SI_USER"), X(0x80, "SI_KERNEL"), X((uint32_t)-1, "SI_QUEUE"),
	X((uint32_t)-2, "SI_TIMER"), X((uint32_t)-3, "SI_MESGQ"),
	X((uint32_t)-4, "SI_ASYNCIO"), X((uint32_t)-5, "SI_SIGIO"),
	X((uint32_t)-6, "SI_TKILL"), X((uint32_t)-7, "SI_DETHREAD"),
	X((uint32_t)-60, "SI_ASYNCNL"), XEND
};

const struct lx_xlat lx_x_cld_code[] = {
	X(1, "CLD_EXITED"), X(2, "CLD_KILLED"), X(3, "CLD_DUMPED"),
	X(4, "CLD_TRAPPED"), X(5, "CLD_STOPPED"), X(6, "CLD_CONTINUED"), XEND
};

const struct lx_xlat lx_x_segv_code[] = {
	X(1, "SEGV_MAPERR"), X(2, "SEGV_ACCERR"), X(3, "SEGV_BNDERR"),
	X(4, "SEGV_PKUERR"), X(5, "SEGV_ACCADI"), X(6, "SEGV_ADIDERR"),
	X(7, "SEGV_ADIPERR"), X(8, "SEGV_MTEAERR"), X(9, "SEGV_MTESERR"),
	X(10, "SEGV_CPERR"), XEND
};

const struct lx_xlat lx_x_bus_code[] = {
	X(1, "BUS_ADRALN"), X(2, "BUS_ADRERR"), X(3, "BUS_OBJERR"),
	X(4, "BUS_MCEERR_AR"), X(5, "BUS_MCEERR_AO"), XEND
};

const struct lx_xlat lx_x_ill_code[] = {
	X(1, "ILL_ILLOPC"), X(2, "ILL_ILLOPN"), X(3, "ILL_ILLADR"),
	X(4, "ILL_ILLTRP"), X(5, "ILL_PRVOPC"), X(6, "ILL_PRVREG"),
	X(7, "ILL_COPROC"), X(8, "ILL_BADSTK"), X(9, "ILL_BADIADDR"), XEND
};

const struct lx_xlat lx_x_fpe_code[] = {
	X(1, "FPE_INTDIV"), X(2, "FPE_INTOVF"), X(3, "FPE_FLTDIV"),
	X(4, "FPE_FLTOVF"), X(5, "FPE_FLTUND"), X(6, "FPE_FLTRES"),
	X(7, "FPE_FLTINV"), X(8, "FPE_FLTSUB"), X(14, "FPE_FLTUNK"),
	X(15, "FPE_CONDTRAP"), XEND
};

const struct lx_xlat lx_x_trap_code[] = {
	X(1, "TRAP_BRKPT"), X(2, "TRAP_TRACE"), X(3, "TRAP_BRANCH"),
	X(4, "TRAP_HWBKPT"), X(5, "TRAP_UNK"), X(6, "TRAP_PERF"), XEND
};

const struct lx_xlat lx_x_poll_code[] = {
	X(1, "POLL_IN"), X(2, "POLL_OUT"), X(3, "POLL_MSG"), X(4, "POLL_ERR"),
	X(5, "POLL_PRI"), X(6, "POLL_HUP"), XEND
};

const struct lx_xlat lx_x_fs_magic[] = {
	X(0xef53, "EXT2_SUPER_MAGIC"), X(0x01021994, "TMPFS_MAGIC"),
	X(0x9fa0, "PROC_SUPER_MAGIC"), X(0x62656572, "SYSFS_MAGIC"),
	X(0x58465342, "XFS_SUPER_MAGIC"), X(0x9123683e, "BTRFS_SUPER_MAGIC"),
	X(0x794c7630, "OVERLAYFS_SUPER_MAGIC"), X(0x63677270, "CGROUP2_SUPER_MAGIC"),
	X(0x1373, "DEVFS_SUPER_MAGIC"), X(0x6969, "NFS_SUPER_MAGIC"),
	X(0x4d44, "MSDOS_SUPER_MAGIC"), X(0x65735546, "FUSE_SUPER_MAGIC"),
	X(0x858458f6, "RAMFS_MAGIC"), X(0x27e0eb, "CGROUP_SUPER_MAGIC"),
	X(0x74726163, "TRACEFS_MAGIC"), X(0x64626720, "DEBUGFS_MAGIC"),
	X(0x73717368, "SQUASHFS_MAGIC"), X(0x1cd1, "DEVPTS_SUPER_MAGIC"),
	XEND
};
