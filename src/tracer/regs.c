/* SPDX-License-Identifier: BSD-2-Clause */
/* x86-64 registers of a stopped thread, and the syscall ABI on them. */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <sys/ptrace.h>

#include "tracer.h"

int
regs_rax(pid_t tid, long *rax)
{
	errno = 0;
	*rax = ptrace(PTRACE_PEEKUSER, tid,
	    offsetof(struct user_regs_struct, rax), 0);
	return *rax == -1 && errno != 0 ? -errno : 0;
}

/*
 * At a seccomp stop, one PTRACE_GET_SYSCALL_INFO gives the ABI (arch and
 * our filter's RET_DATA), the number and the arguments in the ABI's own
 * registers: enough for every call that runs natively, so the full
 * register set is only read when a handler needs it.
 */
int
call_from_seccomp_stop(pid_t tid, struct lx_call *c, uint64_t *ip)
{
	struct __ptrace_syscall_info si;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) <= 0)
		return -errno;
	if (si.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return -EINVAL;
	c->nr = (long)si.seccomp.nr;
	for (int i = 0; i < LX_NARGS; i++)
		c->arg[i] = si.seccomp.args[i];
	c->ip = si.instruction_pointer;
	c->sp = si.stack_pointer;
	if (si.arch != AUDIT_ARCH_X86_64)
		c->abi = LX_ABI_I386;
	else if (si.seccomp.ret_data == LX_FILTER_DATA_X32)
		c->abi = LX_ABI_X32;
	else
		c->abi = LX_ABI_X86_64;
	if (c->abi == LX_ABI_I386)
		c->nr = (long)(uint32_t)c->nr;
	*ip = si.instruction_pointer;
	return (si.seccomp.ret_data & 0xff00) != LX_FILTER_MARK ? -EPERM : 0;
}

int
call_from_syscall_stop(pid_t tid, struct lx_call *c, uint64_t *ip)
{
	struct __ptrace_syscall_info si;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) <= 0)
		return -errno;
	if (si.op == PTRACE_SYSCALL_INFO_EXIT)
		return 0;
	if (si.op != PTRACE_SYSCALL_INFO_ENTRY)
		return -EINVAL;
	c->nr = (long)si.entry.nr;
	for (int i = 0; i < LX_NARGS; i++)
		c->arg[i] = si.entry.args[i];
	c->ip = si.instruction_pointer;
	c->sp = si.stack_pointer;
	if (si.arch != AUDIT_ARCH_X86_64)
		c->abi = LX_ABI_I386;
	else if (c->nr & 0x40000000)
		c->abi = LX_ABI_X32;
	else
		c->abi = LX_ABI_X86_64;
	*ip = si.instruction_pointer;
	return 1;
}

int
regs_get(pid_t tid, struct user_regs_struct *r)
{
	return ptrace(PTRACE_GETREGS, tid, 0, r) < 0 ? -errno : 0;
}

int
regs_set(pid_t tid, const struct user_regs_struct *r)
{
	return ptrace(PTRACE_SETREGS, tid, 0, r) < 0 ? -errno : 0;
}

/*
 * At a syscall's entry (seccomp stop): skip it and make value its result.
 * Two PTRACE_POKEUSERs (number -1, rax) change only what must change;
 * GETREGS + SETREGS would cost as many calls and copy every register
 * twice (docs/perf-stop.md).
 */
int
regs_skip_call(pid_t tid, long value)
{
	if (ptrace(PTRACE_POKEUSER, tid,
	    offsetof(struct user_regs_struct, orig_rax), -1L) < 0 ||
	    ptrace(PTRACE_POKEUSER, tid,
	    offsetof(struct user_regs_struct, rax), value) < 0)
		return -errno;
	return 0;
}

void
regs_set_args(struct user_regs_struct *r, long nr, const uint64_t a[6])
{
	r->orig_rax = (uint64_t)nr;
	r->rax = (uint64_t)nr;
	r->rdi = a[0];
	r->rsi = a[1];
	r->rdx = a[2];
	r->r10 = a[3];
	r->r8 = a[4];
	r->r9 = a[5];
	notify_mark_regs(r, nr);
}
