/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux x86-64 ABI: siginfo_t (128 bytes) and struct rusage, as waitid(2)
 * and signal delivery write them.  The WNOHANG.. and P_* values live in
 * signal.h.
 */
#ifndef LXRUN_LINUX_WAIT_H
#define LXRUN_LINUX_WAIT_H

#include <stdint.h>

#include "lxrun/linux/signal.h"

#define LX_SI_MAX_SIZE 128

/* include/uapi/asm-generic/siginfo.h on x86-64. */
struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad0;			/* union is 8-byte aligned */
	union {
		int32_t _pad[(LX_SI_MAX_SIZE - 16) / 4];
		struct {		/* SI_USER, SI_TKILL */
			int32_t pid;
			uint32_t uid;
		} kill;
		struct {		/* SI_TIMER */
			int32_t tid;
			int32_t overrun;
			uint64_t sigval;
		} timer;
		struct {		/* SI_QUEUE, SI_MESGQ */
			int32_t pid;
			uint32_t uid;
			uint64_t sigval;
		} rt;
		struct {		/* SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t __pad;
			int64_t utime;	/* clock ticks */
			int64_t stime;
		} sigchld;
		struct {		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} sigfault;
		struct {		/* SIGIO, SIGPOLL */
			int64_t band;
			int32_t fd;
		} sigpoll;
		struct {		/* SIGSYS */
			uint64_t call_addr;
			int32_t syscall;
			uint32_t arch;
		} sigsys;
	} u;
};

/*
 * Byte range of a siginfo that waitid() writes: si_signo, si_errno,
 * si_code, then si_pid, si_uid, si_status.  The padding word at 12 and
 * everything from 28 on are left as the caller had them.
 */
#define LX_WAITID_HEAD_END	12	/* signo, errno, code */
#define LX_WAITID_CHLD_OFF	16	/* pid, uid, status */
#define LX_WAITID_CHLD_END	28

struct lx_rusage_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* include/uapi/linux/resource.h: 144 bytes. */
struct lx_rusage {
	struct lx_rusage_timeval ru_utime;
	struct lx_rusage_timeval ru_stime;
	int64_t ru_maxrss;		/* KiB */
	int64_t ru_ixrss;
	int64_t ru_idrss;
	int64_t ru_isrss;
	int64_t ru_minflt;
	int64_t ru_majflt;
	int64_t ru_nswap;
	int64_t ru_inblock;
	int64_t ru_oublock;
	int64_t ru_msgsnd;
	int64_t ru_msgrcv;
	int64_t ru_nsignals;
	int64_t ru_nvcsw;
	int64_t ru_nivcsw;
};

/* Options waitid() accepts; any other bit is EINVAL. */
#define LX_WAITID_VALID_OPTIONS \
	(LX_WNOHANG | LX_WNOWAIT | LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED | \
	 LX___WNOTHREAD | LX___WCLONE | LX___WALL)

#endif
