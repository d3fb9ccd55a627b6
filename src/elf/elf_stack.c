/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The initial stack of a new program, byte for byte where Linux puts it
 * (fs/exec.c copies the strings, fs/binfmt_elf.c create_elf_tables lays
 * out the rest).  From the top of the stack mapping down:
 *
 *	8 zero bytes
 *	the exec file name (AT_EXECFN)
 *	envp strings, argv strings (argv[0] lowest: arg_start)
 *	  a random gap of 0..8191 bytes, then alignment to 16 (when the
 *	  personality randomizes)
 *	"x86_64" (AT_PLATFORM)
 *	16 random bytes (AT_RANDOM)
 *	  padding so that the stack pointer is 16-byte aligned
 *	auxv pairs up to AT_NULL
 *	NULL, envp[], NULL, argv[], argc	<- sp
 */
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "lxrun/linux_abi.h"

/* The value the loader gives an auxv type, if it owns that type. */
static bool
own_value(const struct lx_stack_in *in, const struct lx_stack *s,
    uint64_t type, uint64_t *v)
{
	switch (type) {
	case LX_AT_PHDR:
		*v = in->at_phdr;
		return true;
	case LX_AT_PHENT:
		*v = sizeof(Elf64_Phdr);
		return true;
	case LX_AT_PHNUM:
		*v = in->at_phnum;
		return true;
	case LX_AT_BASE:
		*v = in->at_base;
		return true;
	case LX_AT_FLAGS:
		*v = 0;
		return true;
	case LX_AT_ENTRY:
		*v = in->at_entry;
		return true;
	case LX_AT_RANDOM:
		*v = s->random;
		return true;
	case LX_AT_EXECFN:
		*v = s->execfn;
		return true;
	case LX_AT_PLATFORM:
		*v = s->platform;
		return in->platform != NULL;
	default:
		return false;
	}
}

/* The auxv: the kernel's entries in its order, the loader's values. */
static int
build_auxv(const struct lx_stack_in *in, struct lx_stack *s)
{
	static const uint64_t own[] = {
		LX_AT_PHDR, LX_AT_PHENT, LX_AT_PHNUM, LX_AT_BASE, LX_AT_FLAGS,
		LX_AT_ENTRY, LX_AT_RANDOM, LX_AT_EXECFN, LX_AT_PLATFORM,
	};
	bool seen[sizeof(own) / sizeof(own[0])] = { false };
	int n = 0;

	for (int i = 0; i < in->nauxv; i++) {
		uint64_t type = in->auxv[i][0], v = in->auxv[i][1];

		if (type == LX_AT_NULL)
			break;
		if (type == LX_AT_SYSINFO_EHDR && !in->keep_vdso)
			continue;
		if (type == LX_AT_PLATFORM && in->platform == NULL)
			continue;
		for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			if (own[k] == type)
				seen[k] = true;
		own_value(in, s, type, &v);
		if (n + 2 > LX_AUXV_MAX - 1)
			return -LX_E2BIG;
		s->saved_auxv[2 * n] = type;
		s->saved_auxv[2 * n + 1] = v;
		n++;
	}
	/* a template without them (not Linux's) still gets the loader's */
	for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++) {
		uint64_t v;

		if (seen[k] || !own_value(in, s, own[k], &v))
			continue;
		if (n + 2 > LX_AUXV_MAX - 1)
			return -LX_E2BIG;
		s->saved_auxv[2 * n] = own[k];
		s->saved_auxv[2 * n + 1] = v;
		n++;
	}
	s->saved_auxv[2 * n] = LX_AT_NULL;
	s->saved_auxv[2 * n + 1] = 0;
	s->nsaved = 2 * n + 2;
	return 0;
}

static void
put64(unsigned char *img, uint64_t base, uint64_t addr, uint64_t v)
{
	memcpy(img + (addr - base), &v, sizeof(v));
}

int
lx_stack_build(const struct lx_stack_in *in, size_t max_len,
    struct lx_stack *s)
{
	uint64_t p = in->top - sizeof(uint64_t), strings = 0, sp, items;
	size_t platform_len = in->platform ? strlen(in->platform) + 1 : 0;
	unsigned char *img;
	int r;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < in->argc; i++)
		strings += strlen(in->argv[i]) + 1;
	for (int i = 0; i < in->envc; i++)
		strings += strlen(in->envp[i]) + 1;
	strings += strlen(in->execfn) + 1;
	if (strings + 8192 + 64 > max_len || in->top < strings + 16384)
		return -LX_E2BIG;

	/* addresses first: the strings ... */
	s->execfn = p - (strlen(in->execfn) + 1);
	s->env_end = s->execfn;
	s->arg_start = p - strings;
	s->arg_end = s->env_start = s->arg_start;
	for (int i = 0; i < in->argc; i++)
		s->arg_end += strlen(in->argv[i]) + 1;
	s->env_start = s->arg_end;
	/* ... then create_elf_tables() */
	p = (s->arg_start - in->align_rnd) & ~(uint64_t)15;
	if (in->platform != NULL) {
		p -= platform_len;
		s->platform = p;
	}
	p -= sizeof(in->random);
	s->random = p;
	if ((r = build_auxv(in, s)) < 0)
		return r;
	sp = p - (uint64_t)s->nsaved * 8;
	items = (uint64_t)(in->argc + 1) + (uint64_t)(in->envc + 1) + 1;
	sp = (sp - items * 8) & ~(uint64_t)15;
	s->sp = sp;
	s->auxv = sp + 8 * items;
	if (in->top - sp > max_len)
		return -LX_E2BIG;

	s->len = (size_t)(in->top - sp);
	if ((img = calloc(1, s->len)) == NULL)
		return -LX_ENOMEM;
	s->image = img;
	put64(img, sp, sp, (uint64_t)in->argc);
	{
		uint64_t at = s->arg_start, slot = sp + 8;

		for (int i = 0; i < in->argc; i++) {
			size_t len = strlen(in->argv[i]) + 1;

			memcpy(img + (at - sp), in->argv[i], len);
			put64(img, sp, slot, at);
			at += len;
			slot += 8;
		}
		put64(img, sp, slot, 0);
		slot += 8;
		for (int i = 0; i < in->envc; i++) {
			size_t len = strlen(in->envp[i]) + 1;

			memcpy(img + (at - sp), in->envp[i], len);
			put64(img, sp, slot, at);
			at += len;
			slot += 8;
		}
		put64(img, sp, slot, 0);
	}
	memcpy(img + (s->execfn - sp), in->execfn, strlen(in->execfn) + 1);
	if (in->platform != NULL)
		memcpy(img + (s->platform - sp), in->platform, platform_len);
	memcpy(img + (s->random - sp), in->random, sizeof(in->random));
	memcpy(img + (s->auxv - sp), s->saved_auxv, (size_t)s->nsaved * 8);
	return 0;
}

void
lx_stack_free(struct lx_stack *s)
{
	free(s->image);
	s->image = NULL;
}
