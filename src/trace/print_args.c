/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding a syscall's arguments from the row's argument kinds.  Input
 * arguments are printed at entry (before the call can change the memory
 * they point to); out-arguments are printed at exit, from what the call
 * wrote, or as a bare address when the call failed.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/linux_abi.h"
#include "trace/print.h"
#include "trace/xlat.h"

bool
lx_kind_is_out(int kind)
{
	switch (kind) {
	case LXA_BUF_OUT:
	case LXA_IOV_OUT:
	case LXA_SIGSET_OUT:
	case LXA_SIGACTION_OUT:
	case LXA_SIGINFO_OUT:
	case LXA_WSTATUS_OUT:
	case LXA_RUSAGE_OUT:
	case LXA_STAT_OUT:
	case LXA_STATX_OUT:
	case LXA_STATFS_OUT:
	case LXA_TIMESPEC_OUT:
	case LXA_TIMEVAL_OUT:
	case LXA_PIPEFD_OUT:
	case LXA_SOCKADDR_OUT:
	case LXA_RLIMIT_OUT:
	case LXA_UTSNAME_OUT:
	case LXA_EPOLL_EVENTS_OUT:
	case LXA_DIRENT_OUT:
		return true;
	}
	return false;
}

static void
print_sock_type(struct lx_sbuf *b, uint64_t v)
{
	uint64_t flags = v & ~0xfULL;

	lx_print_xval(b, lx_x_sock_type, v & 0xf, "%#llx");
	if (flags != 0) {
		sb_putc(b, '|');
		lx_print_flags(b, lx_x_sock_flags, flags, NULL);
	}
}

static void
print_map_flags(struct lx_sbuf *b, uint64_t v)
{
	uint64_t rest = v & ~0xfULL;
	size_t at = lx_const_begin(b);

	lx_print_xval(b, lx_x_map_type, v & 0xf, "%#llx");
	if (rest != 0) {
		sb_putc(b, '|');
		lx_print_flags(b, lx_x_map_flags, rest, NULL);
	}
	lx_const_end(b, at, v, LX_CONST_HEX);
}

static void
print_clone_flags(struct lx_sbuf *b, uint64_t v)
{
	uint64_t rest = v & ~0xffULL;
	int sig = (int)(v & 0xff);

	if (rest != 0)
		lx_print_flags(b, lx_x_clone_flags, rest, NULL);
	if (sig != 0) {
		if (rest != 0)
			sb_putc(b, '|');
		lx_print_signum(b, sig);
	} else if (rest == 0) {
		sb_putc(b, '0');
	}
}

static void
print_futex_op(struct lx_sbuf *b, uint64_t v)
{
	uint64_t cmd = v & 0x7f;
	const char *n = lx_xlat_name(lx_x_futex_op, cmd);
	size_t at = lx_const_begin(b);

	if (n == NULL) {
		sb_printf(b, "%#llx", (unsigned long long)v);
	} else {
		sb_puts(b, n);
		if (v & 0x80)
			sb_puts(b, "_PRIVATE");
		if (v & 0x100)
			sb_puts(b, "|FUTEX_CLOCK_REALTIME");
		if (v & ~0x1ffULL)
			sb_printf(b, "|%#llx",
			    (unsigned long long)(v & ~0x1ffULL));
	}
	lx_const_end(b, at, v, LX_CONST_HEX);
}

static void
print_access_mode(struct lx_sbuf *b, uint64_t v)
{
	lx_print_flags(b, lx_x_access_mode, v, "F_OK");
}

static uint64_t
next_arg(struct lx_pctx *p, int i)
{
	return i + 1 < LX_NARGS ? LX_ARG(p, i + 1) : 0;
}

