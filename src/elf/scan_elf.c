/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading one ELF file for the scanner (libelf, gelf_*): its code, where
 * its functions start (symbols, Go's pclntab, the .eh_frame_hdr table,
 * so that a stripped library still has function entries), what it
 * imports through its GOT and PLT, what it exports, and the dynamic
 * section's DT_NEEDED, DT_RUNPATH, DT_RPATH.  Every offset read from the
 * file is checked against its size: the file is untrusted input.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/scan_int.h"

struct flist {
	struct func *f;
	size_t n, cap;
};

static int
flist_add(struct flist *l, uint64_t start, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct func *n = realloc(l->f, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		l->f = n;
		l->cap = cap;
	}
	memset(&l->f[l->n], 0, sizeof(l->f[0]));
	l->f[l->n].start = start;
	l->f[l->n].name = name;
	l->f[l->n].entry = true;
	l->n++;
	return 0;
}

static const struct sect *
sect_of(const struct sobj *o, uint64_t addr)
{
	for (int i = 0; i < o->nsect; i++)
		if (addr >= o->sect[i].addr &&
		    addr - o->sect[i].addr < o->sect[i].size)
			return &o->sect[i];
	return NULL;
}

const uint8_t *
sobj_code(const struct sobj *o, uint64_t addr, size_t *n)
{
	const struct sect *s = sect_of(o, addr);

	if (s == NULL)
		return NULL;
	*n = s->size - (size_t)(addr - s->addr);
	return s->data + (addr - s->addr);
}

/* A file range, checked. */
static const uint8_t *
file_range(const struct sobj *o, uint64_t off, uint64_t len)
{
	if (off > o->size || len > o->size - off)
		return NULL;
	return o->map + off;
}

static int
add_sect(struct sobj *o, uint64_t addr, uint64_t off, uint64_t len)
{
	const uint8_t *d = file_range(o, off, len);
	struct sect *n;

	if (d == NULL || len == 0)
		return 0;
	n = realloc(o->sect, (size_t)(o->nsect + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	o->sect = n;
	o->sect[o->nsect].addr = addr;
	o->sect[o->nsect].data = d;
	o->sect[o->nsect].size = (size_t)len;
	o->nsect++;
	return 0;
}

/* Code: executable sections, or executable segments if none. */
static int
load_code(struct sobj *o, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t n = 0;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) &&
		    add_sect(o, sh.sh_addr, sh.sh_offset, sh.sh_size) < 0)
			return -1;
	}
	if (o->nsect > 0 || elf_getphdrnum(e, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) != NULL &&
		    ph.p_type == PT_LOAD && (ph.p_flags & PF_X) &&
		    add_sect(o, ph.p_vaddr, ph.p_offset, ph.p_filesz) < 0)
			return -1;
	}
	return 0;
}

static Elf_Scn *
scn_by_name(Elf *e, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstr;

	if (elf_getshdrstrndx(e, &shstr) != 0)
		return NULL;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		const char *n;

		if (gelf_getshdr(scn, sh) == NULL)
			continue;
		n = elf_strptr(e, shstr, sh->sh_name);
		if (n != NULL && strcmp(n, name) == 0)
			return scn;
	}
	return NULL;
}

/* Function symbols of .symtab and .dynsym; exports from .dynsym. */
static int
load_symbols(struct sobj *o, Elf *e, struct flist *fl)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		Elf_Data *d;
		bool dyn;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    sh.sh_entsize == 0 || (d = elf_getdata(scn, NULL)) == NULL)
			continue;
		dyn = sh.sh_type == SHT_DYNSYM;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			int t;

			if (gelf_getsym(d, (int)i, &s) == NULL)
				break;
			t = GELF_ST_TYPE(s.st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) ||
			    s.st_shndx == SHN_UNDEF || sect_of(o, s.st_value) == NULL)
				continue;
			name = elf_strptr(e, sh.sh_link, s.st_name);
			if (flist_add(fl, s.st_value, name) < 0)
				return -1;
			if (dyn && name != NULL) {
				struct export *x = realloc(o->exp,
				    (size_t)(o->nexp + 1) * sizeof(*x));

				if (x == NULL)
					return -1;
				o->exp = x;
				o->exp[o->nexp].name = name;
				o->exp[o->nexp].addr = s.st_value;
				o->nexp++;
			}
		}
	}
	return 0;
}

