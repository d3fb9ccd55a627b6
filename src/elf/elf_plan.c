/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where exec maps a program and its interpreter, as ops for the stub to
 * run: fs/binfmt_elf.c's load_elf_binary, elf_load, elf_map and
 * load_elf_interp step by step (first segment mapped with the whole
 * image's size and its tail unmapped, the others MAP_FIXED, the end of the
 * last file page zeroed when writable, the rest of .bss anonymous; ET_DYN
 * programs with an interpreter at ELF_ET_DYN_BASE plus the mmap
 * randomness, loaders and the interpreter where mmap puts them).  Where
 * the kernel only knows an address once a mapping returned, the op sets
 * the batch's base register and later ops are relative to it.
 */
#include <string.h>

#include "elf/elf.h"
#include "lxrun/linux_abi.h"

#define PAGESTART(v)	((uint64_t)(v) & ~(LX_ELF_PAGE - 1))
#define PAGEOFFSET(v)	((uint64_t)(v) & (LX_ELF_PAGE - 1))
#define PAGEALIGN(v)	(((uint64_t)(v) + LX_ELF_PAGE - 1) & ~(LX_ELF_PAGE - 1))
#define BAD_ADDR(x)	((uint64_t)(x) >= LX_TASK_SIZE)

static struct lx_addr
abs_addr(uint64_t v)
{
	struct lx_addr a = { LX_BASE_ABS, v };
	return a;
}

static struct lx_addr
addr_plus(struct lx_addr a, uint64_t d)
{
	a.off += d;
	return a;
}

static void
emit(struct lx_plan *p, uint64_t nr, struct lx_addr a0, uint64_t a1,
    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct lx_op *o;

	if (p->nop >= LX_PLAN_MAX - 1) {
		p->overflow = true;
		return;
	}
	o = &p->op[p->nop++];
	memset(o, 0, sizeof(*o));
	o->nr = nr;
	o->a[0] = a0.off;
	o->a[1] = a1;
	o->a[2] = a2;
	o->a[3] = a3;
	o->a[4] = a4;
	o->a[5] = a5;
	if (a0.base != LX_BASE_ABS)
		o->flags |= LX_OPF_ADDBASE;
}

/* The op just emitted sets base b (its result, masked later if needed). */
static void
set_base(struct lx_plan *p, enum lx_base b)
{
	p->op[p->nop - 1].flags |= LX_OPF_SETBASE;
	p->base_op[b] = p->nop - 1;
	p->base_mask[b] = ~0ULL;
}

static int
prot_of(const GElf_Phdr *ph)
{
	int prot = 0;

	if (ph->p_flags & PF_R)
		prot |= LX_PROT_READ;
	if (ph->p_flags & PF_W)
		prot |= LX_PROT_WRITE;
	if (ph->p_flags & PF_X)
		prot |= LX_PROT_EXEC;
	return prot;
}

static uint64_t
total_mapping_size(const struct lx_elf *e)
{
	uint64_t min_addr = ~0ULL, max_addr = 0;
	bool any = false;

	for (int i = 0; i < e->phnum; i++) {
		const GElf_Phdr *ph = &e->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		any = true;
		if (ph->p_vaddr < min_addr)
			min_addr = ph->p_vaddr;
		if (ph->p_vaddr + ph->p_memsz > max_addr)
			max_addr = ph->p_vaddr + ph->p_memsz;
	}
	return any ? max_addr - PAGESTART(min_addr) : 0;
}

static uint64_t
maximum_alignment(const struct lx_elf *e)
{
	uint64_t align = 0;

	for (int i = 0; i < e->phnum; i++) {
		uint64_t a = e->ph[i].p_align;

		if (e->ph[i].p_type != PT_LOAD)
			continue;
		if (a == 0 || (a & (a - 1)) != 0)
			continue;	/* not a power of two: ignored */
		if (a > align)
			align = a;
	}
	return PAGEALIGN(align);
}

/*
 * elf_load(): one PT_LOAD at addr (not yet page-aligned).  When
 * base_from_result, the mapping's address becomes base b and is returned
 * relative to it.  Returns the mapped address.
 */
