/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to the --trace printer: a growable string buffer, the decode
 * context one syscall is printed through, value printers by argument
 * kind, and the custom decoders of the syscalls lxrun emulates.
 */
#ifndef LXRUN_TRACE_PRINT_H
#define LXRUN_TRACE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "lxrun/lxrun.h"
#include "lxrun/sysent.h"
#include "lxrun/trace.h"

/* Fields of a guest struct copied into a byte buffer, at byte offsets. */
static inline uint64_t
lx_ld64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint32_t
lx_ld32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint16_t
lx_ld16(const unsigned char *p, size_t off)
{
	uint16_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* Growable string; never NULL-terminated-less once used. */
struct lx_sbuf {
	char *s;
	size_t len, cap;
};

void sb_reset(struct lx_sbuf *b);
void sb_free(struct lx_sbuf *b);
void sb_putc(struct lx_sbuf *b, char c);
void sb_put(struct lx_sbuf *b, const char *s, size_t n);
void sb_puts(struct lx_sbuf *b, const char *s);
void sb_printf(struct lx_sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *sb_str(struct lx_sbuf *b);	/* "" when empty */

/*
 * One syscall being decoded.  Each argument is printed into its own
 * buffer (the JSON trace lists them one by one).  At entry (exiting
 * false) the printer fills the arguments it can; those whose bit is set
 * in pending are printed again at exit, when ret is known.  retx is
 * printed after the return value (" (flags O_RDWR)").
 */
struct lx_pctx {
	const struct lx_call *c;
	struct lx_guest *g;
	const struct lx_sysent *ent;
	bool exiting;
	long ret;
	int nargs;
	uint8_t pending;
	struct lx_sbuf *arg;		/* LX_NARGS buffers */
	struct lx_sbuf *retx;
	int retkind;			/* LXA_* for the result; 0: the row's */
	uint64_t saved[LX_NARGS];	/* decoder scratch kept entry->exit */
};

#define LX_ARG(p, i)	((p)->c->arg[(i)])
#define LX_IS_ERR(r)	((unsigned long)(r) >= (unsigned long)-4095L)

/*
 * -X (xstyle.c): a named constant's text is marked by begin() and end();
 * end() rewrites it for -X raw or verbose with the raw value v printed
 * in fmt.  Marks nest: only the outermost one rewrites.
 */
enum lx_const_fmt { LX_CONST_HEX = 0, LX_CONST_DEC, LX_CONST_UDEC,
	LX_CONST_OCT };
size_t lx_const_begin(struct lx_sbuf *b);
void lx_const_end(struct lx_sbuf *b, size_t at, uint64_t v,
    enum lx_const_fmt fmt);

/* Generic decoding by the row's argument kinds. */
void lx_print_args(struct lx_pctx *p);
bool lx_kind_is_out(int kind);
void lx_print_kind(struct lx_pctx *p, int i, int kind);

/* Values. */
void lx_print_ptr(struct lx_sbuf *b, uint64_t v);
void lx_print_fd(struct lx_pctx *p, struct lx_sbuf *b, int fd);
void lx_print_dirfd(struct lx_pctx *p, struct lx_sbuf *b, int fd);
void lx_print_mode(struct lx_sbuf *b, unsigned mode);
void lx_print_oct(struct lx_sbuf *b, unsigned long v);
/* Quote n bytes like strace (hex: every byte as \xHH). */
void lx_quote(struct lx_sbuf *b, const unsigned char *s, size_t n,
    bool hex);
void lx_print_cstr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    size_t lim);
void lx_print_path(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_buf(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    size_t n, bool hex);
int lx_strsize(void);

/* Reading a struct; false (and the pointer printed) when unreadable. */
bool lx_fetch(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    void *dst, size_t n);

/* print_fs.c */
void lx_print_open_flags(struct lx_sbuf *b, uint64_t v);
void lx_print_fd_flags(struct lx_sbuf *b, uint64_t v);
void lx_print_stat(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_statx(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_statfs(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_dirents(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_argv(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_envp(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_fcntl_cmd(struct lx_sbuf *b, int cmd);
void lx_print_ioctl_req(struct lx_sbuf *b, uint64_t req);

/* print_signal.c */
const char *lx_signame(int sig);	/* "SIGINT", "SIGRT_1"; NULL if bad */
void lx_print_signum(struct lx_sbuf *b, long sig);
void lx_print_sigmask(struct lx_sbuf *b, uint64_t mask);
void lx_print_sigset(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_sigaction(struct lx_pctx *p, struct lx_sbuf *b,
    uint64_t addr);
void lx_print_siginfo_buf(struct lx_sbuf *b, const unsigned char *si);
const char *lx_si_code_name(int sig, int code);
void lx_print_siginfo(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_wstatus_val(struct lx_sbuf *b, int st);
void lx_print_wstatus(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);

/* print_time.c */
void lx_print_timespec(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_timeval(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_rusage(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_rlimit(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);
void lx_print_utsname(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);

/* print_net.c */
void lx_print_sockaddr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t len);
void lx_print_msghdr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    long datalen);
void lx_print_iov(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t cnt, long datalen);
void lx_print_pollfds(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t n, bool revents);
void lx_print_fdset(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    int nfds);
void lx_print_pipefds(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr);

/* decode_*.c: custom decoders, one per syscall number. */
typedef void lx_decoder_fn(struct lx_pctx *p);
lx_decoder_fn *lx_decoder(long nr);

/* decode_epoll.c */
void lx_print_epoll_event(struct lx_pctx *p, struct lx_sbuf *b,
    uint64_t addr);
void lx_print_epoll_events(struct lx_pctx *p, struct lx_sbuf *b,
    uint64_t addr, long n);

/* decode_misc.c */
void lx_print_ioprio(struct lx_sbuf *b, uint64_t v);

/* errnoent.c */
const char *lx_errno_name(long e);
const char *lx_errno_msg(long e);
bool lx_errno_is_restart(long e);

/* trace.c: JSON string escaping (shared with stats.c). */
void lx_json_str(struct lx_sbuf *b, const char *s);
/* stats.c: the tid -> process map is in trace.c */
void lx_stats_count(const struct lx_sysent *ent, long nr, enum lx_served s,
    long ret, int64_t dur_ns);
/* Forget every count (tests). */
void lx_stats_reset(void);

#endif
