/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capstone, loaded when first needed (lxrun scan, crash reports): linked
 * in, its 77,000 relocations would be paid by every lxrun start.
 */
#ifndef LXRUN_DISASM_H
#define LXRUN_DISASM_H

#include <capstone/capstone.h>

/* The capstone calls lxrun makes, as the library's header declares them. */
struct lx_capstone {
	__typeof__(cs_open) *open;
	__typeof__(cs_option) *option;
	__typeof__(cs_close) *close;
	__typeof__(cs_malloc) *insn_alloc;
	__typeof__(cs_free) *insn_free;
	__typeof__(cs_disasm_iter) *disasm_iter;
	__typeof__(cs_insn_group) *insn_group;
	__typeof__(cs_regs_access) *regs_access;
};

/*
 * The library, loaded on the first call; NULL if it cannot be (then
 * lx_capstone_error() says why, for a message).
 */
const struct lx_capstone *lx_capstone(void);
const char *lx_capstone_error(void);

#endif
