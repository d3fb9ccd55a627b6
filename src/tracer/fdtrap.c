/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Filters that grow at run time (DESIGN.md decision 1): trap a few
 * syscalls on one fd only, e.g. writes to a sealed memfd or reads of an
 * inotify fd.  The filter is built here and installed by the guest itself
 * (an injected seccomp() with TSYNC, so every thread gets it), so a
 * program that never uses such an object pays nothing on those calls.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

#define MAX_FD_TRAPS 16

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

/*
 *   ld arch; jne x86_64 -> allow
 *   per trap: ld nr; jne -> next; ld arg lo; jeq fd -> trace; (next)
 *   allow; trace
 * Only the low 32 bits of the argument count: the kernel reads an fd as
 * an int.
 */
static int
fdtrap_build(struct sock_filter *f, const struct lx_fd_trap *t, int n, int fd)
{
	int k = 0, allow, trace;

	allow = 2 + 4 * n;
	trace = allow + 1;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 0, (uint8_t)(allow - k - 1));
	k++;
	for (int i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr));
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)t[i].nr, 0, 2);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    (uint32_t)ARG_LO(t[i].argidx));
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)fd, (uint8_t)(trace - k - 1), 0);
		k++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE | LX_FILTER_DATA_X86_64);
	return k;
}

int
fdtrap_install(struct task *t, const struct lx_fd_trap *traps, int n, int fd)
{
	struct sock_filter f[4 + 4 * MAX_FD_TRAPS];
	struct {
		uint64_t len;		/* struct sock_fprog, padded */
		uint64_t filter;
	} prog;
	uint64_t buf;
	int len;
	long r;

	if (n <= 0 || n > MAX_FD_TRAPS || fd < 0)
		return -LX_EINVAL;
	for (int i = 0; i < n; i++)
		if (traps[i].argidx < 0 || traps[i].argidx >= LX_NARGS)
			return -LX_EINVAL;
	len = fdtrap_build(f, traps, n, fd);
	if ((buf = scratch_slot(t)) == 0)
		return -LX_ENOMEM;
	prog.len = (uint64_t)len;
	prog.filter = buf + sizeof(prog);
	if (sizeof(prog) + sizeof(f) > LX_SCRATCH_MAX ||
	    mem_write(t, buf, &prog, sizeof(prog)) < 0 ||
	    mem_write(t, prog.filter, f, (size_t)len * sizeof(f[0])) < 0)
		return -LX_EFAULT;
	{
		uint64_t a[6] = { SECCOMP_SET_MODE_FILTER,
			SECCOMP_FILTER_FLAG_TSYNC, buf, 0, 0, 0 };

		r = inject_syscall(t, SYS_seccomp, a);
	}
	/* TSYNC returns the tid of a thread it could not sync. */
	return r > 0 ? -LX_EAGAIN : (int)r;
}
