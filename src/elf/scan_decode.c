/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding one function with capstone into what the backward search
 * needs: per instruction, the few things that can give eax (or a stack
 * slot) its value, the registers it writes, and the blocks with their
 * predecessors.  Only functions that hold a syscall site or call a
 * wrapper are decoded: a linear sweep of a 10 MB Go binary would cost
 * seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/scan_int.h"
#include "lxrun/disasm.h"

struct decoder {
	const struct lx_capstone *lib;
	csh cs;
	cs_insn *ci;
};

struct decoder *
decoder_new(void)
{
	struct decoder *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	if ((d->lib = lx_capstone()) == NULL ||
	    d->lib->open(CS_ARCH_X86, CS_MODE_64, &d->cs) != CS_ERR_OK) {
		free(d);
		return NULL;
	}
	d->lib->option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
	if ((d->ci = d->lib->insn_alloc(d->cs)) == NULL) {
		d->lib->close(&d->cs);
		free(d);
		return NULL;
	}
	return d;
}

void
decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	d->lib->insn_free(d->ci, 1);
	d->lib->close(&d->cs);
	free(d);
}

uint8_t
reg_canon(unsigned r)
{
	switch (r) {
	case X86_REG_AL: case X86_REG_AH: case X86_REG_AX: case X86_REG_EAX:
	case X86_REG_RAX:
		return R_AX;
	case X86_REG_CL: case X86_REG_CH: case X86_REG_CX: case X86_REG_ECX:
	case X86_REG_RCX:
		return R_CX;
	case X86_REG_DL: case X86_REG_DH: case X86_REG_DX: case X86_REG_EDX:
	case X86_REG_RDX:
		return R_DX;
	case X86_REG_BL: case X86_REG_BH: case X86_REG_BX: case X86_REG_EBX:
	case X86_REG_RBX:
		return R_BX;
	case X86_REG_SPL: case X86_REG_SP: case X86_REG_ESP: case X86_REG_RSP:
		return R_SP;
	case X86_REG_BPL: case X86_REG_BP: case X86_REG_EBP: case X86_REG_RBP:
		return R_BP;
	case X86_REG_SIL: case X86_REG_SI: case X86_REG_ESI: case X86_REG_RSI:
		return R_SI;
	case X86_REG_DIL: case X86_REG_DI: case X86_REG_EDI: case X86_REG_RDI:
		return R_DI;
	case X86_REG_R8B: case X86_REG_R8W: case X86_REG_R8D: case X86_REG_R8:
		return R_8;
	case X86_REG_R9B: case X86_REG_R9W: case X86_REG_R9D: case X86_REG_R9:
		return R_9;
	case X86_REG_R10B: case X86_REG_R10W: case X86_REG_R10D:
	case X86_REG_R10:
		return R_10;
	case X86_REG_R11B: case X86_REG_R11W: case X86_REG_R11D:
	case X86_REG_R11:
		return R_11;
	case X86_REG_R12B: case X86_REG_R12W: case X86_REG_R12D:
	case X86_REG_R12:
		return R_12;
	case X86_REG_R13B: case X86_REG_R13W: case X86_REG_R13D:
	case X86_REG_R13:
		return R_13;
	case X86_REG_R14B: case X86_REG_R14W: case X86_REG_R14D:
	case X86_REG_R14:
		return R_14;
	case X86_REG_R15B: case X86_REG_R15W: case X86_REG_R15D:
	case X86_REG_R15:
		return R_15;
	default:
		return R_NONE;
	}
}

static bool
is_sp_mem(const cs_x86_op *o)
{
	return o->type == X86_OP_MEM && o->mem.base == X86_REG_RSP &&
	    o->mem.index == X86_REG_INVALID && o->mem.segment == X86_REG_INVALID;
}

static bool
is_cmov(unsigned id)
{
	return id >= X86_INS_CMOVA && id <= X86_INS_CMOVS;
}

