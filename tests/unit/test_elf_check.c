/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The loader's pure checks and plans (src/elf): #! lines parsed as
 * fs/binfmt_script.c does (the cases were checked against this kernel's
 * execve), ELF headers refused with exec's errno, and the mapping plan of
 * load_elf_binary for a PIE with an interpreter and for a static PIE.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf/elf.h"
#include "lxrun/linux_abi.h"

static int
parse(const char *text, size_t len, struct lx_script *s)
{
	unsigned char buf[LX_BINPRM_BUF];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, text, len < sizeof(buf) ? len : sizeof(buf));
	return lx_script_parse(buf, s);
}

#define PARSE(lit, s) parse((lit), sizeof(lit) - 1, (s))

static void
test_script_lines(void **state)
{
	struct lx_script s;
	char line[400];

	assert_int_equal(PARSE("#!/bin/echo\n", &s), 0);
	assert_string_equal(s.name, "/bin/echo");
	assert_false(s.has_arg);
	/* one argument: everything after the name, ends trimmed */
	assert_int_equal(PARSE("#! /bin/echo  a b  \nrest", &s), 0);
	assert_string_equal(s.name, "/bin/echo");
	assert_true(s.has_arg);
	assert_string_equal(s.arg, "a b");
	assert_int_equal(PARSE("#!/bin/sh\t-e\n", &s), 0);
	assert_string_equal(s.arg, "-e");
	/* no newline: fine if the name ends before the buffer does */
	assert_int_equal(PARSE("#!/bin/echo", &s), 0);
	assert_string_equal(s.name, "/bin/echo");
	assert_int_equal(PARSE("#!x", &s), 0);
	assert_string_equal(s.name, "x");
	/* an empty name (exec then opens its cwd: EACCES) */
	assert_int_equal(PARSE("#!", &s), 0);
	assert_string_equal(s.name, "");
	assert_int_equal(PARSE("#! ", &s), 0);
	assert_string_equal(s.name, "");
	assert_int_equal(parse("#!\0\n", 4, &s), 0);
	assert_string_equal(s.name, "");
	/* no name at all */
	assert_int_equal(PARSE("#! \n", &s), -LX_ENOEXEC);
	assert_int_equal(PARSE("#!\n", &s), -LX_ENOEXEC);
	memset(line, ' ', sizeof(line));
	memcpy(line, "#!", 2);
	assert_int_equal(parse(line, sizeof(line), &s), -LX_ENOEXEC);
	/* a name that may go on past the 256 bytes exec reads */
	memset(line, 'a', sizeof(line));
	memcpy(line, "#!", 2);
	assert_int_equal(parse(line, sizeof(line), &s), -LX_ENOEXEC);
	/* a long argument is cut, not refused */
	memcpy(line, "#!/bin/sh ", 10);
	assert_int_equal(parse(line, sizeof(line), &s), 0);
	assert_string_equal(s.name, "/bin/sh");
	assert_int_equal(strlen(s.arg), LX_BINPRM_BUF - 1 - 10);
	/* not a script */
	assert_int_equal(PARSE("ab", &s), 1);
	assert_int_equal(PARSE("\177ELF", &s), 1);
}

/* A file image in memory, read up to len (shorter: truncated). */
struct img {
	unsigned char *data;
	size_t len;
};

static long
img_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct img *im = ctx;

	if (off >= im->len)
		return 0;
	if (n > im->len - off)
		n = im->len - off;
	memcpy(buf, im->data + off, n);
	return (long)n;
}

static void
load_file(const char *path, struct img *im)
{
	int fd = open(path, O_RDONLY);
	off_t len;

	assert_true(fd >= 0);
	len = lseek(fd, 0, SEEK_END);
	im->data = malloc((size_t)len);
	im->len = (size_t)len;
	assert_int_equal(pread(fd, im->data, im->len, 0), len);
	close(fd);
}

static int
check(struct img *im, struct lx_elf *e)
{
	unsigned char buf[LX_BINPRM_BUF];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, im->data, im->len < sizeof(buf) ? im->len : sizeof(buf));
	return lx_elf_check_main(buf, img_pread, im, e);
}