/* Kinds printed from the register alone. */
static bool
print_scalar(struct lx_pctx *p, struct lx_sbuf *b, int kind, uint64_t v)
{
	switch (kind) {
	case LXA_INT:	sb_printf(b, "%d", (int)v); break;
	case LXA_LONG:
	case LXA_OFF:	sb_printf(b, "%lld", (long long)v); break;
	case LXA_UINT:	sb_printf(b, "%u", (unsigned)v); break;
	case LXA_SIZE:	sb_printf(b, "%llu", (unsigned long long)v); break;
	case LXA_HEX:	sb_printf(b, "%#llx", (unsigned long long)v); break;
	case LXA_OCT:	lx_print_oct(b, (unsigned long)v); break;
	case LXA_MODE:	lx_print_mode(b, (unsigned)v); break;
	case LXA_PTR:	lx_print_ptr(b, v); break;
	case LXA_FD:	lx_print_fd(p, b, (int)v); break;
	case LXA_DIRFD:	lx_print_dirfd(p, b, (int)v); break;
	case LXA_OPEN_FLAGS: lx_print_open_flags(b, v); break;
	case LXA_FD_FLAGS: lx_print_fd_flags(b, v); break;
	case LXA_ACCESS_MODE: print_access_mode(b, v); break;
	case LXA_AT_FLAGS: lx_print_flags(b, lx_x_at_flags, (unsigned)v, NULL);
		break;
	case LXA_PROT:	lx_print_flags(b, lx_x_prot, v, "PROT_NONE"); break;
	case LXA_MAP_FLAGS: print_map_flags(b, v); break;
	case LXA_MREMAP_FLAGS:
		lx_print_flags(b, lx_x_mremap_flags, v, NULL); break;
	case LXA_MADVISE: lx_print_xval(b, lx_x_madvise, (int)v, "%#llx");
		break;
	case LXA_CLONE_FLAGS: print_clone_flags(b, v); break;
	case LXA_SIGNUM: lx_print_signum(b, (int)v); break;
	case LXA_SIGPROCMASK_HOW:
		lx_print_xval(b, lx_x_sigprocmask_how, (int)v, "%#llx"); break;
	case LXA_WHENCE: lx_print_xval(b, lx_x_whence, (unsigned)v, "%llu");
		break;
	case LXA_FCNTL_CMD: lx_print_fcntl_cmd(b, (int)v); break;
	case LXA_IOCTL_REQ: lx_print_ioctl_req(b, (unsigned)v); break;
	case LXA_FUTEX_OP: print_futex_op(b, v); break;
	case LXA_WAIT_OPTIONS:
		lx_print_flags(b, lx_x_wait_options, (unsigned)v, NULL); break;
	case LXA_IDTYPE: lx_print_xval(b, lx_x_idtype, (unsigned)v, "%llu");
		break;
	case LXA_STATX_MASK:
		lx_print_flags(b, lx_x_statx_mask, (unsigned)v, NULL); break;
	case LXA_CLOCKID: lx_print_xval(b, lx_x_clockid, (unsigned)v, "%lld");
		break;
	case LXA_SOCK_FAMILY:
		lx_print_xval(b, lx_x_sock_family, (unsigned)v, "%llu"); break;
	case LXA_SOCK_TYPE: print_sock_type(b, (unsigned)v); break;
	case LXA_SOCK_LEVEL:
		lx_print_xval(b, lx_x_sock_level, (unsigned)v, "%llu"); break;
	case LXA_MSG_FLAGS:
		lx_print_flags(b, lx_x_msg_flags, (unsigned)v, NULL); break;
	case LXA_SHUTDOWN_HOW:
		lx_print_xval(b, lx_x_shutdown_how, (unsigned)v, "%llu"); break;
	case LXA_RLIMIT_RESOURCE:
		lx_print_xval(b, lx_x_rlimit, (unsigned)v, "%llu"); break;
	case LXA_PRCTL_OPTION:
		lx_print_xval(b, lx_x_prctl, (unsigned)v, "%llu"); break;
	case LXA_ARCH_PRCTL_CODE:
		lx_print_xval(b, lx_x_arch_prctl, (unsigned)v, "%#llx"); break;
	case LXA_EPOLL_CTL_OP:
		lx_print_xval(b, lx_x_epoll_ctl_op, (unsigned)v, "%llu"); break;
	case LXA_EPOLL_CREATE_FLAGS:
		lx_print_flags(b, lx_x_epoll_create_flags, (unsigned)v, NULL);
		break;
	case LXA_INOTIFY_MASK:
		lx_print_flags(b, lx_x_inotify_mask, (unsigned)v, NULL); break;
	case LXA_INOTIFY_INIT_FLAGS:
		lx_print_flags(b, lx_x_inotify_init_flags, (unsigned)v, NULL);
		break;
	case LXA_MFD_FLAGS:
		lx_print_flags(b, lx_x_mfd_flags, (unsigned)v, NULL); break;
	case LXA_GRND_FLAGS:
		lx_print_flags(b, lx_x_grnd_flags, (unsigned)v, NULL); break;
	case LXA_CLOSE_RANGE_FLAGS:
		lx_print_flags(b, lx_x_close_range_flags, (unsigned)v, NULL);
		break;
	case LXA_IOPRIO_WHICH:
		lx_print_xval(b, lx_x_ioprio_which, (unsigned)v, "%llu"); break;
	case LXA_IOPRIO: lx_print_ioprio(b, v); break;
	case LXA_EVENTFD_FLAGS:
		lx_print_flags(b, lx_x_eventfd_flags, (unsigned)v, NULL); break;
	case LXA_TIMERFD_FLAGS:
		lx_print_flags(b, lx_x_timerfd_flags, (unsigned)v, NULL); break;
	case LXA_UNLINKAT_FLAGS:
		lx_print_flags(b, lx_x_unlinkat_flags, (unsigned)v, NULL);
		break;
	case LXA_RENAME_FLAGS:
		lx_print_flags(b, lx_x_rename_flags, (unsigned)v, NULL); break;
	default:
		return false;
	}
	return true;
}

