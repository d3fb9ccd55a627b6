/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall table: one row per Linux x86-64 syscall (0..469), from
 * src/translate/syscallent.h.  The table drives dispatch, the seccomp
 * filter, --trace decoding, -c, --report and --list-syscalls.
 */
#ifndef LXRUN_SYSENT_H
#define LXRUN_SYSENT_H

#include <stdint.h>

#include "lxrun/lxrun.h"

#define LX_NR_MAX 470		/* one past the last row */

/* How lxrun serves the row. */
enum lx_status {
	LX_ST_NATIVE = 0,	/* runs on the host kernel untouched */
	LX_ST_EMULATED,		/* answered by an lxrun handler */
	LX_ST_PARTIAL,		/* handler, with gaps given in the note */
	LX_ST_MISSING,		/* lxrun answers ENOSYS */
};

/* What a BSD compat layer has for the row (shared/data column words). */
enum lx_compat {
	LX_CO_IMPLEMENTED = 0,
	LX_CO_STUB,
	LX_CO_UNIMPLEMENTED,
	LX_CO_OBSOLETE,
	LX_CO_ABSENT,
};

/* Trace classes, as strace's -e trace=%class. */
#define LX_TC_FILE	0x001	/* %file: takes a file name */
#define LX_TC_DESC	0x002	/* %desc: takes or returns an fd */
#define LX_TC_PROCESS	0x004	/* %process */
#define LX_TC_NETWORK	0x008	/* %network */
#define LX_TC_SIGNAL	0x010	/* %signal */
#define LX_TC_IPC	0x020	/* %ipc */
#define LX_TC_MEMORY	0x040	/* %memory */
#define LX_TC_STAT	0x080	/* %stat */
#define LX_TC_LSTAT	0x100	/* %lstat */
#define LX_TC_FSTAT	0x200	/* %fstat */
#define LX_TC_STATFS	0x400	/* %statfs */
#define LX_TC_CREDS	0x800	/* %creds */
#define LX_TC_CLOCK	0x1000	/* %clock */
#define LX_TC_PURE	0x2000	/* %pure: no args, always succeeds */

/*
 * Argument kinds for decoding.  A row lists one per argument; out-pointers
 * (_OUT) are printed at the exit stop, after the call filled them.
 */