static uint64_t
rd(const uint8_t *p, int size)
{
	uint64_t v = 0;

	memcpy(&v, p, (size_t)size);	/* little-endian host and file */
	return v;
}

/*
 * Go's function table (.gopclntab): entry addresses and names for Go
 * 1.2 to 1.22 layouts.  Go binaries are often stripped of .symtab; this
 * table is always there, since the runtime needs it.
 */
static int
load_gopclntab(struct sobj *o, Elf *e, struct flist *fl)
{
	GElf_Shdr sh;
	const uint8_t *t;
	uint64_t len, nfunc, text = 0, names, ftab;
	uint32_t magic;
	int ps;
	bool v118, v116;

	if (scn_by_name(e, ".gopclntab", &sh) == NULL ||
	    (t = file_range(o, sh.sh_offset, sh.sh_size)) == NULL ||
	    sh.sh_size < 64)
		return 0;
	len = sh.sh_size;
	magic = (uint32_t)rd(t, 4);
	ps = t[7];
	if (ps != 8)
		return 0;
	v118 = magic == 0xfffffff0 || magic == 0xfffffff1;
	v116 = magic == 0xfffffffa;
	if (!v118 && !v116 && magic != 0xfffffffb)
		return 0;
	nfunc = rd(t + 8, 8);
	if (v118) {
		GElf_Shdr tsh;

		/* a PIE's is filled in by a relocation: use .text's then */
		text = rd(t + 24, 8);
		if (text == 0 && scn_by_name(e, ".text", &tsh) != NULL)
			text = tsh.sh_addr;
		names = rd(t + 32, 8);
		ftab = rd(t + 64, 8);
	} else if (v116) {
		names = rd(t + 24, 8);
		ftab = rd(t + 56, 8);
	} else {
		names = 0;
		ftab = 16;
	}
	for (uint64_t i = 0; i < nfunc; i++) {
		uint64_t ent, foff, noff, start;
		const char *name = NULL;

		ent = ftab + i * (v118 ? 8 : 16);
		if (ent + 16 > len)
			break;
		if (v118) {
			start = text + rd(t + ent, 4);
			foff = ftab + rd(t + ent + 4, 4);
		} else {
			start = rd(t + ent, 8);
			foff = (v116 ? ftab : 0) + rd(t + ent + 8, 8);
		}
		if (foff + (v118 ? 8 : 12) <= len) {
			noff = names + (uint32_t)rd(t + foff + (v118 ? 4 : 8), 4);
			if (noff < len && memchr(t + noff, 0, len - noff))
				name = (const char *)t + noff;
		}
		if (sect_of(o, start) != NULL && flist_add(fl, start, name) < 0)
			return -1;
	}
	o->is_go = true;
	return 0;
}

/*
 * A signal frame's FDE (augmentation "S", glibc's __restore_rt) starts
 * one byte before the code, since unwinders look up pc - 1 only for
 * other frames: the function itself starts one byte later.
 */
static bool
signal_frame(const struct sobj *o, const GElf_Shdr *eh, uint64_t fde)
{
	uint64_t off, cie;
	const uint8_t *p;

	if (fde < eh->sh_addr || fde - eh->sh_addr + 8 > eh->sh_size)
		return false;
	off = eh->sh_offset + (fde - eh->sh_addr);
	if ((p = file_range(o, off, 8)) == NULL || rd(p, 4) == 0xffffffff)
		return false;
	cie = off + 4 - rd(p + 4, 4);
	if (cie < eh->sh_offset || (p = file_range(o, cie, 16)) == NULL ||
	    rd(p + 4, 4) != 0)
		return false;
	for (int i = 9; i < 16 && p[i] != '\0'; i++)
		if (p[i] == 'S')
			return true;
	return false;
}

/* .eh_frame_hdr's sorted table: one entry per function with unwind info. */
static int
load_eh_frame_hdr(struct sobj *o, Elf *e, struct flist *fl)
{
	GElf_Shdr sh, eh = { 0 };
	const uint8_t *h;
	uint64_t count;

	if (scn_by_name(e, ".eh_frame_hdr", &sh) == NULL ||
	    (h = file_range(o, sh.sh_offset, sh.sh_size)) == NULL ||
	    sh.sh_size < 12)
		return 0;
	/* version 1; eh_frame_ptr sdata4; count udata4; table datarel sdata4 */
	if (h[0] != 1 || (h[1] & 0x0f) != 0x0b || h[2] != 0x03 || h[3] != 0x3b)
		return 0;
	count = rd(h + 8, 4);
	scn_by_name(e, ".eh_frame", &eh);
	for (uint64_t i = 0; i < count && 12 + 8 * i + 8 <= sh.sh_size; i++) {
		int32_t rel = (int32_t)rd(h + 12 + 8 * i, 4);
		int32_t frel = (int32_t)rd(h + 16 + 8 * i, 4);
		uint64_t start = sh.sh_addr + (uint64_t)(int64_t)rel;

		if (signal_frame(o, &eh, sh.sh_addr + (uint64_t)(int64_t)frel))
			start++;
		if (sect_of(o, start) != NULL && flist_add(fl, start, NULL) < 0)
			return -1;
	}
	return 0;
}