/* Kinds that read guest memory given to the call. */
static bool
print_input(struct lx_pctx *p, struct lx_sbuf *b, int i, int kind,
    uint64_t v)
{
	switch (kind) {
	case LXA_PATH:	lx_print_path(p, b, v); break;
	case LXA_STR:	lx_print_cstr(p, b, v, (size_t)lx_strsize()); break;
	case LXA_BUF_IN: lx_print_buf(p, b, v, next_arg(p, i), false); break;
	case LXA_IOV_IN: lx_print_iov(p, b, v, next_arg(p, i), -1); break;
	case LXA_ARGV:	lx_print_argv(p, b, v); break;
	case LXA_ENVP:	lx_print_envp(p, b, v); break;
	case LXA_SIGSET: lx_print_sigset(p, b, v); break;
	case LXA_SIGACTION: lx_print_sigaction(p, b, v); break;
	case LXA_SIGINFO: lx_print_siginfo(p, b, v); break;
	case LXA_TIMESPEC: lx_print_timespec(p, b, v); break;
	case LXA_TIMEVAL: lx_print_timeval(p, b, v); break;
	case LXA_POLLFD: lx_print_pollfds(p, b, v, next_arg(p, i), false);
		break;
	case LXA_FDSET:	lx_print_fdset(p, b, v, (int)LX_ARG(p, 0)); break;
	case LXA_SOCKADDR: lx_print_sockaddr(p, b, v, next_arg(p, i)); break;
	case LXA_MSGHDR: lx_print_msghdr(p, b, v, -1); break;
	case LXA_RLIMIT: lx_print_rlimit(p, b, v); break;
	case LXA_EPOLL_EVENT: lx_print_epoll_event(p, b, v); break;
	default:
		return false;
	}
	return true;
}