/* Branches, calls and the system-call instructions. */
static bool
classify_flow(struct decoder *d, const cs_insn *ci, struct insn *in)
{
	const cs_x86 *x = &ci->detail->x86;
	bool imm = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;

	switch (ci->id) {
	case X86_INS_SYSCALL:
		in->op = OP_SYSCALL;
		return true;
	case X86_INS_SYSENTER:
		in->op = OP_SYSENTER;
		return true;
	case X86_INS_INT:
		if (imm && x->operands[0].imm == 0x80)
			in->op = OP_INT80;
		return true;
	case X86_INS_CALL:
		in->op = imm ? OP_CALL : OP_CALL_IND;
		in->target = imm ? (uint64_t)x->operands[0].imm : 0;
		return true;
	case X86_INS_JMP:
		in->op = imm ? OP_JMP : OP_JMP_IND;
		in->target = imm ? (uint64_t)x->operands[0].imm : 0;
		return true;
	case X86_INS_RET: case X86_INS_RETF: case X86_INS_RETFQ:
	case X86_INS_HLT: case X86_INS_UD2: case X86_INS_UD2B:
	case X86_INS_INT3:
		in->op = OP_RET;
		return true;
	default:
		break;
	}
	if (d->lib->insn_group(d->cs, ci, X86_GRP_JUMP) && imm) {
		in->op = OP_JCC;
		in->target = (uint64_t)x->operands[0].imm;
		return true;
	}
	return false;
}

/* mov, xor, cmov, push, pop, and what moves %rsp. */
static void
classify_data(const cs_insn *ci, struct insn *in)
{
	const cs_x86 *x = &ci->detail->x86;
	const cs_x86_op *a = &x->operands[0], *b = &x->operands[1];
	bool two = x->op_count == 2;

	switch (ci->id) {
	case X86_INS_MOV:
	case X86_INS_MOVABS:
		if (!two)
			return;
		in->width = a->size;
		if (a->type == X86_OP_REG && b->type == X86_OP_IMM) {
			in->op = OP_MOV_IMM;
			in->dst = reg_canon(a->reg);
			in->imm = b->imm;
		} else if (a->type == X86_OP_REG && b->type == X86_OP_REG) {
			in->op = OP_MOV_REG;
			in->dst = reg_canon(a->reg);
			in->src = reg_canon(b->reg);
		} else if (a->type == X86_OP_REG && is_sp_mem(b)) {
			in->op = OP_LOAD_SP;
			in->dst = reg_canon(a->reg);
			in->disp = (int32_t)b->mem.disp;
		} else if (is_sp_mem(a) && b->type == X86_OP_IMM) {
			in->op = OP_STORE_SP_IMM;
			in->disp = (int32_t)a->mem.disp;
			in->imm = b->imm;
		} else if (is_sp_mem(a) && b->type == X86_OP_REG) {
			in->op = OP_STORE_SP_REG;
			in->disp = (int32_t)a->mem.disp;
			in->src = reg_canon(b->reg);
		}
		return;
	case X86_INS_XOR:
	case X86_INS_SUB:
		if (two && a->type == X86_OP_REG && b->type == X86_OP_REG &&
		    a->reg == b->reg) {
			in->op = OP_ZERO;
			in->dst = reg_canon(a->reg);
			return;
		}
		if (ci->id == X86_INS_SUB && two && a->type == X86_OP_REG &&
		    a->reg == X86_REG_RSP && b->type == X86_OP_IMM) {
			in->op = OP_SP_ADD;
			in->imm = -b->imm;
		}
		return;
	case X86_INS_ADD:
		if (two && a->type == X86_OP_REG && a->reg == X86_REG_RSP &&
		    b->type == X86_OP_IMM) {
			in->op = OP_SP_ADD;
			in->imm = b->imm;
		}
		return;
	case X86_INS_LEA:
		if (two && a->type == X86_OP_REG && a->reg == X86_REG_RSP &&
		    is_sp_mem(b)) {
			in->op = OP_SP_ADD;
			in->imm = b->mem.disp;
		}
		return;
	case X86_INS_NOP:
		in->op = OP_NOP;
		return;
	case X86_INS_PUSH:
		if (x->op_count == 1 && a->type == X86_OP_IMM) {
			in->op = OP_PUSH_IMM;
			in->imm = a->imm;
		} else if (x->op_count == 1 && a->type == X86_OP_REG &&
		    a->size == 8) {
			in->op = OP_PUSH_REG;
			in->src = reg_canon(a->reg);
		}
		return;
	case X86_INS_POP:
		if (x->op_count == 1 && a->type == X86_OP_REG && a->size == 8) {
			in->op = OP_POP;
			in->dst = reg_canon(a->reg);
		}
		return;
	default:
		if (is_cmov(ci->id) && two && a->type == X86_OP_REG &&
		    b->type == X86_OP_REG) {
			in->op = OP_CMOV;
			in->dst = reg_canon(a->reg);
			in->src = reg_canon(b->reg);
		}
		return;
	}
}

