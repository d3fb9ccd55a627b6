/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 memory-mapping and clone constants. */
#ifndef LXRUN_LINUX_MMAN_H
#define LXRUN_LINUX_MMAN_H

#define LX_PROT_NONE                0x0
#define LX_PROT_READ                0x1
#define LX_PROT_WRITE               0x2
#define LX_PROT_EXEC                0x4
#define LX_PROT_GROWSDOWN           0x1000000
#define LX_PROT_GROWSUP             0x2000000
#define LX_MAP_SHARED               0x1
#define LX_MAP_PRIVATE              0x2
#define LX_MAP_SHARED_VALIDATE      0x3
#define LX_MAP_TYPE                 0xf
#define LX_MAP_FIXED                0x10
#define LX_MAP_ANONYMOUS            0x20
#define LX_MAP_32BIT                0x40
#define LX_MAP_GROWSDOWN            0x100
#define LX_MAP_DENYWRITE            0x800
#define LX_MAP_EXECUTABLE           0x1000
#define LX_MAP_LOCKED               0x2000
#define LX_MAP_NORESERVE            0x4000
#define LX_MAP_POPULATE             0x8000
#define LX_MAP_NONBLOCK             0x10000
#define LX_MAP_STACK                0x20000
#define LX_MAP_HUGETLB              0x40000
#define LX_MAP_SYNC                 0x80000
#define LX_MAP_FIXED_NOREPLACE      0x100000
#define LX_MREMAP_MAYMOVE           0x1
#define LX_MREMAP_FIXED             0x2
#define LX_MREMAP_DONTUNMAP         0x4

#define LX_CSIGNAL                  0xff
#define LX_CLONE_VM                 0x100
#define LX_CLONE_FS                 0x200
#define LX_CLONE_FILES              0x400
#define LX_CLONE_SIGHAND            0x800
#define LX_CLONE_PIDFD              0x1000
#define LX_CLONE_PTRACE             0x2000
#define LX_CLONE_VFORK              0x4000
#define LX_CLONE_PARENT             0x8000
#define LX_CLONE_THREAD             0x10000
#define LX_CLONE_NEWNS              0x20000
#define LX_CLONE_SYSVSEM            0x40000
#define LX_CLONE_SETTLS             0x80000
#define LX_CLONE_PARENT_SETTID      0x100000
#define LX_CLONE_CHILD_CLEARTID     0x200000
#define LX_CLONE_DETACHED           0x400000
#define LX_CLONE_UNTRACED           0x800000
#define LX_CLONE_CHILD_SETTID       0x1000000
#define LX_CLONE_NEWCGROUP          0x2000000
#define LX_CLONE_NEWUTS             0x4000000
#define LX_CLONE_NEWIPC             0x8000000
#define LX_CLONE_NEWUSER            0x10000000
#define LX_CLONE_NEWPID             0x20000000
#define LX_CLONE_NEWNET             0x40000000
#define LX_CLONE_IO                 0x80000000

#endif
