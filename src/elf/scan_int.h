/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The static syscall scanner's own types (src/elf/scan_*.c and its unit
 * tests only).  The ELF loader of src/elf has its own header: nothing is
 * shared between the two.
 *
 * How a number is found: every `syscall`, `int $0x80` and `sysenter` in
 * the executable sections is decoded in its function; from there the
 * value of eax is followed backwards through the function's blocks
 * (every predecessor, not only a single one) until each path ends in an
 * immediate, in an argument of the function (a register, or a stack
 * slot above the return address), or in something unknown.  An argument
 * makes the function a wrapper: its callers are found (direct calls and
 * tail jumps, through the PLT and the GOT across libraries) and the
 * argument is followed backwards from each call in the same way, which
 * covers glibc's syscall(), Go's syscall.Syscall family (both ABIs: the
 * number in AX, or at 0(SP) of the caller) and runtime stubs alike.
 */
#ifndef LXRUN_SCAN_INT_H
#define LXRUN_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capstone/capstone.h>

/* Registers by their x86-64 encoding number. */
enum {
	R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
	R_8, R_9, R_10, R_11, R_12, R_13, R_14, R_15, R_NONE = 255
};

/* What one decoded instruction does, as far as the search needs. */
enum insn_op {
	OP_OTHER = 0,
	OP_SYSCALL,		/* syscall */
	OP_INT80,		/* int $0x80 */
	OP_SYSENTER,
	OP_CALL,		/* direct call: target */
	OP_CALL_IND,
	OP_JMP,			/* direct jmp: target */
	OP_JMP_IND,
	OP_JCC,			/* conditional: target, falls through */
	OP_RET,			/* also hlt, ud2: no fall-through */
	OP_MOV_IMM,		/* reg <- imm */
	OP_MOV_REG,		/* reg <- src */
	OP_CMOV,		/* reg <- src, or unchanged */
	OP_ZERO,		/* xor/sub reg,reg */
	OP_LOAD_SP,		/* reg <- disp(%rsp) */
	OP_STORE_SP_IMM,	/* disp(%rsp) <- imm */
	OP_STORE_SP_REG,	/* disp(%rsp) <- src */
	OP_PUSH_IMM,
	OP_PUSH_REG,
	OP_POP,			/* reg <- (%rsp); rsp += 8 */
	OP_SP_ADD,		/* rsp += imm (sub: negative) */
	OP_SP_LOST,		/* rsp set from something we do not follow */
	OP_NOP,			/* padding */
};

struct insn {
	uint64_t addr;
	uint64_t target;	/* direct branch target */
	int64_t imm;		/* immediate (MOV_IMM, STORE_SP_IMM, PUSH_IMM,
				   SP_ADD) */
	int32_t disp;		/* the slot of LOAD_SP, STORE_SP_*, and of
				   any other write to memory at disp(%rsp) */
	uint32_t writes;	/* registers written (1 << R_*) */
	uint8_t size;
	uint8_t op;		/* enum insn_op */
	uint8_t dst, src;	/* R_* */
	uint8_t width;		/* bytes written by a MOV/STORE: 1,2,4,8 */
	bool sp_write;		/* writes memory at disp(%rsp) */
};

/* A function decoded once: its instructions and blocks. */
struct func {
	uint64_t start, end;
	const char *name;	/* from the symbols or gopclntab, or NULL */
	bool entry;		/* start is a real entry (arguments live) */
	bool reached;		/* some path from a root gets here */
	struct insn *in;
	int nin;
	int *block;		/* block of each instruction */
	int *bstart;		/* first instruction of each block */
	int nblocks;
	int **preds;		/* predecessors of a block: last insn index */
	int *npreds;
};

/* A code section in memory. */
struct sect {
	uint64_t addr;
	const uint8_t *data;
	size_t size;
};

/* Where a value comes from, as the search goes backwards. */
struct loc {
	uint8_t reg;		/* R_*, or R_NONE for a stack slot */
	int32_t slot;		/* offset from the current %rsp */
};

/* What a search found: numbers, arguments of the function, unknowns. */
#define FIND_MAX_VALUES 64
#define FIND_MAX_ARGS 4
struct finding {
	long value[FIND_MAX_VALUES];
	int nvalues;
	struct loc arg[FIND_MAX_ARGS];	/* at the function's entry */
	int nargs;
	const char *unknown;	/* why a path ended unknown, or NULL */
};

