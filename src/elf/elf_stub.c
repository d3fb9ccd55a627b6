/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stub: the only program the kernel execs under --loader=elf.  It is
 * a minimal ELF (one read-write-exec PT_LOAD at a chosen address, a
 * non-executable stack) whose code never runs on its own: the supervisor
 * points it at a batch of syscalls (struct lx_op) and lets it go, so that
 * one stop covers the whole batch instead of two stops per injected call.
 *
 * The batch runner, entered with %rbx = the first op, %r12 = 0 (the base
 * register) and %r13 = the batch's first op:
 *	op.nr == -1: done; -2: memset(a0, 0, a1); -3: base &= a0;
 *	else syscall(nr, a0 [+ base], a1..a5), result stored in the op;
 *	with FDREF, a4 is the index of an earlier op whose result (an fd)
 *	is the argument, with FDREF0 the same for a0; an error result
 *	stops the batch; SETBASE copies the result to base.
 * It ends on int3 (SIGTRAP).  Its code is position-independent: the
 * supervisor also copies it elsewhere to run the last batch, which
 * unmaps the copy itself and so ends on a fault right after its syscall.
 */
#include <string.h>

#include "elf/elf.h"

__asm__(
	"	.pushsection .rodata.lx_stub, \"a\"\n"
	"	.globl lx_stub_code_start, lx_stub_code_end\n"
	"	.globl lx_stub_syscall_end, lx_stub_trap_end\n"
	"	.hidden lx_stub_code_start, lx_stub_code_end\n"
	"	.hidden lx_stub_syscall_end, lx_stub_trap_end\n"
	"lx_stub_code_start:\n"
	"1:	movq	(%rbx), %rax\n"
	"	cmpq	$-1, %rax\n"
	"	je	9f\n"
	"	movq	8(%rbx), %rdi\n"
	"	testb	$8, 56(%rbx)\n"
	"	jz	7f\n"
	"	imulq	$72, %rdi, %rdi\n"
	"	movq	64(%r13,%rdi), %rdi\n"
	"7:	testb	$1, 56(%rbx)\n"
	"	jz	2f\n"
	"	addq	%r12, %rdi\n"
	"2:	cmpq	$-2, %rax\n"
	"	je	5f\n"
	"	cmpq	$-3, %rax\n"
	"	je	6f\n"
	"	movq	16(%rbx), %rsi\n"
	"	movq	24(%rbx), %rdx\n"
	"	movq	32(%rbx), %r10\n"
	"	movq	40(%rbx), %r8\n"
	"	movq	48(%rbx), %r9\n"
	"	testb	$4, 56(%rbx)\n"
	"	jz	4f\n"
	"	imulq	$72, %r8, %r8\n"
	"	movq	64(%r13,%r8), %r8\n"
	"4:	syscall\n"
	"lx_stub_syscall_end:\n"
	"	movq	%rax, 64(%rbx)\n"
	"	cmpq	$-4095, %rax\n"
	"	jae	9f\n"
	"	testb	$2, 56(%rbx)\n"
	"	jz	3f\n"
	"	movq	%rax, %r12\n"
	"3:	addq	$72, %rbx\n"
	"	jmp	1b\n"
	"5:	movq	16(%rbx), %rcx\n"
	"	xorl	%eax, %eax\n"
	"	rep stosb\n"
	"	movq	$0, 64(%rbx)\n"
	"	jmp	3b\n"
	"6:	andq	%rdi, %r12\n"
	"	movq	$0, 64(%rbx)\n"
	"	jmp	3b\n"
	"9:	int3\n"
	"lx_stub_trap_end:\n"
	"lx_stub_code_end:\n"
	"	.popsection\n");

extern const unsigned char lx_stub_code_start[], lx_stub_code_end[];
extern const unsigned char lx_stub_syscall_end[], lx_stub_trap_end[];

_Static_assert(sizeof(struct lx_op) == 72, "the stub's op layout");

#define CODE_OFFSET	(sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr))

const unsigned char *
lx_stub_code(size_t *len)
{
	*len = (size_t)(lx_stub_code_end - lx_stub_code_start);
	return lx_stub_code_start;
}

size_t
lx_stub_code_offset(void)
{
	return CODE_OFFSET;
}

size_t
lx_stub_after_syscall(void)
{
	return (size_t)(lx_stub_syscall_end - lx_stub_code_start);
}

size_t
lx_stub_after_trap(void)
{
	return (size_t)(lx_stub_trap_end - lx_stub_code_start);
}

size_t
lx_stub_image(unsigned char *buf, size_t cap, uint64_t base)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	size_t code_len, len;
	const unsigned char *code = lx_stub_code(&code_len);

	len = CODE_OFFSET + code_len;
	if (len > cap)
		return 0;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = base + CODE_OFFSET;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_W | PF_X;
	ph[0].p_offset = 0;
	ph[0].p_vaddr = ph[0].p_paddr = base;
	ph[0].p_filesz = len;
	ph[0].p_memsz = LX_STUB_LEN;
	ph[0].p_align = LX_ELF_PAGE;
	ph[1].p_type = PT_GNU_STACK;
	ph[1].p_flags = PF_R | PF_W;
	ph[1].p_align = 16;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
	memcpy(buf + CODE_OFFSET, code, code_len);
	return len;
}