/* Registers written, and writes to the stack the search must see. */
static void
note_writes(struct decoder *d, const cs_insn *ci, struct insn *in)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;
	const cs_x86 *x = &ci->detail->x86;

	if (d->lib->regs_access(d->cs, ci, rd, &nrd, wr, &nwr) == CS_ERR_OK)
		for (int i = 0; i < nwr; i++) {
			uint8_t r = reg_canon(wr[i]);

			if (r != R_NONE)
				in->writes |= 1u << r;
		}
	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *o = &x->operands[i];

		if (is_sp_mem(o) && (o->access & CS_AC_WRITE)) {
			in->sp_write = true;
			in->disp = (int32_t)o->mem.disp;
		}
	}
	/* Anything else that sets %rsp loses track of the stack slots. */
	if ((in->writes & (1u << R_SP)) && in->op == OP_OTHER &&
	    ci->id != X86_INS_PUSH && ci->id != X86_INS_POP &&
	    ci->id != X86_INS_PUSHFQ && ci->id != X86_INS_POPFQ)
		in->op = OP_SP_LOST;
}

static void
classify(struct decoder *d, const cs_insn *ci, struct insn *in)
{
	memset(in, 0, sizeof(*in));
	in->addr = ci->address;
	in->size = (uint8_t)ci->size;
	in->dst = in->src = R_NONE;
	if (!classify_flow(d, ci, in))
		classify_data(ci, in);
	note_writes(d, ci, in);
}

