/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where does a value come from?  From an instruction backwards through
 * its function's blocks: every path that reaches it is followed (a block
 * with several predecessors is a union, so `mov $0, %eax` on one branch
 * and `mov $1, %eax` on the other gives both), through register copies,
 * spills to and reloads from the stack, pushes and pops, until each path
 * ends in an immediate, in an argument of the function at its entry, or
 * in something this search does not follow (memory, arithmetic, a call's
 * result), which is what "unresolved" counts.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/scan_int.h"

#define WALK_MAX_STEPS 20000	/* instructions looked at, per search */
#define WALK_MAX_SEEN 2048	/* (block, loc) pairs already followed */

struct walk {
	const struct func *f;
	bool go;
	struct finding *out;
	int steps;
	struct seen {
		int pred;
		struct loc loc;
	} seen[WALK_MAX_SEEN];
	int nseen;
};

static void
add_value(struct finding *out, long v)
{
	for (int i = 0; i < out->nvalues; i++)
		if (out->value[i] == v)
			return;
	if (out->nvalues == FIND_MAX_VALUES) {
		out->unknown = "too many values";
		return;
	}
	out->value[out->nvalues++] = v;
}

static void
add_arg(struct finding *out, struct loc l)
{
	for (int i = 0; i < out->nargs; i++)
		if (out->arg[i].reg == l.reg && out->arg[i].slot == l.slot)
			return;
	if (out->nargs == FIND_MAX_ARGS) {
		out->unknown = "too many arguments";
		return;
	}
	out->arg[out->nargs++] = l;
}

static void
unknown(struct finding *out, const char *why)
{
	if (out->unknown == NULL)
		out->unknown = why;
}

/* Registers a SysV call preserves; Go's ABIInternal preserves none. */
static bool
survives_call(uint8_t r, bool go)
{
	if (go)
		return false;
	return r == R_BX || r == R_BP || r == R_12 || r == R_13 ||
	    r == R_14 || r == R_15;
}

static long
imm_value(int64_t imm, uint8_t width)
{
	return width == 4 ? (long)(uint32_t)imm : (long)imm;
}

enum step { GO_ON, ENDED, BRANCH };

/* The value in register r before instruction in. */
static enum step
step_reg(struct walk *w, const struct insn *in, struct loc *l)
{
	uint8_t r = l->reg;

	if (in->op == OP_CALL || in->op == OP_CALL_IND) {
		if (survives_call(r, w->go))
			return GO_ON;
		unknown(w->out, r == R_AX ? "result of a call" :
		    "register lost in a call");
		return ENDED;
	}
	if ((in->op == OP_SYSCALL || in->op == OP_INT80 ||
	    in->op == OP_SYSENTER) && (r == R_AX || r == R_CX || r == R_11)) {
		unknown(w->out, "result of a syscall");
		return ENDED;
	}
	if (in->dst == r) {
		switch (in->op) {
		case OP_MOV_IMM:
			if (in->width < 4)
				break;
			add_value(w->out, imm_value(in->imm, in->width));
			return ENDED;
		case OP_ZERO:
			add_value(w->out, 0);
			return ENDED;
		case OP_MOV_REG:
			if (in->width < 4 || in->src == R_NONE ||
			    in->src == R_SP)
				break;
			l->reg = in->src;
			return GO_ON;
		case OP_LOAD_SP:
			if (in->width < 4)
				break;
			l->reg = R_NONE;
			l->slot = in->disp;
			return GO_ON;
		case OP_POP:
			l->reg = R_NONE;
			l->slot = 0;
			return GO_ON;
		case OP_CMOV:
			return BRANCH;
		default:
			break;
		}
	}
	if (in->writes & (1u << r)) {
		unknown(w->out, "computed in a register");
		return ENDED;
	}
	return GO_ON;
}