static int
by_start(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* named first, so that the name survives the dedup */
	return (x->name == NULL) - (y->name == NULL);
}

/*
 * Sort, drop duplicates, give each function the code up to the next one
 * (or its section's end), and cover code before the first known
 * function of a section with one that is not an entry.
 */
static int
finish_funcs(struct sobj *o, struct flist *fl)
{
	size_t n = 0;

	for (int i = 0; i < o->nsect; i++)
		if (flist_add(fl, o->sect[i].addr, NULL) < 0)
			return -1;
		else
			fl->f[fl->n - 1].entry = false;
	if (fl->n > 0)
		qsort(fl->f, fl->n, sizeof(*fl->f), by_start);
	for (size_t i = 0; i < fl->n; i++) {
		if (n > 0 && fl->f[n - 1].start == fl->f[i].start) {
			fl->f[n - 1].entry |= fl->f[i].entry;
			continue;
		}
		fl->f[n++] = fl->f[i];
	}
	for (size_t i = 0; i < n; i++) {
		const struct sect *s = sect_of(o, fl->f[i].start);
		uint64_t end = s->addr + s->size;

		if (i + 1 < n && fl->f[i + 1].start < end)
			end = fl->f[i + 1].start;
		fl->f[i].end = end;
	}
	o->func = fl->f;
	o->nfunc = n;
	return 0;
}