static struct lx_addr
plan_segment(struct lx_plan *p, struct lx_addr addr, const GElf_Phdr *ph,
    int prot, uint64_t mflags, uint64_t total, int fd, int setb)
{
	struct lx_addr map_addr, zero_start, zero_end;
	uint64_t size = PAGEALIGN(ph->p_filesz + PAGEOFFSET(ph->p_vaddr));
	uint64_t off = ph->p_offset - PAGEOFFSET(ph->p_vaddr);

	addr.off = PAGESTART(addr.off);
	if (ph->p_filesz != 0) {
		uint64_t len = total != 0 ? PAGEALIGN(total) : size;

		emit(p, LX_NR_mmap, addr, len, (uint64_t)prot, mflags,
		    (uint64_t)fd, off);
		if (setb >= 0) {
			set_base(p, (enum lx_base)setb);
			map_addr.base = (enum lx_base)setb;
			map_addr.off = 0;
		} else {
			map_addr = addr;
		}
		if (len > size)
			emit(p, LX_NR_munmap, addr_plus(map_addr, size),
			    len - size, 0, 0, 0, 0);
		zero_start = addr_plus(map_addr, PAGEOFFSET(ph->p_vaddr) +
		    ph->p_filesz);
		zero_end = addr_plus(map_addr, PAGEOFFSET(ph->p_vaddr) +
		    ph->p_memsz);
		/* padzero(): only where it can write (errors ignored else) */
		if (ph->p_memsz > ph->p_filesz && (prot & LX_PROT_WRITE) &&
		    PAGEOFFSET(zero_start.off) != 0)
			emit(p, LX_OP_MEMSET, zero_start,
			    LX_ELF_PAGE - PAGEOFFSET(zero_start.off), 0, 0, 0,
			    0);
	} else {
		map_addr = zero_start = addr;
		zero_end = addr_plus(addr, PAGEOFFSET(ph->p_vaddr) +
		    ph->p_memsz);
	}
	if (ph->p_memsz > ph->p_filesz) {
		/* the rest of .bss: vm_brk_flags(), read-write (+exec) */
		uint64_t zs = PAGEALIGN(zero_start.off);
		uint64_t ze = PAGEALIGN(zero_end.off);

		zero_start.off = zs;
		if (ze > zs)
			emit(p, LX_NR_mmap, zero_start, ze - zs,
			    LX_PROT_READ | LX_PROT_WRITE |
			    (prot & LX_PROT_EXEC),
			    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED,
			    (uint64_t)-1, 0);
	}
	return map_addr;
}

/* The size checks load_elf_binary makes after each mapping. */
static bool
segment_overflows(uint64_t k, const GElf_Phdr *ph)
{
	return BAD_ADDR(k) || ph->p_filesz > ph->p_memsz ||
	    ph->p_memsz > LX_TASK_SIZE || LX_TASK_SIZE - ph->p_memsz < k;
}

static void
track(struct lx_plan *p, const GElf_Phdr *ph, uint64_t *start_code,
    uint64_t *end_code, uint64_t *start_data, uint64_t *end_data,
    uint64_t *elf_brk)
{
	uint64_t k = ph->p_vaddr;

	if ((ph->p_flags & PF_X) && k < *start_code)
		*start_code = k;
	if (*start_data < k)
		*start_data = k;
	if (segment_overflows(k, ph))
		p->doomed = true;
	k = ph->p_vaddr + ph->p_filesz;
	if ((ph->p_flags & PF_X) && *end_code < k)
		*end_code = k;
	if (*end_data < k)
		*end_data = k;
	k = ph->p_vaddr + ph->p_memsz;
	if (k > *elf_brk)
		*elf_brk = k;
}