/* scan_decode.c: capstone, per function. */
struct decoder;
struct decoder *decoder_new(void);
void decoder_free(struct decoder *d);
/* Decode f->start..f->end, whose bytes are at code, into f. */
int decode_func(struct decoder *d, struct func *f, const uint8_t *code);
void func_clear(struct func *f);
void decode_plt(struct decoder *d, const uint8_t *code, size_t size,
    uint64_t addr, void (*fn)(void *arg, uint64_t stub, uint64_t slot),
    void *arg);
/* Instruction index at addr, or -1 if none starts there. */
int func_index(const struct func *f, uint64_t addr);

/*
 * scan_find.c: follow loc backwards from before instruction i of f.
 * go: Go code (no register survives a call).
 */
void find_value(const struct func *f, int i, struct loc loc, bool go,
    struct finding *out);
/* The loc a wrapper's argument has at a call (or tail jmp) to it. */
struct loc loc_at_call(struct loc entry_loc, bool tail_jump);

/* A canonical register for a capstone one, R_NONE if not a GPR. */
uint8_t reg_canon(unsigned cs_reg);

/* A symbol the object takes from another through its GOT (and PLT). */
struct import {
	const char *name;
	uint64_t got;		/* the GOT slot */
	uint64_t stub;		/* PLT stub jumping through it, or 0 */
};

/* A function the object exports (.dynsym), for callers elsewhere. */
struct export {
	const char *name;
	uint64_t addr;
};

/* scan_map.c: address -> chain of ints (follow next[] from amap_get). */
struct amap {
	uint64_t *key;
	int *head;
	size_t cap;
	int *next, *val;
	int n, cn;
};
int amap_add(struct amap *m, uint64_t k, int v);
int amap_get(const struct amap *m, uint64_t k);	/* first entry or -1 */
void amap_free(struct amap *m);

/* One ELF file opened for scanning (scan_elf.c). */
struct sobj {
	char *path;
	uint8_t *map;
	size_t size;
	void *elf;		/* Elf * */
	bool is_go;
	struct sect *sect;	/* executable code */
	int nsect;
	struct func *func;	/* sorted by start, decoded on demand */
	size_t nfunc;
	struct import *imp;	/* sorted by got */
	int nimp;
	struct export *exp;	/* sorted by name */
	int nexp;
	/* what the code can be entered by (scan_reach.c) */
	uint64_t entry;		/* e_entry, or 0 */
	bool fixed;		/* ET_EXEC: code may hold absolute addresses */
	uint64_t *roots;	/* addresses taken in data (relocations) */
	int nroots;
	const char **root_names;	/* functions of others taken so */
	int nroot_names;
	/* dynamic section, for the library search (scan_deps.c) */
	char **needed;
	int nneeded;
	char *runpath, *rpath, *soname, *interp;
	bool nodeflib;
};

int sobj_open(struct sobj *o, const char *path, char *err, size_t errlen);
void sobj_close(struct sobj *o);
/* Code bytes at addr (n of them readable), or NULL. */
const uint8_t *sobj_code(const struct sobj *o, uint64_t addr, size_t *n);
/* Index of the function holding addr, or -1. */
long sobj_func_index(const struct sobj *o, uint64_t addr);
/* The function holding addr, decoded; NULL if addr is not code. */
struct func *sobj_func(struct sobj *o, struct decoder *d, uint64_t addr);
/* Fill o->imp stubs from the PLT sections. */
void sobj_plt(struct sobj *o, struct decoder *d);

/*
 * scan_reach.c: mark the functions a path from the objects' entry points,
 * initialisers and taken addresses can get to.  how[k] says where object
 * k's roots are.
 */
enum reach_how {
	REACH_ROOTS,		/* entry, initialisers, taken addresses */
	REACH_WHOLE,		/* all of it (Go programs, the interpreter) */
	REACH_EXPORTS,		/* also every export (dlopen: dlsym finds them) */
};
int reach_mark(struct sobj *o, int n, const uint8_t *how);

/*
 * scan_deps.c: the file ld.so would load for a DT_NEEDED name asked by
 * object `by` (whose loaders, up to the program, are chain[0..nchain)),
 * or NULL.  Malloc'ed.
 */
char *deps_find(const char *name, struct sobj *const *chain, int nchain);
/* Exposed for tests: look name up in an ld.so.cache image. */
const char *ldcache_lookup(const uint8_t *cache, size_t len,
    const char *name);

#endif
