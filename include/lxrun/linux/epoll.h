/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: epoll (owned by the epoll family; fill as needed). */
#ifndef LXRUN_LINUX_EPOLL_H
#define LXRUN_LINUX_EPOLL_H

#include <stdint.h>

/* epoll_ctl ops */
#define LX_EPOLL_CTL_ADD	1
#define LX_EPOLL_CTL_DEL	2
#define LX_EPOLL_CTL_MOD	3

/* epoll_create1 flags */
#define LX_EPOLL_CLOEXEC	0x80000		/* = O_CLOEXEC */

/* Event bits (the low ones equal the POLL* bits). */
#define LX_EPOLLIN		0x00000001
#define LX_EPOLLPRI		0x00000002
#define LX_EPOLLOUT		0x00000004
#define LX_EPOLLERR		0x00000008
#define LX_EPOLLHUP		0x00000010
#define LX_EPOLLNVAL		0x00000020
#define LX_EPOLLRDNORM		0x00000040
#define LX_EPOLLRDBAND		0x00000080
#define LX_EPOLLWRNORM		0x00000100
#define LX_EPOLLWRBAND		0x00000200
#define LX_EPOLLMSG		0x00000400
#define LX_EPOLLRDHUP		0x00002000
#define LX_EPOLL_URING_WAKE	0x08000000
#define LX_EPOLLEXCLUSIVE	0x10000000
#define LX_EPOLLWAKEUP		0x20000000
#define LX_EPOLLONESHOT		0x40000000
#define LX_EPOLLET		0x80000000u

/* Flags that are not readiness (fs/eventpoll.c EP_PRIVATE_BITS). */
#define LX_EP_PRIVATE_BITS	(LX_EPOLLWAKEUP | LX_EPOLLONESHOT | \
	LX_EPOLLET | LX_EPOLLEXCLUSIVE)
/* What may accompany EPOLLEXCLUSIVE (EPOLLEXCLUSIVE_OK_BITS). */
#define LX_EPOLLEXCLUSIVE_OK	(LX_EPOLLIN | LX_EPOLLOUT | LX_EPOLLERR | \
	LX_EPOLLHUP | LX_EPOLLWAKEUP | LX_EPOLLET | LX_EPOLLEXCLUSIVE)

/* struct epoll_event is packed on x86-64: 12 bytes. */
struct lx_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

#define LX_EPOLL_EVENT_SIZE	12
/* EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
#define LX_EP_MAX_EVENTS	(0x7fffffff / LX_EPOLL_EVENT_SIZE)
/* EP_MAX_NESTS */
#define LX_EP_MAX_NESTS		4

/* kcmp(2) type comparing open files. */
#define LX_KCMP_FILE		0

#endif