/* The main program's PT_LOADs, with load_elf_binary's load_bias rules. */
static void
plan_main(struct lx_plan *p, const struct lx_elf *e, bool has_interp,
    const struct lx_layout_in *in)
{
	struct lx_addr load_bias = abs_addr(0);
	uint64_t start_code = ~0ULL, end_code = 0, start_data = 0;
	uint64_t end_data = 0, elf_brk = 0, phdr_addr = 0, total = 0;
	bool first = true;

	for (int i = 0; i < e->phnum; i++) {
		const GElf_Phdr *ph = &e->ph[i];
		uint64_t mflags = LX_MAP_PRIVATE, vaddr = ph->p_vaddr;
		struct lx_addr at;
		int setb = -1;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!first) {
			mflags |= LX_MAP_FIXED;
		} else if (e->eh.e_type == ET_EXEC) {
			mflags |= LX_MAP_FIXED_NOREPLACE;
		} else {
			uint64_t align = maximum_alignment(e);

			total = total_mapping_size(e);
			if (total == 0) {
				p->doomed = true;	/* EINVAL */
				return;
			}
			if (has_interp) {
				uint64_t lb = LX_ELF_ET_DYN_BASE;

				if (in->randomize)
					lb += in->mmap_rnd;
				if (align)
					lb &= ~(align - 1);
				mflags |= LX_MAP_FIXED_NOREPLACE;
				load_bias = abs_addr(PAGESTART(lb - vaddr));
			} else if (align > LX_ELF_PAGE && ph->p_filesz != 0) {
				/*
				 * A loader asking for more than page
				 * alignment: mapped once where mmap likes,
				 * unmapped, and mapped again aligned there.
				 */
				emit(p, LX_NR_mmap, abs_addr(0),
				    PAGEALIGN(total), (uint64_t)prot_of(ph),
				    mflags, (uint64_t)in->main_fd,
				    ph->p_offset - PAGEOFFSET(vaddr));
				set_base(p, LX_BASE_MAIN);
				emit(p, LX_NR_munmap,
				    (struct lx_addr){ LX_BASE_MAIN, 0 },
				    PAGEALIGN(total), 0, 0, 0, 0);
				emit(p, LX_OP_ANDBASE, abs_addr(~(align - 1)),
				    0, 0, 0, 0, 0);
				p->base_mask[LX_BASE_MAIN] = ~(align - 1);
				mflags |= LX_MAP_FIXED_NOREPLACE;
				load_bias.base = LX_BASE_MAIN;
				load_bias.off = PAGESTART(0 - vaddr);
			} else {
				load_bias = abs_addr(PAGESTART(0 - vaddr));
				/* mapped where mmap likes: base from result */
				if (ph->p_filesz != 0)
					setb = LX_BASE_MAIN;
			}
		}
		at = addr_plus(load_bias, vaddr);
		if (setb >= 0) {
			/*
			 * load_bias += map_addr - PAGESTART(load_bias+vaddr):
			 * relative to the mapping from now on.
			 */
			plan_segment(p, at, ph, prot_of(ph), mflags, total,
			    in->main_fd, setb);
			load_bias.base = LX_BASE_MAIN;
			load_bias.off = load_bias.off - PAGESTART(at.off);
		} else {
			plan_segment(p, at, ph, prot_of(ph), mflags,
			    first ? total : 0, in->main_fd, -1);
		}
		first = false;
		if (ph->p_offset <= e->eh.e_phoff &&
		    e->eh.e_phoff < ph->p_offset + ph->p_filesz)
			phdr_addr = e->eh.e_phoff - ph->p_offset + vaddr;
		track(p, ph, &start_code, &end_code, &start_data, &end_data,
		    &elf_brk);
	}
	p->load_bias = load_bias;
	p->entry = addr_plus(load_bias, e->eh.e_entry);
	p->phdr = addr_plus(load_bias, phdr_addr);
	p->start_code = addr_plus(load_bias, start_code);
	p->end_code = addr_plus(load_bias, end_code);
	p->start_data = addr_plus(load_bias, start_data);
	p->end_data = addr_plus(load_bias, end_data);
	p->elf_brk = addr_plus(load_bias, elf_brk);
	if (e->eh.e_type == ET_DYN && !has_interp)
		p->brk_moved = true;
}