static GElf_Phdr *
find_ph(struct img *im, uint32_t type)
{
	Elf64_Ehdr *h = (Elf64_Ehdr *)im->data;

	for (int i = 0; i < h->e_phnum; i++) {
		Elf64_Phdr *p = (Elf64_Phdr *)(im->data + h->e_phoff) + i;

		if (p->p_type == type)
			return p;
	}
	return NULL;
}

static void
test_elf_headers(void **state)
{
	static struct lx_elf e;
	struct img im, bad;
	Elf64_Ehdr *h;
	GElf_Phdr *interp;

	/* this test program: a PIE with an interpreter */
	load_file("/proc/self/exe", &im);
	assert_int_equal(check(&im, &e), 0);
	assert_true(e.has_interp);
	assert_string_equal(e.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(e.eh.e_machine, EM_X86_64);
	assert_int_equal(e.phnum, ((Elf64_Ehdr *)im.data)->e_phnum);
	assert_int_equal(e.eh.e_phoff, ((Elf64_Ehdr *)im.data)->e_phoff);
	assert_int_equal(e.stack, LX_EXSTACK_DISABLE_X);

	bad.data = malloc(im.len);
	bad.len = im.len;
	h = (Elf64_Ehdr *)bad.data;
#define RESET() memcpy(bad.data, im.data, im.len), bad.len = im.len
	RESET();
	h->e_machine = EM_AARCH64;
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	/* the class and byte order bytes are not exec's business */
	RESET();
	h->e_ident[EI_CLASS] = ELFCLASS32;
	h->e_ident[EI_DATA] = ELFDATA2MSB;
	assert_int_equal(check(&bad, &e), 0);
	assert_int_equal(e.phnum, h->e_phnum);
	RESET();
	h->e_type = ET_REL;
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	h->e_phentsize = 32;
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	h->e_phnum = 0;
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	h->e_phnum = 74;	/* more than a page of program headers */
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	bad.len = 100;		/* program headers cut off */
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	bad.data[0] = 'x';
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	/* PT_INTERP: unterminated, too long, beyond the end */
	RESET();
	interp = find_ph(&bad, PT_INTERP);
	bad.data[interp->p_offset + interp->p_filesz - 1] = 'x';
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	interp = find_ph(&bad, PT_INTERP);
	interp->p_filesz = LX_PATH_MAX + 1;
	assert_int_equal(check(&bad, &e), -LX_ENOEXEC);
	RESET();
	interp = find_ph(&bad, PT_INTERP);
	interp->p_offset = im.len - 4;
	assert_int_equal(check(&bad, &e), -LX_EIO);
	/* the section headers are exec's business no more than libelf's */
	RESET();
	h->e_shoff = im.len * 4;
	h->e_shnum = 999;
	assert_int_equal(check(&bad, &e), 0);

	/* the interpreter: EIO when short, ELIBBAD when not x86-64 ELF */
	free(im.data);
	load_file("/lib64/ld-linux-x86-64.so.2", &im);
	free(bad.data);
	bad.data = malloc(im.len);
	h = (Elf64_Ehdr *)bad.data;
	RESET();
	assert_int_equal(lx_elf_check_interp(img_pread, &bad, &e), 0);
	assert_int_equal(e.eh.e_type, ET_DYN);
	bad.len = 40;
	assert_int_equal(lx_elf_check_interp(img_pread, &bad, &e), -LX_EIO);
	RESET();
	h->e_machine = EM_386;
	assert_int_equal(lx_elf_check_interp(img_pread, &bad, &e),
	    -LX_ELIBBAD);
	RESET();
	memcpy(bad.data, "#!/bin/sh\n", 10);
	assert_int_equal(lx_elf_check_interp(img_pread, &bad, &e),
	    -LX_ELIBBAD);
	RESET();
	h->e_phentsize = 0;
	assert_int_equal(lx_elf_check_interp(img_pread, &bad, &e),
	    -LX_ELIBBAD);
#undef RESET
	free(bad.data);
	free(im.data);
}

/* A synthetic program: PT_LOADs (vaddr, offset, filesz, memsz, flags). */
static void
make_elf(struct lx_elf *e, int type, bool interp, uint64_t align)
{
	static const uint64_t seg[4][5] = {
		{ 0x0000, 0x0000, 0x06f8, 0x06f8, PF_R },
		{ 0x1000, 0x1000, 0x0161, 0x0161, PF_R | PF_X },
		{ 0x2000, 0x2000, 0x00f4, 0x00f4, PF_R },
		{ 0x3de8, 0x2de8, 0x0250, 0x2258, PF_R | PF_W },
	};

	memset(e, 0, sizeof(*e));
	e->eh.e_type = (GElf_Half)type;
	e->eh.e_machine = EM_X86_64;
	e->eh.e_entry = 0x1040;
	e->eh.e_phoff = 64;
	e->eh.e_phnum = 5;
	e->phnum = 5;
	for (int i = 0; i < 4; i++) {
		e->ph[i].p_type = PT_LOAD;
		e->ph[i].p_vaddr = seg[i][0];
		e->ph[i].p_offset = seg[i][1];
		e->ph[i].p_filesz = seg[i][2];
		e->ph[i].p_memsz = seg[i][3];
		e->ph[i].p_flags = (GElf_Word)seg[i][4];
		e->ph[i].p_align = align;
	}
	e->ph[4].p_type = PT_GNU_STACK;
	e->has_interp = interp;
}

static void
test_plan_pie(void **state)
{
	static struct lx_elf e, ld;
	static struct lx_plan p;
	struct lx_layout_in in = { .randomize = false, .va_space = 2,
		.main_fd = 3, .interp_fd = 4 };
	struct lx_mm mm;
	int n = 0;

	make_elf(&e, ET_DYN, true, 0x1000);
	make_elf(&ld, ET_DYN, false, 0x1000);
	assert_int_equal(lx_plan_build(&p, &e, &ld, &in), 0);
	assert_false(p.doomed);
	/* first segment: the whole image at ELF_ET_DYN_BASE, no replace */
	assert_int_equal(p.op[n].nr, LX_NR_mmap);
	assert_int_equal(p.op[n].a[0], 0x555555554000);
	assert_int_equal(p.op[n].a[1], 0x7000);
	assert_int_equal(p.op[n].a[3], LX_MAP_PRIVATE | LX_MAP_FIXED_NOREPLACE);
	assert_int_equal(p.op[n].a[4], 3);
	n++;
	assert_int_equal(p.op[n].nr, LX_NR_munmap);	/* its tail */
	assert_int_equal(p.op[n].a[0], 0x555555555000);
	assert_int_equal(p.op[n].a[1], 0x6000);
	n += 3;			/* two more file segments, MAP_FIXED */
	assert_int_equal(p.op[n - 1].a[3], LX_MAP_PRIVATE | LX_MAP_FIXED);
	/* the data segment: file part, its page's end zeroed, then .bss */
	assert_int_equal(p.op[n].a[0], 0x555555557000);
	assert_int_equal(p.op[n].a[5], 0x2000);
	n++;
	assert_int_equal(p.op[n].nr, LX_OP_MEMSET);
	assert_int_equal(p.op[n].a[0], 0x555555558038);
	assert_int_equal(p.op[n].a[1], 0x1000 - 0x38);
	n++;
	assert_int_equal(p.op[n].a[0], 0x555555559000);
	assert_int_equal(p.op[n].a[1], 0x2000);
	assert_int_equal(p.op[n].a[3], LX_MAP_PRIVATE | LX_MAP_ANONYMOUS |
	    LX_MAP_FIXED);
	n++;
	/* the interpreter: where mmap likes, the rest relative to it */
	assert_int_equal(p.op[n].a[0], 0);
	assert_int_equal(p.op[n].a[3], LX_MAP_PRIVATE);
	assert_int_equal(p.op[n].a[4], 4);
	assert_int_equal(p.op[n].flags, LX_OPF_SETBASE);
	assert_int_equal(p.base_op[LX_BASE_INTERP], n);
	assert_int_equal(p.op[n + 1].flags, LX_OPF_ADDBASE);
	p.op[n].result = 0x7ffff7fc3000;

	lx_plan_mm(&p, &e, &in, &mm);
	assert_int_equal(mm.load_bias, 0x555555554000);
	assert_int_equal(mm.phdr, 0x555555554040);
	assert_int_equal(mm.entry, 0x555555555040);
	assert_int_equal(mm.base, 0x7ffff7fc3000);
	assert_int_equal(mm.start, 0x7ffff7fc4040);
	assert_int_equal(mm.start_code, 0x555555555000);
	assert_int_equal(mm.end_code, 0x555555555161);
	assert_int_equal(mm.start_data, 0x555555557de8);
	assert_int_equal(mm.end_data, 0x555555558038);
	assert_int_equal(mm.start_brk, 0x55555555b000);
	assert_int_equal(mm.brk, mm.start_brk);

	/* randomized: the base moves by the mmap randomness, brk by a page+ */
	in.randomize = true;
	in.mmap_rnd = 0x1234000;
	in.brk_rnd = 5;
	assert_int_equal(lx_plan_build(&p, &e, &ld, &in), 0);
	assert_int_equal(p.op[0].a[0], 0x555555554000 + 0x1234000);
	p.op[p.base_op[LX_BASE_INTERP]].result = 0x7ffff7fc3000;
	lx_plan_mm(&p, &e, &in, &mm);
	assert_int_equal(mm.start_brk, 0x55555555b000 + 0x1234000 + 0x1000 +
	    5 * 0x1000);
}

static void
test_plan_static_pie(void **state)
{
	static struct lx_elf e;
	static struct lx_plan p;
	struct lx_layout_in in = { .randomize = false, .va_space = 2,
		.main_fd = 5, .interp_fd = -1 };
	struct lx_mm mm;

	make_elf(&e, ET_DYN, false, 0x1000);
	assert_int_equal(lx_plan_build(&p, &e, NULL, &in), 0);
	assert_int_equal(p.op[0].a[0], 0);	/* where mmap likes */
	assert_int_equal(p.op[0].flags, LX_OPF_SETBASE);
	assert_int_equal(p.op[1].flags, LX_OPF_ADDBASE);	/* tail */
	assert_int_equal(p.op[1].a[0], 0x1000);
	assert_int_equal(p.op[2].a[0], 0x1000);
	p.op[0].result = 0x7ffff7f46000;
	lx_plan_mm(&p, &e, &in, &mm);
	assert_int_equal(mm.load_bias, 0x7ffff7f46000);
	assert_int_equal(mm.entry, 0x7ffff7f47040);
	assert_int_equal(mm.start, mm.entry);
	assert_int_equal(mm.base, 0);
	/* a loader's brk goes to ELF_ET_DYN_BASE, randomized or not */
	assert_int_equal(mm.start_brk, 0x555555555000);

	/* larger alignment: mapped, unmapped, aligned, mapped again */
	make_elf(&e, ET_DYN, false, 0x200000);
	assert_int_equal(lx_plan_build(&p, &e, NULL, &in), 0);
	assert_int_equal(p.op[1].nr, LX_NR_munmap);
	assert_int_equal(p.op[2].nr, LX_OP_ANDBASE);
	assert_int_equal(p.op[2].a[0], ~0x1fffffULL);
	assert_int_equal(p.op[3].a[3], LX_MAP_PRIVATE | LX_MAP_FIXED_NOREPLACE);
	assert_int_equal(p.op[3].flags, LX_OPF_ADDBASE);
	p.op[0].result = 0x7ffff7e46000;
	lx_plan_mm(&p, &e, &in, &mm);
	assert_int_equal(mm.load_bias, 0x7ffff7e00000);

	/* ET_EXEC: fixed, no base, the first with MAP_FIXED_NOREPLACE */
	make_elf(&e, ET_EXEC, false, 0x1000);
	for (int i = 0; i < 4; i++)
		e.ph[i].p_vaddr += 0x400000;
	e.eh.e_entry = 0x401040;
	assert_int_equal(lx_plan_build(&p, &e, NULL, &in), 0);
	assert_int_equal(p.op[0].a[0], 0x400000);
	assert_int_equal(p.op[0].a[1], 0x1000);
	assert_int_equal(p.op[0].a[3], LX_MAP_PRIVATE | LX_MAP_FIXED_NOREPLACE);
	assert_int_equal(p.op[0].flags, 0);
	lx_plan_mm(&p, &e, &in, &mm);
	assert_int_equal(mm.entry, 0x401040);
	assert_int_equal(mm.start_brk, 0x407000);

	/* sizes that cannot be: exec gets past its point of no return */
	e.ph[1].p_filesz = e.ph[1].p_memsz + 1;
	assert_int_equal(lx_plan_build(&p, &e, NULL, &in), 0);
	assert_true(p.doomed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_lines),
		cmocka_unit_test(test_elf_headers),
		cmocka_unit_test(test_plan_pie),
		cmocka_unit_test(test_plan_static_pie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
