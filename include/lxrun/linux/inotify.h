/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: inotify (owned by the inotify family; fill as needed). */
#ifndef LXRUN_LINUX_INOTIFY_H
#define LXRUN_LINUX_INOTIFY_H

#include <stdint.h>

/* Events (inotify(7)). */
#define LX_IN_ACCESS		0x00000001U
#define LX_IN_MODIFY		0x00000002U
#define LX_IN_ATTRIB		0x00000004U
#define LX_IN_CLOSE_WRITE	0x00000008U
#define LX_IN_CLOSE_NOWRITE	0x00000010U
#define LX_IN_OPEN		0x00000020U
#define LX_IN_MOVED_FROM	0x00000040U
#define LX_IN_MOVED_TO		0x00000080U
#define LX_IN_CREATE		0x00000100U
#define LX_IN_DELETE		0x00000200U
#define LX_IN_DELETE_SELF	0x00000400U
#define LX_IN_MOVE_SELF		0x00000800U
#define LX_IN_ALL_EVENTS	0x00000fffU

/* Sent by the kernel whatever the mask. */
#define LX_IN_UNMOUNT		0x00002000U
#define LX_IN_Q_OVERFLOW	0x00004000U
#define LX_IN_IGNORED		0x00008000U

/* inotify_add_watch flags. */
#define LX_IN_ONLYDIR		0x01000000U
#define LX_IN_DONT_FOLLOW	0x02000000U
#define LX_IN_EXCL_UNLINK	0x04000000U
#define LX_IN_MASK_CREATE	0x10000000U
#define LX_IN_MASK_ADD		0x20000000U
#define LX_IN_ISDIR		0x40000000U
#define LX_IN_ONESHOT		0x80000000U

/* Every bit inotify_add_watch accepts (the kernel's ALL_INOTIFY_BITS). */
#define LX_IN_ALL_BITS \
	(LX_IN_ALL_EVENTS | LX_IN_UNMOUNT | LX_IN_Q_OVERFLOW | LX_IN_IGNORED | \
	 LX_IN_ONLYDIR | LX_IN_DONT_FOLLOW | LX_IN_EXCL_UNLINK | \
	 LX_IN_MASK_CREATE | LX_IN_MASK_ADD | LX_IN_ISDIR | LX_IN_ONESHOT)

/* inotify_init1 flags (O_NONBLOCK, O_CLOEXEC). */
#define LX_IN_NONBLOCK		0x00000800
#define LX_IN_CLOEXEC		0x00080000

/* struct inotify_event: 16 bytes, then len bytes of NUL-padded name. */
struct lx_inotify_event {
	int32_t wd;
	uint32_t mask;
	uint32_t cookie;
	uint32_t len;
	/* char name[len]; */
};
#define LX_INOTIFY_EVENT_SIZE	16
#define LX_NAME_MAX		255

/* ioctl(FIONREAD) on an inotify fd: bytes queued. */
#define LX_FIONREAD		0x541b

#endif