/* The value in stack slot l->slot (from the current %rsp) before in. */
static enum step
step_slot(struct walk *w, const struct insn *in, struct loc *l)
{
	int32_t k = l->slot;

	switch (in->op) {
	case OP_STORE_SP_IMM:
		if (in->disp != k)
			break;
		if (in->width < 4) {
			unknown(w->out, "partial store");
			return ENDED;
		}
		add_value(w->out, imm_value(in->imm, in->width));
		return ENDED;
	case OP_STORE_SP_REG:
		if (in->disp != k)
			break;
		if (in->width < 4 || in->src == R_NONE || in->src == R_SP) {
			unknown(w->out, "partial store");
			return ENDED;
		}
		l->reg = in->src;
		return GO_ON;
	case OP_PUSH_IMM:
		if (k == 0) {
			add_value(w->out, (long)in->imm);
			return ENDED;
		}
		l->slot = k - 8;
		return GO_ON;
	case OP_PUSH_REG:
		if (k == 0) {
			l->reg = in->src;
			return GO_ON;
		}
		l->slot = k - 8;
		return GO_ON;
	case OP_POP:
		l->slot = k + 8;
		return GO_ON;
	case OP_SP_ADD:
		l->slot = (int32_t)(k + in->imm);
		if (l->slot < 0) {
			unknown(w->out, "stack slot below the stack pointer");
			return ENDED;
		}
		return GO_ON;
	case OP_SP_LOST:
		unknown(w->out, "stack pointer not followed");
		return ENDED;
	case OP_CALL:
	case OP_CALL_IND:
		return GO_ON;	/* the caller's frame survives a call */
	default:
		break;
	}
	if (in->sp_write && in->disp > k - 8 && in->disp < k + 8) {
		unknown(w->out, "computed in memory");
		return ENDED;
	}
	return GO_ON;
}

static void walk_before(struct walk *w, int i, struct loc l);

/* At the function's entry: an argument, or nothing we can name. */
static void
at_entry(struct walk *w, struct loc l)
{
	if (!w->f->entry) {
		unknown(w->out, "start of code not known as a function");
		return;
	}
	if (l.reg == R_NONE && l.slot < 8) {
		unknown(w->out, "stack slot at the entry");
		return;
	}
	if (l.reg == R_SP) {
		unknown(w->out, "stack pointer");
		return;
	}
	add_arg(w->out, l);
}

static bool
seen_before(struct walk *w, int pred, struct loc l)
{
	for (int i = 0; i < w->nseen; i++)
		if (w->seen[i].pred == pred && w->seen[i].loc.reg == l.reg &&
		    w->seen[i].loc.slot == l.slot)
			return true;
	if (w->nseen == WALK_MAX_SEEN) {
		unknown(w->out, "too many paths");
		return true;
	}
	w->seen[w->nseen].pred = pred;
	w->seen[w->nseen].loc = l;
	w->nseen++;
	return false;
}

static void walk_from(struct walk *w, int j, struct loc l);

/* Alignment padding after a jump: no path runs through it. */
static bool
padding(const struct func *f, int b)
{
	for (int i = f->bstart[b]; i < f->nin && f->block[i] == b; i++)
		if (f->in[i].op != OP_NOP)
			return false;
	return true;
}

/* Follow l from just before instruction i. */
static void
walk_before(struct walk *w, int i, struct loc l)
{
	const struct func *f = w->f;
	int b = f->block[i];

	if (f->bstart[b] != i) {
		walk_from(w, i - 1, l);
		return;
	}
	if (i == 0) {
		at_entry(w, l);
		return;
	}
	if (f->npreds[b] == 0) {
		if (!padding(f, b))
			unknown(w->out, "reached by an indirect jump");
		return;
	}
	for (int k = 0; k < f->npreds[b]; k++) {
		int p = f->preds[b][k];

		if (!seen_before(w, p, l))
			walk_from(w, p, l);
	}
}

/* Follow l backwards from instruction j (included) to its block's start. */
static void
walk_from(struct walk *w, int j, struct loc l)
{
	const struct func *f = w->f;
	int start = f->bstart[f->block[j]];

	for (;; j--) {
		enum step s;

		if (++w->steps > WALK_MAX_STEPS) {
			unknown(w->out, "search too long");
			return;
		}
		s = l.reg != R_NONE ? step_reg(w, &f->in[j], &l) :
		    step_slot(w, &f->in[j], &l);
		if (s == ENDED)
			return;
		if (s == BRANCH) {
			struct loc other = { f->in[j].src, 0 };

			walk_before(w, j, other);
		}
		if (j == start)
			break;
	}
	walk_before(w, start, l);
}

void
find_value(const struct func *f, int i, struct loc l, bool go,
    struct finding *out)
{
	struct walk *w = calloc(1, sizeof(*w));

	memset(out, 0, sizeof(*out));
	if (w == NULL) {
		out->unknown = "out of memory";
		return;
	}
	w->f = f;
	w->go = go;
	w->out = out;
	walk_before(w, i, l);
	free(w);
}

struct loc
loc_at_call(struct loc entry, bool tail_jump)
{
	struct loc l = entry;

	if (l.reg == R_NONE && !tail_jump)
		l.slot -= 8;	/* the call pushed the return address */
	return l;
}
