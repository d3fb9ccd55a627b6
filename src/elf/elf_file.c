/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What execve checks in a file before its point of no return, in the
 * kernel's order and with its errno: the first 256 bytes (a #! line or an
 * ELF header), the program headers, PT_INTERP, and the interpreter's
 * header and program headers (fs/binfmt_elf.c load_elf_binary up to
 * begin_new_exec, fs/binfmt_script.c).  The bytes are read exactly where
 * and as far as the kernel reads them; libelf decodes them (gelf_*), on a
 * copy holding only what the kernel looks at, so that libelf's own
 * checks of parts exec ignores (section headers) do not reject a program
 * the kernel runs.
 *
 * As the kernel's 64-bit loader, only e_machine says what a file is for:
 * EI_CLASS and EI_DATA are not looked at (a file marked ELFCLASS32 but
 * for EM_X86_64 is read as the 64-bit file it is).  Unlike the kernel,
 * only x86-64 files are programs here: the kernel would run an i386 one
 * through its compat loader, as a BSD host without 32-bit Linux support
 * would not.
 */
#include <string.h>

#include "elf/elf.h"
#include "lxrun/linux_abi.h"

#define EHDR_LEN	64
#define PHDR_LEN	56

static bool
elf_version_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

/*
 * Decode an ELF header and program header table with libelf, from a
 * synthetic image: the header (without section headers) followed by the
 * table.  ph may be NULL when phnum is 0.
 */
static int
decode(const unsigned char *ehdr, const unsigned char *ph, int phnum,
    struct lx_elf *e)
{
	unsigned char img[EHDR_LEN + LX_ELF_PHMAX * PHDR_LEN];
	size_t len = EHDR_LEN + (size_t)phnum * PHDR_LEN;
	GElf_Ehdr raw;
	Elf *elf;
	int r = 0;

	if (!elf_version_ready() || phnum > LX_ELF_PHMAX)
		return -1;
	memcpy(img, ehdr, EHDR_LEN);
	if (phnum > 0)
		memcpy(img + EHDR_LEN, ph, (size_t)phnum * PHDR_LEN);
	if ((elf = elf_memory((char *)img, len)) == NULL)
		return -1;
	if (gelf_getehdr(elf, &raw) == NULL) {
		elf_end(elf);
		return -1;
	}
	e->eh = raw;
	/* libelf saw the copy's layout; keep the file's own offsets */
	{
		Elf64_Ehdr h;

		memcpy(&h, ehdr, sizeof(h));
		e->eh.e_phoff = h.e_phoff;
		e->eh.e_shoff = h.e_shoff;
		e->eh.e_shnum = h.e_shnum;
		e->eh.e_shstrndx = h.e_shstrndx;
	}
	e->phnum = phnum;
	for (int i = 0; i < phnum && r == 0; i++)
		if (gelf_getphdr(elf, i, &e->ph[i]) == NULL)
			r = -1;
	elf_end(elf);
	return r;
}

/* The header fields the copy handed to libelf must not point elsewhere. */
static void
synth_header(const unsigned char *in, unsigned char out[EHDR_LEN],
    int phnum)
{
	Elf64_Ehdr h;

	memcpy(&h, in, sizeof(h));
	/* read as the kernel reads it: 64-bit, this machine's byte order */
	h.e_ident[EI_CLASS] = ELFCLASS64;
	h.e_ident[EI_DATA] = ELFDATA2LSB;
	h.e_phoff = phnum > 0 ? EHDR_LEN : 0;
	h.e_phnum = (Elf64_Half)phnum;
	h.e_shoff = 0;
	h.e_shnum = 0;
	h.e_shstrndx = 0;
	memcpy(out, &h, sizeof(h));
}

static bool
is_elf(const unsigned char *h)
{
	return memcmp(h, ELFMAG, SELFMAG) == 0;
}

/*
 * load_elf_phdrs(): the program header table, one page at most, read
 * whole or not at all.  -1 when the kernel would give up on it.
 */
static int
read_phdrs(const unsigned char *hdr, lx_elf_pread_fn *rd, void *ctx,
    unsigned char *out, int *phnum)
{
	Elf64_Ehdr h;
	size_t size;

	memcpy(&h, hdr, sizeof(h));
	if (h.e_phentsize != PHDR_LEN)
		return -1;
	size = (size_t)h.e_phnum * PHDR_LEN;
	if (size == 0 || size > 65536 || size > LX_ELF_PAGE)
		return -1;
	if (rd(ctx, out, size, h.e_phoff) != (long)size)
		return -1;
	*phnum = h.e_phnum;
	return 0;
}

static void
note_stack(struct lx_elf *e)
{
	e->stack = LX_EXSTACK_DEFAULT;
	for (int i = 0; i < e->phnum; i++)
		if (e->ph[i].p_type == PT_GNU_STACK)
			e->stack = (e->ph[i].p_flags & PF_X) ?
			    LX_EXSTACK_ENABLE_X : LX_EXSTACK_DISABLE_X;
}