int
func_index(const struct func *f, uint64_t addr)
{
	int lo = 0, hi = f->nin - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (f->in[mid].addr == addr)
			return mid;
		if (f->in[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static bool
falls_through(const struct insn *in)
{
	return in->op != OP_JMP && in->op != OP_JMP_IND && in->op != OP_RET;
}

static bool
is_jump(const struct insn *in)
{
	return in->op == OP_JMP || in->op == OP_JCC;
}

/* Blocks and their predecessors (jumps in, and the fall-through). */
static int
build_blocks(struct func *f)
{
	bool *leader = calloc((size_t)f->nin + 1, sizeof(bool));
	int b = -1;

	f->block = calloc((size_t)f->nin + 1, sizeof(int));
	f->bstart = calloc((size_t)f->nin + 1, sizeof(int));
	if (leader == NULL || f->block == NULL || f->bstart == NULL) {
		free(leader);
		return -1;
	}
	if (f->nin > 0)
		leader[0] = true;
	for (int i = 0; i < f->nin; i++) {
		const struct insn *in = &f->in[i];
		int t;

		if (is_jump(in) && (t = func_index(f, in->target)) >= 0)
			leader[t] = true;
		if (in->op == OP_JMP || in->op == OP_JMP_IND ||
		    in->op == OP_RET || in->op == OP_JCC)
			leader[i + 1] = true;
	}
	for (int i = 0; i < f->nin; i++) {
		if (leader[i])
			f->bstart[++b] = i;
		f->block[i] = b;
	}
	f->nblocks = b + 1;
	free(leader);
	f->npreds = calloc((size_t)f->nblocks + 1, sizeof(int));
	f->preds = calloc((size_t)f->nblocks + 1, sizeof(int *));
	if (f->npreds == NULL || f->preds == NULL)
		return -1;
	/* two passes: count, then fill */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			for (int k = 0; k < f->nblocks; k++) {
				f->preds[k] = calloc((size_t)f->npreds[k] + 1,
				    sizeof(int));
				if (f->preds[k] == NULL)
					return -1;
				f->npreds[k] = 0;
			}
		}
		for (int i = 0; i < f->nin; i++) {
			const struct insn *in = &f->in[i];
			int t = is_jump(in) ? func_index(f, in->target) : -1;

			if (t >= 0 && f->bstart[f->block[t]] == t) {
				int k = f->block[t];

				if (pass == 1)
					f->preds[k][f->npreds[k]] = i;
				f->npreds[k]++;
			}
			if (i + 1 < f->nin && falls_through(in) &&
			    f->bstart[f->block[i + 1]] == i + 1 &&
			    in->addr + in->size == f->in[i + 1].addr) {
				int k = f->block[i + 1];

				if (pass == 1)
					f->preds[k][f->npreds[k]] = i;
				f->npreds[k]++;
			}
		}
	}
	return 0;
}

void
func_clear(struct func *f)
{
	if (f->preds != NULL)
		for (int k = 0; k < f->nblocks; k++)
			free(f->preds[k]);
	free(f->preds);
	free(f->npreds);
	free(f->block);
	free(f->bstart);
	free(f->in);
	f->in = NULL;
	f->preds = NULL;
	f->npreds = NULL;
	f->block = f->bstart = NULL;
	f->nin = f->nblocks = 0;
}

int
decode_func(struct decoder *d, struct func *f, const uint8_t *code)
{
	const uint8_t *p = code;
	size_t left = (size_t)(f->end - f->start), cap = left / 3 + 16;
	uint64_t addr = f->start;

	f->in = malloc(cap * sizeof(*f->in));
	f->nin = 0;
	if (f->in == NULL)
		return -1;
	while (left > 0) {
		struct insn *in;

		if ((size_t)f->nin == cap) {
			struct insn *n = realloc(f->in, 2 * cap * sizeof(*n));

			if (n == NULL)
				return -1;
			f->in = n;
			cap *= 2;
		}
		in = &f->in[f->nin];
		if (d->lib->disasm_iter(d->cs, &p, &left, &addr, d->ci)) {
			classify(d, d->ci, in);
		} else {
			/* not code: a stop, and go on at the next byte */
			memset(in, 0, sizeof(*in));
			in->addr = addr;
			in->size = 1;
			in->op = OP_RET;
			in->dst = in->src = R_NONE;
			p++;
			left--;
			addr++;
		}
		f->nin++;
	}
	return build_blocks(f);
}

/*
 * The PLT: each stub is `jmp *slot(%rip)` (after an endbr64 with IBT).
 * fn gets the stub's first address and the GOT slot it jumps through.
 */
void
decode_plt(struct decoder *d, const uint8_t *code, size_t size,
    uint64_t addr, void (*fn)(void *arg, uint64_t stub, uint64_t slot),
    void *arg)
{
	const uint8_t *p = code;
	size_t left = size;
	uint64_t prev_end = 0, prev_start = 0;
	bool prev_endbr = false;

	while (left > 0) {
		uint64_t at = addr;

		if (!d->lib->disasm_iter(d->cs, &p, &left, &addr, d->ci)) {
			p++;
			left--;
			addr++;
			prev_endbr = false;
			continue;
		}
		if (d->ci->id == X86_INS_JMP &&
		    d->ci->detail->x86.op_count == 1 &&
		    d->ci->detail->x86.operands[0].type == X86_OP_MEM &&
		    d->ci->detail->x86.operands[0].mem.base == X86_REG_RIP) {
			uint64_t slot = addr +
			    (uint64_t)d->ci->detail->x86.operands[0].mem.disp;

			fn(arg, prev_endbr && prev_end == at ? prev_start : at,
			    slot);
		}
		prev_endbr = d->ci->id == X86_INS_ENDBR64;
		prev_start = at;
		prev_end = addr;
	}
}