/* load_elf_interp(). */
static void
plan_interp(struct lx_plan *p, const struct lx_elf *ie, bool no_base,
    const struct lx_layout_in *in)
{
	struct lx_addr load_addr = abs_addr(0);
	uint64_t total;
	bool set = false;

	if (ie->eh.e_type != ET_EXEC && ie->eh.e_type != ET_DYN) {
		p->doomed = true;
		return;
	}
	if ((total = total_mapping_size(ie)) == 0) {
		p->doomed = true;
		return;
	}
	p->interp_exec = ie->eh.e_type == ET_EXEC;
	for (int i = 0; i < ie->phnum; i++) {
		const GElf_Phdr *ph = &ie->ph[i];
		uint64_t mflags = LX_MAP_PRIVATE, vaddr = ph->p_vaddr;
		struct lx_addr map_addr;
		int setb = -1;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ie->eh.e_type == ET_EXEC || set)
			mflags |= LX_MAP_FIXED;
		else if (no_base && ie->eh.e_type == ET_DYN)
			load_addr = abs_addr(0 - vaddr);
		if (!set && ie->eh.e_type == ET_DYN && ph->p_filesz != 0)
			setb = LX_BASE_INTERP;
		map_addr = plan_segment(p, addr_plus(load_addr, vaddr), ph,
		    prot_of(ph), mflags, total, in->interp_fd, setb);
		total = 0;
		if (!set && ie->eh.e_type == ET_DYN) {
			load_addr = map_addr;
			load_addr.off -= PAGESTART(vaddr);
			set = true;
		}
		if (segment_overflows(load_addr.off + ph->p_vaddr, ph) &&
		    load_addr.base == LX_BASE_ABS)
			p->doomed = true;
		if (ph->p_filesz > ph->p_memsz)
			p->doomed = true;
	}
	p->interp_base = load_addr;
	p->interp_entry = ie->eh.e_entry;
}

int
lx_plan_build(struct lx_plan *p, const struct lx_elf *e,
    const struct lx_elf *interp, const struct lx_layout_in *in)
{
	memset(p, 0, sizeof(*p));
	for (int b = 0; b < 3; b++) {
		p->base_op[b] = -1;
		p->base_mask[b] = ~0ULL;
	}
	p->has_interp = interp != NULL;
	plan_main(p, e, interp != NULL, in);
	if (interp != NULL && !p->doomed)
		plan_interp(p, interp, p->load_bias.base != LX_BASE_ABS ||
		    p->load_bias.off != 0, in);
	if (p->overflow)
		return -LX_ENOMEM;
	return 0;
}

uint64_t
lx_plan_addr(const struct lx_plan *p, struct lx_addr a)
{
	uint64_t base = 0;

	if (a.base != LX_BASE_ABS && p->base_op[a.base] >= 0)
		base = p->op[p->base_op[a.base]].result & p->base_mask[a.base];
	return base + a.off;
}

/* randomize_page(start, range) with the given random long. */
static uint64_t
randomize_page(uint64_t start, uint64_t range, uint64_t rnd)
{
	if (PAGEOFFSET(start) != 0) {
		range -= PAGEALIGN(start) - start;
		start = PAGEALIGN(start);
	}
	if (start > ~0ULL - range)
		range = ~0ULL - start;
	range /= LX_ELF_PAGE;
	if (range == 0)
		return start;
	return start + (rnd % range) * LX_ELF_PAGE;
}

void
lx_plan_mm(const struct lx_plan *p, const struct lx_elf *e,
    const struct lx_layout_in *in, struct lx_mm *mm)
{
	uint64_t brk;

	(void)e;
	memset(mm, 0, sizeof(*mm));
	mm->load_bias = lx_plan_addr(p, p->load_bias);
	mm->phdr = lx_plan_addr(p, p->phdr);
	mm->entry = lx_plan_addr(p, p->entry);
	mm->start_code = lx_plan_addr(p, p->start_code);
	mm->end_code = lx_plan_addr(p, p->end_code);
	mm->start_data = lx_plan_addr(p, p->start_data);
	mm->end_data = lx_plan_addr(p, p->end_data);
	if (p->has_interp) {
		mm->base = p->interp_exec ? 0 :
		    lx_plan_addr(p, p->interp_base);
		mm->start = mm->base + p->interp_entry;
	} else {
		mm->start = mm->entry;
	}
	brk = p->brk_moved ? LX_ELF_ET_DYN_BASE : lx_plan_addr(p, p->elf_brk);
	brk = PAGEALIGN(brk);
	if (in->randomize && in->va_space > 1) {
		if (!p->brk_moved)
			brk += LX_ELF_PAGE;
		brk = randomize_page(brk, 1ULL << 30, in->brk_rnd);
	}
	mm->start_brk = mm->brk = brk;
}
