/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ELF loader's pure parts (no ptrace, no guest): what the kernel's
 * execve checks in a file, where it maps what, and the initial stack it
 * builds.  The tracer side (src/tracer/load*.c) reads the files, runs the
 * plans in the guest and writes the stack.
 *
 * Every rule here follows Linux's fs/binfmt_elf.c, fs/binfmt_script.c and
 * fs/exec.c, errno for errno, for x86-64 programs only.
 */
#ifndef LXRUN_ELF_ELF_H
#define LXRUN_ELF_ELF_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LX_ELF_PAGE		4096ULL
#define LX_BINPRM_BUF		256	/* bytes of a file exec looks at first */
/* The kernel reads at most one page of program headers: 4096 / 56. */
#define LX_ELF_PHMAX		73
#define LX_PATH_MAX		4096
/* Interpreter rewrites (#!) before exec gives up with ELOOP. */
#define LX_EXEC_MAXDEPTH	5

/* ELF_ET_DYN_BASE on x86-64: 2/3 of the 47-bit user address space. */
#define LX_ELF_ET_DYN_BASE	0x555555554aaaULL
#define LX_TASK_SIZE		0x00007ffffffff000ULL

/* PT_GNU_STACK: what the program asked for. */
enum lx_exstack {
	LX_EXSTACK_DEFAULT,	/* no PT_GNU_STACK */
	LX_EXSTACK_DISABLE_X,
	LX_EXSTACK_ENABLE_X,
};

/* What exec needs of one ELF file. */
struct lx_elf {
	GElf_Ehdr eh;
	int phnum;
	GElf_Phdr ph[LX_ELF_PHMAX];
	bool has_interp;
	char interp[LX_PATH_MAX];	/* PT_INTERP, NUL-terminated */
	enum lx_exstack stack;
};

/*
 * Reads n bytes at off of the file being checked: the count read (short
 * at the end of the file) or -errno.
 */
typedef long lx_elf_pread_fn(void *ctx, void *buf, size_t n, uint64_t off);

/*
 * The program exec was asked to run, from the first LX_BINPRM_BUF bytes
 * (zero-padded, as the kernel's bprm->buf) and the file: 0, -LX_ENOEXEC
 * (not an x86-64 ELF executable, or bad program headers or PT_INTERP),
 * -LX_EIO (PT_INTERP beyond the end), or another -errno of the read.
 */
int lx_elf_check_main(const unsigned char buf[LX_BINPRM_BUF],
    lx_elf_pread_fn *rd, void *ctx, struct lx_elf *e);
/* The ELF interpreter: -LX_EIO (short header), -LX_ELIBBAD, 0. */
int lx_elf_check_interp(lx_elf_pread_fn *rd, void *ctx, struct lx_elf *e);

/* A #! line, parsed as fs/binfmt_script.c does. */
struct lx_script {
	char name[LX_BINPRM_BUF];	/* interpreter path ("" = the cwd) */
	char arg[LX_BINPRM_BUF];	/* its one optional argument */
	bool has_arg;
};
/* 1 if buf is no #! script, 0 parsed, -LX_ENOEXEC a bad #! line. */
int lx_script_parse(const unsigned char buf[LX_BINPRM_BUF],
    struct lx_script *s);

/*
 * A batch: the syscalls the stub runs in a row in the guest, its layout
 * shared with the stub's code (elf_stub.c).  An op's first argument may
 * be relative to the batch's base register, which an op may set from its
 * result; pseudo-ops clear memory and align the base.  The batch stops at
 * the first error, its result left in that op.
 */
#define LX_OP_END	((uint64_t)-1)
#define LX_OP_MEMSET	((uint64_t)-2)	/* a0 = address, a1 = length */
#define LX_OP_ANDBASE	((uint64_t)-3)	/* base &= a0 */
#define LX_OPF_ADDBASE	1		/* a0 += base */
#define LX_OPF_SETBASE	2		/* base = result */
#define LX_OPF_FDREF	4		/* a4 = result of op a4 (an fd) */
#define LX_OPF_FDREF0	8		/* a0 = result of op a0 (an fd) */

struct lx_op {
	uint64_t nr;
	uint64_t a[6];
	uint64_t flags;
	uint64_t result;
};

#define LX_PLAN_MAX	96

/* An address the plan only knows once the batch ran: base + off. */
enum lx_base {
	LX_BASE_ABS,		/* off is the address */
	LX_BASE_MAIN,		/* the program's base op result */
	LX_BASE_INTERP,		/* the interpreter's */
};
struct lx_addr {
	enum lx_base base;
	uint64_t off;
};

/* Choices the kernel makes from the personality and its randomness. */
struct lx_layout_in {
	bool randomize;		/* PF_RANDOMIZE */
	int va_space;		/* /proc/sys/kernel/randomize_va_space */
	uint64_t mmap_rnd;	/* arch_mmap_rnd(): page-aligned */
	uint64_t brk_rnd;	/* a random long for randomize_page() */
	int main_fd, interp_fd;	/* the guest's fds of the files */
};