enum lx_arg_kind {
	LXA_NONE = 0,
	LXA_INT,		/* signed decimal (int) */
	LXA_LONG,		/* signed decimal (long) */
	LXA_UINT,		/* unsigned decimal */
	LXA_SIZE,		/* size_t, decimal */
	LXA_OFF,		/* off_t / loff_t, signed decimal */
	LXA_HEX,		/* unsigned hex */
	LXA_OCT,		/* octal (mode_t, umask) */
	LXA_PTR,		/* opaque pointer: hex or NULL */
	LXA_FD,			/* file descriptor (with -y: <path>) */
	LXA_DIRFD,		/* fd or AT_FDCWD */
	LXA_PATH,		/* file name string */
	LXA_STR,		/* other C string */
	LXA_BUF_IN,		/* buffer the guest gives; length in next arg */
	LXA_BUF_OUT,		/* buffer the kernel fills; length = result */
	LXA_IOV_IN,		/* iovec array given; count in next arg */
	LXA_IOV_OUT,		/* iovec array filled; count in next arg */
	LXA_ARGV,		/* NULL-terminated string array */
	LXA_ENVP,		/* environment: printed as count only */
	LXA_OPEN_FLAGS,		/* O_* */
	LXA_FD_FLAGS,		/* O_CLOEXEC, O_NONBLOCK...: no access mode */
	LXA_MODE,		/* S_I* permission bits, octal */
	LXA_ACCESS_MODE,	/* F_OK R_OK W_OK X_OK */
	LXA_AT_FLAGS,		/* AT_* */
	LXA_PROT,		/* PROT_* */
	LXA_MAP_FLAGS,		/* MAP_* */
	LXA_MREMAP_FLAGS,	/* MREMAP_* */
	LXA_MADVISE,		/* MADV_* */
	LXA_CLONE_FLAGS,	/* CLONE_* | exit signal */
	LXA_SIGNUM,		/* SIG* */
	LXA_SIGSET,		/* pointer to a sigset: [SIGINT SIGTERM] */
	LXA_SIGSET_OUT,
	LXA_SIGACTION,		/* struct sigaction pointer */
	LXA_SIGACTION_OUT,
	LXA_SIGPROCMASK_HOW,	/* SIG_BLOCK ... */
	LXA_SIGINFO,
	LXA_SIGINFO_OUT,
	LXA_WHENCE,		/* SEEK_* */
	LXA_FCNTL_CMD,		/* F_* */
	LXA_IOCTL_REQ,		/* ioctl request, named where known */
	LXA_FUTEX_OP,		/* FUTEX_* */
	LXA_WAIT_OPTIONS,	/* WNOHANG ... __WALL */
	LXA_WSTATUS_OUT,	/* int* wait status: [{WIFEXITED(s) && ...}] */
	LXA_IDTYPE,		/* P_PID, P_PGID, P_ALL, P_PIDFD */
	LXA_RUSAGE_OUT,
	LXA_STAT_OUT,		/* struct stat* */
	LXA_STATX_OUT,		/* struct statx* */
	LXA_STATX_MASK,		/* STATX_* */
	LXA_STATFS_OUT,
	LXA_TIMESPEC,		/* struct timespec* given */
	LXA_TIMESPEC_OUT,
	LXA_TIMEVAL,
	LXA_TIMEVAL_OUT,
	LXA_CLOCKID,		/* CLOCK_* */
	LXA_POLLFD,		/* struct pollfd*, count in next arg */
	LXA_FDSET,		/* fd_set*, nfds in first arg */
	LXA_PIPEFD_OUT,		/* int[2] */
	LXA_SOCK_FAMILY,	/* AF_* */
	LXA_SOCK_TYPE,		/* SOCK_* | SOCK_NONBLOCK | SOCK_CLOEXEC */
	LXA_SOCK_LEVEL,		/* SOL_* */
	LXA_SOCKADDR,		/* struct sockaddr*, length in next arg */
	LXA_SOCKADDR_OUT,	/* filled sockaddr, socklen_t* in next arg */
	LXA_MSGHDR,		/* struct msghdr* */
	LXA_MSG_FLAGS,		/* MSG_* */
	LXA_SHUTDOWN_HOW,	/* SHUT_* */
	LXA_RLIMIT_RESOURCE,	/* RLIMIT_* */
	LXA_RLIMIT,		/* struct rlimit* */
	LXA_RLIMIT_OUT,
	LXA_PRCTL_OPTION,	/* PR_* */
	LXA_ARCH_PRCTL_CODE,	/* ARCH_* */
	LXA_UTSNAME_OUT,
	LXA_EPOLL_CTL_OP,	/* EPOLL_CTL_* */
	LXA_EPOLL_EVENT,	/* struct epoll_event* given */
	LXA_EPOLL_EVENTS_OUT,	/* array filled, count = result */
	LXA_EPOLL_CREATE_FLAGS,	/* EPOLL_CLOEXEC */
	LXA_INOTIFY_MASK,	/* IN_* */
	LXA_INOTIFY_INIT_FLAGS,	/* IN_NONBLOCK | IN_CLOEXEC */
	LXA_MFD_FLAGS,		/* MFD_* */
	LXA_GRND_FLAGS,		/* GRND_* */
	LXA_CLOSE_RANGE_FLAGS,	/* CLOSE_RANGE_* */
	LXA_IOPRIO_WHICH,	/* IOPRIO_WHO_* */
	LXA_IOPRIO,		/* IOPRIO_PRIO_VALUE(class, level) */
	LXA_EVENTFD_FLAGS,	/* EFD_* */
	LXA_TIMERFD_FLAGS,	/* TFD_* */
	LXA_UNLINKAT_FLAGS,	/* AT_REMOVEDIR */
	LXA_RENAME_FLAGS,	/* RENAME_* */
	LXA_DIRENT_OUT,		/* getdents64 buffer: printed as count */
	LXA_KIND_COUNT
};

/*
 * One row.  handler is NULL for native and missing rows.  The row's
 * family decides whether --emulate switched it on; when off, the row
 * runs natively.
 */
struct lx_sysent {
	const char *name;
	int16_t nr;
	uint8_t nargs;
	uint8_t status;			/* enum lx_status */
	uint8_t family;			/* enum lx_family */
	uint8_t netbsd, freebsd;	/* enum lx_compat */
	uint16_t tclass;		/* LX_TC_* */
	uint8_t arg[LX_NARGS];		/* enum lx_arg_kind */
	uint8_t ret;			/* LXA_* kind of the result (FD, HEX..) */
	/*
	 * A row whose answer never depends on the call (ENOSYS for rseq and
	 * the missing rows): the errno, else 0.  When no one needs to see
	 * the call, the filter itself answers it and the guest never stops.
	 */
	uint8_t answer;
	lx_handler_fn *handler;
	const char *note;		/* one line, for partial and missing */
};

/* Row for nr; never NULL (unknown numbers get a shared "unknown" row). */
const struct lx_sysent *lx_sysent(long nr);
/* Row by name, NULL if none. */
const struct lx_sysent *lx_sysent_by_name(const char *name);
/* True if nr is a row of the table (0..LX_NR_MAX-1 and not a gap). */
int lx_sysent_known(long nr);

const char *lx_status_name(enum lx_status s);	/* "native", ... */
const char *lx_compat_name(enum lx_compat c);	/* "implemented", ... */
/*
 * What a BSD layer (which: 0 NetBSD, 1 FreeBSD) offers a program for the
 * call of row e, for the compatibility verdicts (--report, --scan): the
 * data's status, except that restart_syscall counts as implemented.  No
 * program makes that call: the Linux kernel makes a thread resume an
 * interrupted sleep with it (after a signal, or a tracer's interrupt,
 * lxrun's own included), and a BSD kernel restarts the interrupted call
 * in place.  e NULL: absent.
 */
enum lx_compat lx_compat_for_program(const struct lx_sysent *e, int which);

/* Class by name ("file", "%file", "desc", ...); 0 if unknown. */
unsigned lx_tclass_by_name(const char *name);

#endif