/* The first PT_INTERP, as load_elf_binary reads it. */
static int
read_interp(struct lx_elf *e, lx_elf_pread_fn *rd, void *ctx)
{
	e->has_interp = false;
	for (int i = 0; i < e->phnum; i++) {
		const GElf_Phdr *p = &e->ph[i];
		long got;

		if (p->p_type != PT_INTERP)
			continue;
		if (p->p_filesz > LX_PATH_MAX || p->p_filesz < 2)
			return -LX_ENOEXEC;
		got = rd(ctx, e->interp, p->p_filesz, p->p_offset);
		if (got < 0)
			return (int)got;
		if (got != (long)p->p_filesz)
			return -LX_EIO;
		if (e->interp[p->p_filesz - 1] != '\0')
			return -LX_ENOEXEC;
		e->has_interp = true;
		return 0;
	}
	return 0;
}

int
lx_elf_check_main(const unsigned char buf[LX_BINPRM_BUF],
    lx_elf_pread_fn *rd, void *ctx, struct lx_elf *e)
{
	unsigned char ph[LX_ELF_PHMAX * PHDR_LEN], hdr[EHDR_LEN];
	Elf64_Ehdr h;
	int phnum, r;

	memset(e, 0, sizeof(*e));
	memcpy(&h, buf, sizeof(h));
	if (!is_elf(buf))
		return -LX_ENOEXEC;
	if (h.e_type != ET_EXEC && h.e_type != ET_DYN)
		return -LX_ENOEXEC;
	if (h.e_machine != EM_X86_64)
		return -LX_ENOEXEC;
	if (read_phdrs(buf, rd, ctx, ph, &phnum) < 0)
		return -LX_ENOEXEC;
	synth_header(buf, hdr, phnum);
	if (decode(hdr, ph, phnum, e) < 0)
		return -LX_ENOEXEC;
	e->eh.e_phnum = (GElf_Half)phnum;
	if ((r = read_interp(e, rd, ctx)) < 0)
		return r;
	note_stack(e);
	return 0;
}

int
lx_elf_check_interp(lx_elf_pread_fn *rd, void *ctx, struct lx_elf *e)
{
	unsigned char raw[EHDR_LEN], ph[LX_ELF_PHMAX * PHDR_LEN];
	unsigned char hdr[EHDR_LEN];
	Elf64_Ehdr h;
	long got;
	int phnum;

	memset(e, 0, sizeof(*e));
	if ((got = rd(ctx, raw, EHDR_LEN, 0)) < 0)
		return (int)got;
	if (got != EHDR_LEN)
		return -LX_EIO;
	memcpy(&h, raw, sizeof(h));
	if (!is_elf(raw) || h.e_machine != EM_X86_64)
		return -LX_ELIBBAD;
	if (read_phdrs(raw, rd, ctx, ph, &phnum) < 0)
		return -LX_ELIBBAD;
	synth_header(raw, hdr, phnum);
	if (decode(hdr, ph, phnum, e) < 0)
		return -LX_ELIBBAD;
	e->eh.e_phnum = (GElf_Half)phnum;
	note_stack(e);
	return 0;
}

static bool
spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* First char in [p, last] that is not a space or tab, or NULL. */
static const char *
next_non_spacetab(const char *p, const char *last)
{
	for (; p <= last; p++)
		if (!spacetab(*p))
			return p;
	return NULL;
}

/* First space, tab or NUL in [p, last], or NULL. */
static const char *
next_terminator(const char *p, const char *last)
{
	for (; p <= last; p++)
		if (spacetab(*p) || *p == '\0')
			return p;
	return NULL;
}

/* Copy [from, to) up to its first NUL. */
static void
copy_until(char *dst, const char *from, const char *to)
{
	size_t n = 0;

	while (from + n < to && from[n] != '\0')
		n++;
	memcpy(dst, from, n);
	dst[n] = '\0';
}

int
lx_script_parse(const unsigned char ubuf[LX_BINPRM_BUF], struct lx_script *s)
{
	const char *buf = (const char *)ubuf;
	const char *buf_end = buf + LX_BINPRM_BUF - 1;
	const char *i_end, *i_name, *i_sep;

	memset(s, 0, sizeof(*s));
	if (buf[0] != '#' || buf[1] != '!')
		return 1;
	i_end = memchr(buf, '\n', LX_BINPRM_BUF);
	if (i_end == NULL) {
		/* no newline: the name must end before the buffer does */
		if ((i_end = next_non_spacetab(buf + 2, buf_end)) == NULL)
			return -LX_ENOEXEC;
		if (next_terminator(i_end, buf_end) == NULL)
			return -LX_ENOEXEC;
		i_end = buf_end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	i_name = next_non_spacetab(buf + 2, i_end);
	if (i_name == NULL || i_name == i_end)
		return -LX_ENOEXEC;
	i_sep = next_terminator(i_name, i_end);
	if (i_sep != NULL && *i_sep != '\0') {
		const char *i_arg = next_non_spacetab(i_sep, i_end);

		if (i_arg != NULL) {
			copy_until(s->arg, i_arg, i_end);
			s->has_arg = true;
		}
	}
	copy_until(s->name, i_name, s->has_arg ? i_sep : i_end);
	return 0;
}