/* The mapping plan of a program and its interpreter. */
struct lx_plan {
	struct lx_op op[LX_PLAN_MAX];
	int nop;
	bool overflow;		/* too many ops (a bug, not guest input) */
	/* Post-exec failures the kernel meets too: the process dies (SIGSEGV). */
	bool doomed;
	/* op whose result (masked) is each base, -1 if absolute */
	int base_op[3];
	uint64_t base_mask[3];
	/* load_bias + e_phoff etc., resolved with the batch's results */
	struct lx_addr load_bias, phdr, entry, interp_base;
	struct lx_addr start_code, end_code, start_data, end_data, elf_brk;
	bool brk_moved;		/* static PIE: brk at ELF_ET_DYN_BASE */
	bool has_interp;
	uint64_t interp_entry;	/* interpreter's e_entry */
	bool interp_exec;	/* ET_EXEC interpreter: AT_BASE is 0 */
};

/*
 * Plan load_elf_binary's mappings of e (and interp, or NULL) as ops:
 * 0, or a -errno the kernel would also meet before its point of no
 * return (none today: those are all checked by lx_elf_check_*).
 */
int lx_plan_build(struct lx_plan *p, const struct lx_elf *e,
    const struct lx_elf *interp, const struct lx_layout_in *in);
/* An address of the plan, once its batch ran. */
uint64_t lx_plan_addr(const struct lx_plan *p, struct lx_addr a);

/* The program's mm fields, as exec leaves them. */
struct lx_mm {
	uint64_t load_bias, phdr, entry, base, start;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk;
};
void lx_plan_mm(const struct lx_plan *p, const struct lx_elf *e,
    const struct lx_layout_in *in, struct lx_mm *mm);

/* auxv entries the loader sets itself (Linux's AT_* numbers). */
#define LX_AT_NULL		0
#define LX_AT_PHDR		3
#define LX_AT_PHENT		4
#define LX_AT_PHNUM		5
#define LX_AT_PAGESZ		6
#define LX_AT_BASE		7
#define LX_AT_FLAGS		8
#define LX_AT_ENTRY		9
#define LX_AT_UID		11
#define LX_AT_EUID		12
#define LX_AT_GID		13
#define LX_AT_EGID		14
#define LX_AT_PLATFORM		15
#define LX_AT_HWCAP		16
#define LX_AT_CLKTCK		17
#define LX_AT_SECURE		23
#define LX_AT_RANDOM		25
#define LX_AT_HWCAP2		26
#define LX_AT_EXECFN		31
#define LX_AT_SYSINFO_EHDR	33
#define LX_AT_MINSIGSTKSZ	51
#define LX_AUXV_MAX		64	/* pairs, AT_NULL included */

/*
 * The initial stack as create_elf_tables() lays it out below the top of
 * the stack: argc, argv[], envp[], auxv, then (higher) 16 random bytes,
 * the platform string, the argument and environment strings, the exec
 * file name and 8 zero bytes.
 */
struct lx_stack_in {
	uint64_t top;			/* end of the stack mapping */
	int argc, envc;
	const char *const *argv;	/* argc strings */
	const char *const *envp;	/* envc strings */
	const char *execfn;		/* AT_EXECFN */
	const char *platform;		/* AT_PLATFORM, NULL: none */
	unsigned char random[16];	/* AT_RANDOM bytes */
	uint64_t align_rnd;		/* arch_align_stack()'s shift, < 8192 */
	/*
	 * The auxv as the kernel gave it (order and entries kept), AT_NULL
	 * excluded; the loader's own entries replace those of the same
	 * type, AT_SYSINFO_EHDR is dropped unless keep_vdso.
	 */
	const uint64_t (*auxv)[2];
	int nauxv;
	bool keep_vdso;
	uint64_t at_phdr, at_phnum, at_base, at_entry;
};

struct lx_stack {
	unsigned char *image;	/* bytes for [sp, top) */
	size_t len;
	uint64_t sp;		/* where argc is: the program's rsp */
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t execfn, random, platform;
	uint64_t auxv;		/* address of the auxv on the stack */
	uint64_t saved_auxv[LX_AUXV_MAX * 2];	/* for /proc/PID/auxv */
	int nsaved;		/* words, AT_NULL pair included */
};

/*
 * Build the image (malloc'ed, free with lx_stack_free): 0, or -LX_E2BIG
 * when it would not fit in max_len bytes, -LX_ENOMEM.
 */
int lx_stack_build(const struct lx_stack_in *in, size_t max_len,
    struct lx_stack *out);
void lx_stack_free(struct lx_stack *s);

/*
 * The stub the kernel execs in place of the program: a tiny ELF that only
 * runs batches (its code is in elf_stub.c).  base: where it is linked.
 */
#define LX_STUB_LEN		(5 * LX_ELF_PAGE)	/* mapped bytes */
#define LX_STUB_DATA		LX_ELF_PAGE	/* plan area: [base+DATA, +LEN) */
size_t lx_stub_image(unsigned char *buf, size_t cap, uint64_t base);
/* The batch runner's code (position-independent), its entry and marks. */
const unsigned char *lx_stub_code(size_t *len);
size_t lx_stub_code_offset(void);	/* where the code sits in the image */
size_t lx_stub_after_syscall(void);	/* offset (in the code) past syscall */
size_t lx_stub_after_trap(void);	/* offset past int3 */

#endif
