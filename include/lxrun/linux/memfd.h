/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: memfd_create flags and what seals act on. */
#ifndef LXRUN_LINUX_MEMFD_H
#define LXRUN_LINUX_MEMFD_H

#include <stdint.h>

/* include/uapi/linux/memfd.h */
#define LX_MFD_CLOEXEC              0x0001U
#define LX_MFD_ALLOW_SEALING        0x0002U
#define LX_MFD_HUGETLB              0x0004U
#define LX_MFD_NOEXEC_SEAL          0x0008U
#define LX_MFD_EXEC                 0x0010U
#define LX_MFD_ALL_FLAGS \
	(LX_MFD_CLOEXEC | LX_MFD_ALLOW_SEALING | LX_MFD_HUGETLB | \
	 LX_MFD_NOEXEC_SEAL | LX_MFD_EXEC)
/* log2 of the huge page size, in bits 26..31 (MFD_HUGE_2MB = 21 << 26) */
#define LX_MFD_HUGE_SHIFT           26
#define LX_MFD_HUGE_MASK            0x3fU

/* The name after "memfd:" is at most NAME_MAX - 6 bytes. */
#define LX_MFD_NAME_MAX             249

/* Every seal Linux 6.18 knows (F_SEAL_SEAL .. F_SEAL_EXEC). */
#define LX_F_SEAL_ALL               0x3fU

/* fallocate modes shmem accepts. */
#define LX_FALLOC_FL_KEEP_SIZE      0x01
#define LX_FALLOC_FL_PUNCH_HOLE     0x02

/* pwritev2 flags (include/uapi/linux/fs.h). */
#define LX_RWF_HIPRI                0x01
#define LX_RWF_DSYNC                0x02
#define LX_RWF_SYNC                 0x04
#define LX_RWF_NOWAIT               0x08
#define LX_RWF_APPEND               0x10

/* The most iovecs one readv/writev takes. */
#define LX_UIO_MAXIOV               1024

/* vm.memfd_noexec scopes. */
#define LX_MEMFD_NOEXEC_SCOPE_EXEC          0
#define LX_MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL   1
#define LX_MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED 2

/* madvise advice that punches a hole (a write as seals see it). */
#define LX_MADV_REMOVE              9

/*
 * What the routes an fd can arrive by look like in memory: struct
 * msghdr, struct mmsghdr and struct cmsghdr (x86-64), SCM_RIGHTS, and
 * openat2's struct open_how.
 */
struct lx_msghdr {
	uint64_t msg_name;
	uint32_t msg_namelen;
	uint32_t pad0;
	uint64_t msg_iov;
	uint64_t msg_iovlen;
	uint64_t msg_control;
	uint64_t msg_controllen;
	int32_t msg_flags;
	uint32_t pad1;
};

struct lx_mmsghdr {
	struct lx_msghdr msg_hdr;
	uint32_t msg_len;
	uint32_t pad;
};

struct lx_cmsghdr {
	uint64_t cmsg_len;
	int32_t cmsg_level;
	int32_t cmsg_type;
};

#define LX_CMSG_ALIGN(n)            (((n) + 7) & ~(uint64_t)7)
#define LX_SOL_SOCKET               1
#define LX_SCM_RIGHTS               1

struct lx_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

#endif