long
sobj_func_index(const struct sobj *o, uint64_t addr)
{
	size_t lo = 0, hi = o->nfunc;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (o->func[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (o->nfunc == 0 || addr < o->func[lo].start ||
	    addr >= o->func[lo].end)
		return -1;
	return (long)lo;
}

struct func *
sobj_func(struct sobj *o, struct decoder *d, uint64_t addr)
{
	long i = sobj_func_index(o, addr);
	struct func *f;
	size_t n;
	const uint8_t *code;

	if (i < 0)
		return NULL;
	f = &o->func[i];
	if (f->in == NULL) {
		code = sobj_code(o, f->start, &n);
		if (code == NULL || n < f->end - f->start ||
		    decode_func(d, f, code) < 0) {
			func_clear(f);
			return NULL;
		}
	}
	return f;
}

/* DT_NEEDED, DT_RUNPATH, DT_RPATH, DT_SONAME, DF_1_NODEFLIB. */
static int
load_dynamic(struct sobj *o, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		Elf_Data *d;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_DYNAMIC ||
		    sh.sh_entsize == 0 || (d = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dy;
			const char *s;

			if (gelf_getdyn(d, (int)i, &dy) == NULL ||
			    dy.d_tag == DT_NULL)
				break;
			if (dy.d_tag == DT_FLAGS_1) {
				o->nodeflib = (dy.d_un.d_val & DF_1_NODEFLIB) != 0;
				continue;
			}
			if (dy.d_tag != DT_NEEDED && dy.d_tag != DT_RUNPATH &&
			    dy.d_tag != DT_RPATH && dy.d_tag != DT_SONAME)
				continue;
			if ((s = elf_strptr(e, sh.sh_link, dy.d_un.d_val)) == NULL)
				continue;
			if (dy.d_tag == DT_NEEDED) {
				char **n = realloc(o->needed,
				    (size_t)(o->nneeded + 1) * sizeof(*n));

				if (n == NULL)
					return -1;
				o->needed = n;
				o->needed[o->nneeded++] = strdup(s);
			} else if (dy.d_tag == DT_RUNPATH && o->runpath == NULL) {
				o->runpath = strdup(s);
			} else if (dy.d_tag == DT_RPATH && o->rpath == NULL) {
				o->rpath = strdup(s);
			} else if (dy.d_tag == DT_SONAME && o->soname == NULL) {
				o->soname = strdup(s);
			}
		}
	}
	return 0;
}

static void
load_interp(struct sobj *o, Elf *e)
{
	size_t n = 0;

	if (elf_getphdrnum(e, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		const uint8_t *p;

		if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_INTERP)
			continue;
		p = file_range(o, ph.p_offset, ph.p_filesz);
		if (p != NULL && ph.p_filesz > 1 && memchr(p, 0, ph.p_filesz))
			o->interp = strdup((const char *)p);
	}
}

static int
by_got(const void *a, const void *b)
{
	const struct import *x = a, *y = b;

	return x->got < y->got ? -1 : x->got > y->got;
}

static int
add_root(struct sobj *o, uint64_t addr)
{
	uint64_t *n;

	if (sect_of(o, addr) == NULL)
		return 0;
	if ((n = realloc(o->roots, (size_t)(o->nroots + 1) * sizeof(*n))) == NULL)
		return -1;
	o->roots = n;
	o->roots[o->nroots++] = addr;
	return 0;
}

static int
add_root_name(struct sobj *o, const char *name)
{
	const char **n = realloc(o->root_names,
	    (size_t)(o->nroot_names + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	o->root_names = n;
	o->root_names[o->nroot_names++] = name;
	return 0;
}

/*
 * A relocation that puts a code address in data is a function pointer:
 * RELATIVE and IRELATIVE addends (vtables, init arrays, ifunc
 * resolvers), R_X86_64_64 to a symbol here or in another object.
 */
static int
reloc_root(struct sobj *o, Elf *e, const GElf_Rela *r, Elf_Data *sd,
    size_t strndx)
{
	unsigned t = (unsigned)GELF_R_TYPE(r->r_info);
	GElf_Sym s;
	const char *name;

	if (t == R_X86_64_RELATIVE || t == R_X86_64_IRELATIVE)
		return add_root(o, (uint64_t)r->r_addend);
	if (t != R_X86_64_64 || sd == NULL ||
	    gelf_getsym(sd, (int)GELF_R_SYM(r->r_info), &s) == NULL)
		return 0;
	if (s.st_shndx != SHN_UNDEF)
		return add_root(o, s.st_value + (uint64_t)r->r_addend);
	name = elf_strptr(e, strndx, s.st_name);
	return name != NULL && *name ? add_root_name(o, name) : 0;
}

/*
 * GOT slots filled with another object's symbol (JUMP_SLOT, GLOB_DAT),
 * and the function pointers other relocations put in data.
 */
static int
load_imports(struct sobj *o, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		Elf_Data *d, *sd;
		Elf_Scn *symscn;
		GElf_Shdr ssh;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_RELA ||
		    sh.sh_entsize == 0 || (d = elf_getdata(scn, NULL)) == NULL)
			continue;
		sd = NULL;
		ssh.sh_link = 0;
		if ((symscn = elf_getscn(e, sh.sh_link)) != NULL &&
		    gelf_getshdr(symscn, &ssh) != NULL &&
		    ssh.sh_type == SHT_DYNSYM)
			sd = elf_getdata(symscn, NULL);
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			GElf_Sym s;
			unsigned t;
			struct import *n;
			const char *name;

			if (gelf_getrela(d, (int)i, &r) == NULL)
				break;
			if (reloc_root(o, e, &r, sd, ssh.sh_link) < 0)
				return -1;
			t = (unsigned)GELF_R_TYPE(r.r_info);
			if (sd == NULL ||
			    (t != R_X86_64_JUMP_SLOT && t != R_X86_64_GLOB_DAT) ||
			    gelf_getsym(sd, (int)GELF_R_SYM(r.r_info), &s) == NULL ||
			    (name = elf_strptr(e, ssh.sh_link, s.st_name)) == NULL ||
			    *name == '\0')
				continue;
			n = realloc(o->imp, (size_t)(o->nimp + 1) * sizeof(*n));
			if (n == NULL)
				return -1;
			o->imp = n;
			o->imp[o->nimp].name = name;
			o->imp[o->nimp].got = r.r_offset;
			o->imp[o->nimp].stub = 0;
			o->nimp++;
		}
	}
	if (o->nimp > 0)
		qsort(o->imp, (size_t)o->nimp, sizeof(*o->imp), by_got);
	return 0;
}

