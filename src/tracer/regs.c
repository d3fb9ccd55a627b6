/* SPDX-License-Identifier: BSD-2-Clause */
/* x86-64 registers of a stopped thread, and the syscall ABI on them. */
#include <errno.h>
#include <sys/ptrace.h>

#include "tracer.h"

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

void
regs_to_call(const struct user_regs_struct *r, struct lx_call *c)
{
	c->nr = (long)r->orig_rax;
	c->arg[0] = r->rdi;
	c->arg[1] = r->rsi;
	c->arg[2] = r->rdx;
	c->arg[3] = r->r10;
	c->arg[4] = r->r8;
	c->arg[5] = r->r9;
	c->ip = r->rip;
	c->sp = r->rsp;
}

/* The i386 (int 0x80) convention: ebx ecx edx esi edi ebp. */
static void
regs_to_call_i386(const struct user_regs_struct *r, struct lx_call *c)
{
	c->nr = (long)(uint32_t)r->orig_rax;
	c->arg[0] = (uint32_t)r->rbx;
	c->arg[1] = (uint32_t)r->rcx;
	c->arg[2] = (uint32_t)r->rdx;
	c->arg[3] = (uint32_t)r->rsi;
	c->arg[4] = (uint32_t)r->rdi;
	c->arg[5] = (uint32_t)r->rbp;
	c->ip = r->rip;
	c->sp = r->rsp;
}

void
regs_to_call_abi(const struct user_regs_struct *r, struct lx_call *c, int abi)
{
	if (abi == LX_ABI_I386)
		regs_to_call_i386(r, c);
	else
		regs_to_call(r, c);
	c->abi = (uint8_t)abi;
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
}
