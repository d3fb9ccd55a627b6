/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sockets and I/O vectors for the trace: sockaddr, msghdr, iovec arrays,
 * pollfd arrays, fd_sets and pipe fd pairs.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "trace/print.h"
#include "trace/xlat.h"

#define MAX_ELEMS	32	/* array elements printed before "..." */

static void
print_inet(struct lx_sbuf *b, const unsigned char *sa, size_t len)
{
	char ip[INET_ADDRSTRLEN];
	uint16_t port;

	if (len < 8) {
		sb_puts(b, "...}");
		return;
	}
	memcpy(&port, sa + 2, 2);
	inet_ntop(AF_INET, sa + 4, ip, sizeof(ip));
	sb_printf(b, "sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
	    ntohs(port), ip);
}

static void
print_inet6(struct lx_sbuf *b, const unsigned char *sa, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	uint16_t port;
	uint32_t flow, scope;

	if (len < 28) {
		sb_puts(b, "...}");
		return;
	}
	memcpy(&port, sa + 2, 2);
	memcpy(&flow, sa + 4, 4);
	memcpy(&scope, sa + 24, 4);
	inet_ntop(AF_INET6, sa + 8, ip, sizeof(ip));
	sb_printf(b, "sin6_port=htons(%u), sin6_flowinfo=htonl(%u), "
	    "inet_pton(AF_INET6, \"%s\", &sin6_addr), sin6_scope_id=%u}",
	    ntohs(port), ntohl(flow), ip, scope);
}

static void
print_unix(struct lx_sbuf *b, const unsigned char *sa, size_t len)
{
	const unsigned char *path = sa + 2;
	size_t n = len > 2 ? len - 2 : 0;

	if (n == 0) {
		sb_putc(b, '}');
		return;
	}
	sb_puts(b, "sun_path=");
	if (path[0] == '\0') {
		/* Abstract: a leading NUL, then exactly n-1 bytes. */
		sb_putc(b, '@');
		lx_quote(b, path + 1, n - 1, false);
	} else {
		lx_quote(b, path, strnlen((const char *)path, n), false);
	}
	sb_putc(b, '}');
}

void
lx_print_sockaddr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t len)
{
	unsigned char sa[128];
	uint16_t fam;
	size_t n = len < sizeof(sa) ? (size_t)len : sizeof(sa);

	if (n < 2) {
		lx_print_ptr(b, addr);
		return;
	}
	memset(sa, 0, sizeof(sa));
	if (!lx_fetch(p, b, addr, sa, n))
		return;
	memcpy(&fam, sa, 2);
	sb_puts(b, "{sa_family=");
	lx_print_xval(b, lx_x_sock_family, fam, "%llu");
	sb_puts(b, ", ");
	switch (fam) {
	case 1:  print_unix(b, sa, n); break;
	case 2:  print_inet(b, sa, n); break;
	case 10: print_inet6(b, sa, n); break;
	default:
		sb_puts(b, "sa_data=");
		lx_quote(b, sa + 2, n - 2, true);
		sb_putc(b, '}');
	}
}

/*
 * struct iovec array.  datalen >= 0: only that many bytes were
 * transferred (readv at exit); -1: print what the buffers hold.
 */