static void
plt_stub(void *arg, uint64_t stub, uint64_t slot)
{
	struct sobj *o = arg;
	int lo = 0, hi = o->nimp - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (o->imp[mid].got == slot) {
			if (o->imp[mid].stub == 0)
				o->imp[mid].stub = stub;
			return;
		}
		if (o->imp[mid].got < slot)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
}

void
sobj_plt(struct sobj *o, struct decoder *d)
{
	static const char *const plts[] = { ".plt", ".plt.sec", ".plt.got" };
	Elf *e = o->elf;

	if (o->nimp == 0)
		return;
	for (size_t i = 0; i < sizeof(plts) / sizeof(plts[0]); i++) {
		GElf_Shdr sh;
		const uint8_t *p;

		if (scn_by_name(e, plts[i], &sh) == NULL ||
		    (p = file_range(o, sh.sh_offset, sh.sh_size)) == NULL)
			continue;
		decode_plt(d, p, (size_t)sh.sh_size, sh.sh_addr, plt_stub, o);
	}
}

/*
 * A position-dependent program has no relocations for its function
 * pointers: every aligned word of its data that is a code address is
 * taken as one.
 */
static int
load_data_roots(struct sobj *o, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	if (gelf_getehdr(e, &eh) == NULL)
		return 0;
	o->entry = eh.e_entry;
	o->fixed = eh.e_type == ET_EXEC;
	if (!o->fixed)
		return 0;
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		const uint8_t *p;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    (sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_INIT_ARRAY &&
		    sh.sh_type != SHT_FINI_ARRAY &&
		    sh.sh_type != SHT_PREINIT_ARRAY) ||
		    (sh.sh_flags & SHF_EXECINSTR) || !(sh.sh_flags & SHF_ALLOC) ||
		    (p = file_range(o, sh.sh_offset, sh.sh_size)) == NULL)
			continue;
		for (uint64_t i = (8 - sh.sh_addr % 8) % 8; i + 8 <= sh.sh_size;
		    i += 8)
			if (add_root(o, rd(p + i, 8)) < 0)
				return -1;
	}
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name,
	    ((const struct export *)b)->name);
}

static int
check_header(Elf *e, char *err, size_t errlen)
{
	GElf_Ehdr eh;

	if (elf_kind(e) != ELF_K_ELF || gelf_getehdr(e, &eh) == NULL) {
		snprintf(err, errlen, "not an ELF file");
		return -1;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		snprintf(err, errlen, "not an x86-64 ELF file");
		return -1;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		snprintf(err, errlen, "not an executable or shared object");
		return -1;
	}
	return 0;
}

int
sobj_open(struct sobj *o, const char *path, char *err, size_t errlen)
{
	struct flist fl = { 0 };
	struct stat st;
	Elf *e;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 64) {
		snprintf(err, errlen, "not an ELF file");
		close(fd);
		return -1;
	}
	o->size = (size_t)st.st_size;
	o->map = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (o->map == MAP_FAILED) {
		o->map = NULL;
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		return -1;
	}
	elf_version(EV_CURRENT);
	if ((e = elf_memory((char *)o->map, o->size)) == NULL) {
		snprintf(err, errlen, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	o->elf = e;
	if (check_header(e, err, errlen) < 0)
		return -1;
	if (load_code(o, e) < 0 || load_symbols(o, e, &fl) < 0 ||
	    load_gopclntab(o, e, &fl) < 0 || load_eh_frame_hdr(o, e, &fl) < 0 ||
	    finish_funcs(o, &fl) < 0 || load_dynamic(o, e) < 0 ||
	    load_imports(o, e) < 0 || load_data_roots(o, e) < 0) {
		free(fl.f);
		o->func = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	load_interp(o, e);
	if (o->nexp > 0)
		qsort(o->exp, (size_t)o->nexp, sizeof(*o->exp), by_name);
	if (!o->is_go) {
		GElf_Shdr sh;

		o->is_go = scn_by_name(e, ".note.go.buildid", &sh) != NULL;
	}
	return 0;
}

void
sobj_close(struct sobj *o)
{
	for (size_t i = 0; i < o->nfunc; i++)
		func_clear(&o->func[i]);
	free(o->func);
	for (int i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	free(o->needed);
	free(o->runpath);
	free(o->rpath);
	free(o->soname);
	free(o->interp);
	free(o->sect);
	free(o->imp);
	free(o->exp);
	free(o->roots);
	free(o->root_names);
	if (o->elf != NULL)
		elf_end(o->elf);
	if (o->map != NULL)
		munmap(o->map, o->size);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
