/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Value printers for the trace: the string buffer, strace-style quoting,
 * pointers and fds, and the decoding of one argument by its kind.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "trace/print.h"
#include "trace/xlat.h"

/* String buffer. */

static void
sb_grow(struct lx_sbuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (s == NULL)
		abort();	/* the supervisor cannot go on without memory */
	b->s = s;
	b->cap = cap;
}

void
sb_reset(struct lx_sbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
sb_free(struct lx_sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
sb_put(struct lx_sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_putc(struct lx_sbuf *b, char c)
{
	sb_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
sb_puts(struct lx_sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void
sb_printf(struct lx_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s ? b->s + b->len : NULL,
	    b->s ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->s == NULL || b->len + (size_t)n + 1 > b->cap) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

const char *
sb_str(struct lx_sbuf *b)
{
	return b->s != NULL ? b->s : "";
}

/* Scalars. */

void
lx_print_ptr(struct lx_sbuf *b, uint64_t v)
{
	if (v == 0)
		sb_puts(b, "NULL");
	else
		sb_printf(b, "%#llx", (unsigned long long)v);
}

void
lx_print_oct(struct lx_sbuf *b, unsigned long v)
{
	sb_printf(b, "%#03lo", v);
}

void
lx_print_mode(struct lx_sbuf *b, unsigned mode)
{
	const char *type = lx_xlat_name(lx_x_file_type, mode & 0xf000);
	size_t at = lx_const_begin(b);
	unsigned all = mode;

	if (type != NULL) {
		sb_puts(b, type);
		sb_putc(b, '|');
		mode &= ~0xf000u;
	}
	lx_print_oct(b, mode);
	lx_const_end(b, at, all, LX_CONST_OCT);
}

int
lx_strsize(void)
{
	return lx_opt.strsize >= 0 ? lx_opt.strsize : 32;
}

/* Quoting. */

static void
quote_byte(struct lx_sbuf *b, unsigned char c, int next)
{
	switch (c) {
	case '"':  sb_puts(b, "\\\""); return;
	case '\\': sb_puts(b, "\\\\"); return;
	case '\n': sb_puts(b, "\\n"); return;
	case '\t': sb_puts(b, "\\t"); return;
	case '\r': sb_puts(b, "\\r"); return;
	case '\f': sb_puts(b, "\\f"); return;
	case '\v': sb_puts(b, "\\v"); return;
	}
	if (c >= ' ' && c < 0x7f) {
		sb_putc(b, (char)c);
		return;
	}
	/* Short octal unless a digit follows and would be read into it. */
	if (next >= '0' && next <= '7')
		sb_printf(b, "\\%03o", c);
	else
		sb_printf(b, "\\%o", c);
}

void
lx_quote(struct lx_sbuf *b, const unsigned char *s, size_t n, bool hex)
{
	sb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (hex)
			sb_printf(b, "\\x%02x", s[i]);
		else
			quote_byte(b, s[i], i + 1 < n ? s[i + 1] : -1);
	}
	sb_putc(b, '"');
}

/* fd paths (-y): the tracer's view of the guest's fd table. */

static void
print_link(struct lx_sbuf *b, const char *proc)
{
	char path[PATH_MAX];
	ssize_t n = readlink(proc, path, sizeof(path));

	if (n <= 0)
		return;
	sb_putc(b, '<');
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '>' || c == '<' || c == '\\' || c < ' ' || c >= 0x7f)
			sb_printf(b, "\\x%02x", c);
		else
			sb_putc(b, (char)c);
	}
	sb_putc(b, '>');
}

static int
pctx_tid(struct lx_pctx *p)
{
	if (p->g != NULL && p->g->tid > 0)
		return p->g->tid;
	return p->c->tid;
}

void
lx_print_fd(struct lx_pctx *p, struct lx_sbuf *b, int fd)
{
	char proc[64];

	sb_printf(b, "%d", fd);
	if (lx_opt.show_fd_paths && fd >= 0) {
		snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", pctx_tid(p), fd);
		print_link(b, proc);
	}
}

void
lx_print_dirfd(struct lx_pctx *p, struct lx_sbuf *b, int fd)
{
	char proc[64];
	size_t at;

	if (fd != LX_AT_FDCWD) {
		lx_print_fd(p, b, fd);
		return;
	}
	at = lx_const_begin(b);
	sb_puts(b, "AT_FDCWD");
	lx_const_end(b, at, (uint64_t)(int64_t)fd, LX_CONST_DEC);
	if (lx_opt.show_fd_paths) {
		snprintf(proc, sizeof(proc), "/proc/%d/cwd", pctx_tid(p));
		print_link(b, proc);
	}
}

/* Guest memory. */

bool
lx_fetch(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr, void *dst,
    size_t n)
{
	if (addr == 0) {
		sb_puts(b, "NULL");
		return false;
	}
	if (p->g == NULL || lx_guest_read(p->g, dst, addr, n) < 0) {
		lx_print_ptr(b, addr);
		return false;
	}
	return true;
}

static void
print_string_cap(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    size_t lim)
{
	char stackbuf[512];
	char *buf = stackbuf;
	long n;

	if (addr == 0 || p->g == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	if (lim + 2 > sizeof(stackbuf) && (buf = malloc(lim + 2)) == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	n = lx_guest_string(p->g, buf, addr, lim + 1);
	if (n >= 0) {
		lx_quote(b, (unsigned char *)buf, (size_t)n, false);
	} else if (n == -LX_ENAMETOOLONG &&
	    lx_guest_read(p->g, buf, addr, lim) == 0) {
		lx_quote(b, (unsigned char *)buf, lim, false);
		sb_puts(b, "...");
	} else {
		lx_print_ptr(b, addr);
	}
	if (buf != stackbuf)
		free(buf);
}

void
lx_print_cstr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    size_t lim)
{
	print_string_cap(p, b, addr, lim);
}

/* File names are not cut by -s, as in strace. */
void
lx_print_path(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	print_string_cap(p, b, addr, PATH_MAX);
}

void
lx_print_buf(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr, size_t n,
    bool hex)
{
	size_t lim = (size_t)lx_strsize();
	size_t take = n < lim ? n : lim;
	unsigned char stackbuf[512];
	unsigned char *buf = stackbuf;

	if (addr == 0 || p->g == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	if (take > sizeof(stackbuf) && (buf = malloc(take)) == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	if (lx_guest_read(p->g, buf, addr, take) < 0) {
		lx_print_ptr(b, addr);
	} else {
		lx_quote(b, buf, take, hex);
		if (n > take)
			sb_puts(b, "...");
	}
	if (buf != stackbuf)
		free(buf);
}