void
lx_print_iov(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t cnt, long datalen)
{
	uint64_t iov[2];

	if (addr == 0 || p->g == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	if (cnt > 0 && lx_guest_read(p->g, iov, addr, sizeof(iov)) < 0) {
		lx_print_ptr(b, addr);
		return;
	}
	sb_putc(b, '[');
	for (uint64_t i = 0; i < cnt; i++) {
		size_t n;

		if (i == MAX_ELEMS) {
			sb_puts(b, ", ...");
			break;
		}
		if (i)
			sb_puts(b, ", ");
		if (lx_guest_read(p->g, iov, addr + i * 16, sizeof(iov)) < 0) {
			sb_printf(b, "%#llx", (unsigned long long)(addr + i * 16));
			break;
		}
		n = (size_t)iov[1];
		if (datalen >= 0 && (uint64_t)datalen < n)
			n = (size_t)datalen;
		sb_puts(b, "{iov_base=");
		lx_print_buf(p, b, iov[0], n, false);
		sb_printf(b, ", iov_len=%llu}", (unsigned long long)iov[1]);
		if (datalen >= 0)
			datalen -= (long)n;
	}
	sb_putc(b, ']');
}

/* struct msghdr: name, namelen, iov, iovlen, control, controllen, flags. */
void
lx_print_msghdr(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    long datalen)
{
	uint64_t m[7];

	if (!lx_fetch(p, b, addr, m, sizeof(m)))
		return;
	sb_puts(b, "{msg_name=");
	if (m[0] != 0 && (uint32_t)m[1] != 0)
		lx_print_sockaddr(p, b, m[0], (uint32_t)m[1]);
	else
		lx_print_ptr(b, m[0]);
	sb_printf(b, ", msg_namelen=%u, msg_iov=", (uint32_t)m[1]);
	lx_print_iov(p, b, m[2], m[3], datalen);
	sb_printf(b, ", msg_iovlen=%llu, msg_control=",
	    (unsigned long long)m[3]);
	lx_print_ptr(b, m[4]);
	sb_printf(b, ", msg_controllen=%llu, msg_flags=",
	    (unsigned long long)m[5]);
	lx_print_flags(b, lx_x_msg_flags, (uint32_t)m[6], NULL);
	sb_putc(b, '}');
}

/* struct pollfd: int fd; short events, revents. */
void
lx_print_pollfds(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr,
    uint64_t n, bool revents)
{
	bool first = true;

	if (addr == 0 || p->g == NULL) {
		lx_print_ptr(b, addr);
		return;
	}
	sb_putc(b, '[');
	for (uint64_t i = 0; i < n; i++) {
		unsigned char pfd[8];
		int fd;
		uint16_t ev, rev;

		if (lx_guest_read(p->g, pfd, addr + i * 8, sizeof(pfd)) < 0)
			break;
		memcpy(&fd, pfd, 4);
		memcpy(&ev, pfd + 4, 2);
		memcpy(&rev, pfd + 6, 2);
		if (revents && rev == 0)
			continue;
		if (!first)
			sb_puts(b, ", ");
		if (i >= MAX_ELEMS) {
			sb_puts(b, "...");
			break;
		}
		first = false;
		sb_puts(b, "{fd=");
		lx_print_fd(p, b, fd);
		sb_puts(b, revents ? ", revents=" : ", events=");
		lx_print_flags(b, lx_x_poll_events, revents ? rev : ev, NULL);
		sb_putc(b, '}');
	}
	sb_putc(b, ']');
}

void
lx_print_fdset(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr, int nfds)
{
	unsigned char set[128];
	size_t n;
	bool first = true;

	if (nfds < 0)
		nfds = 0;
	if (nfds > 1024)
		nfds = 1024;
	n = ((size_t)nfds + 63) / 64 * 8;
	if (addr == 0 || n == 0) {
		lx_print_ptr(b, addr);
		return;
	}
	if (!lx_fetch(p, b, addr, set, n))
		return;
	sb_putc(b, '[');
	for (int fd = 0; fd < nfds; fd++) {
		if (!(set[fd / 8] & (1u << (fd % 8))))
			continue;
		if (!first)
			sb_putc(b, ' ');
		first = false;
		sb_printf(b, "%d", fd);
	}
	sb_putc(b, ']');
}

void
lx_print_pipefds(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int fds[2];

	if (!lx_fetch(p, b, addr, fds, sizeof(fds)))
		return;
	sb_putc(b, '[');
	lx_print_fd(p, b, fds[0]);
	sb_puts(b, ", ");
	lx_print_fd(p, b, fds[1]);
	sb_putc(b, ']');
}