/* Out-arguments, at exit. */
static void
print_output(struct lx_pctx *p, struct lx_sbuf *b, int i, int kind,
    uint64_t v)
{
	long ret = p->ret;

	if (LX_IS_ERR(ret)) {
		lx_print_ptr(b, v);
		return;
	}
	switch (kind) {
	case LXA_BUF_OUT: lx_print_buf(p, b, v, (size_t)ret, false); break;
	case LXA_IOV_OUT: lx_print_iov(p, b, v, next_arg(p, i), ret); break;
	case LXA_SIGSET_OUT: lx_print_sigset(p, b, v); break;
	case LXA_SIGACTION_OUT: lx_print_sigaction(p, b, v); break;
	case LXA_SIGINFO_OUT: lx_print_siginfo(p, b, v); break;
	case LXA_WSTATUS_OUT:
		if (ret == 0)
			lx_print_ptr(b, v);
		else
			lx_print_wstatus(p, b, v);
		break;
	case LXA_RUSAGE_OUT: lx_print_rusage(p, b, v); break;
	case LXA_STAT_OUT: lx_print_stat(p, b, v); break;
	case LXA_STATX_OUT: lx_print_statx(p, b, v); break;
	case LXA_STATFS_OUT: lx_print_statfs(p, b, v); break;
	case LXA_TIMESPEC_OUT: lx_print_timespec(p, b, v); break;
	case LXA_TIMEVAL_OUT: lx_print_timeval(p, b, v); break;
	case LXA_PIPEFD_OUT: lx_print_pipefds(p, b, v); break;
	case LXA_RLIMIT_OUT: lx_print_rlimit(p, b, v); break;
	case LXA_UTSNAME_OUT: lx_print_utsname(p, b, v); break;
	case LXA_EPOLL_EVENTS_OUT: lx_print_epoll_events(p, b, v, ret); break;
	case LXA_DIRENT_OUT: lx_print_dirents(p, b, v); break;
	case LXA_SOCKADDR_OUT: {
		uint32_t len = 0;
		uint64_t lenp = next_arg(p, i);
		bool have = lenp != 0 && p->g != NULL &&
		    lx_guest_read(p->g, &len, lenp, sizeof(len)) == 0;

		lx_print_sockaddr(p, b, v, have ? len : 0);
		if (i + 1 < LX_NARGS && have) {
			struct lx_sbuf *nb = &p->arg[i + 1];

			sb_reset(nb);
			if (len != (uint32_t)p->saved[i + 1])
				sb_printf(nb, "[%u => %u]",
				    (unsigned)p->saved[i + 1], len);
			else
				sb_printf(nb, "[%u]", len);
		}
		break;
	}
	default:
		lx_print_ptr(b, v);
	}
}

void
lx_print_kind(struct lx_pctx *p, int i, int kind)
{
	struct lx_sbuf *b = &p->arg[i];
	uint64_t v = LX_ARG(p, i);

	sb_reset(b);
	if (lx_kind_is_out(kind)) {
		print_output(p, b, i, kind, v);
		return;
	}
	if (kind == LXA_MSGHDR && p->exiting) {
		/* recvmsg: what was received, cut to the result. */
		if (LX_IS_ERR(p->ret))
			lx_print_ptr(b, v);
		else
			lx_print_msghdr(p, b, v, p->ret);
		return;
	}
	if (print_scalar(p, b, kind, v) || print_input(p, b, i, kind, v))
		return;
	sb_printf(b, "%#llx", (unsigned long long)v);
}

static bool
is_recv_msghdr(const struct lx_pctx *p)
{
	return p->c->nr == LX_NR_recvmsg;
}

/* Poll: the returned events follow the result, as in strace. */
static void
print_poll_revents(struct lx_pctx *p)
{
	for (int i = 0; i < p->nargs; i++) {
		if (p->ent->arg[i] != LXA_POLLFD)
			continue;
		if (LX_IS_ERR(p->ret) || p->ret <= 0)
			return;
		sb_puts(p->retx, " (");
		lx_print_pollfds(p, p->retx, LX_ARG(p, i), LX_ARG(p, i + 1),
		    true);
		sb_putc(p->retx, ')');
		return;
	}
}

void
lx_print_args(struct lx_pctx *p)
{
	if (!p->exiting) {
		p->pending = 0;
		for (int i = 0; i < p->nargs; i++) {
			int kind = p->ent->arg[i];

			if (lx_kind_is_out(kind) ||
			    (kind == LXA_MSGHDR && is_recv_msghdr(p))) {
				p->pending |= 1u << i;
				sb_reset(&p->arg[i]);
				if (kind == LXA_SOCKADDR_OUT &&
				    i + 1 < LX_NARGS) {
					uint32_t len = 0;

					if (LX_ARG(p, i + 1) != 0 &&
					    p->g != NULL)
						lx_guest_read(p->g, &len,
						    LX_ARG(p, i + 1),
						    sizeof(len));
					p->saved[i + 1] = len;
				}
				continue;
			}
			lx_print_kind(p, i, kind);
		}
		return;
	}
	for (int i = 0; i < p->nargs; i++)
		if (p->pending & (1u << i))
			lx_print_kind(p, i, p->ent->arg[i]);
	print_poll_revents(p);
}
