/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The loader's initial stack and auxv (src/elf/elf_stack.c): written into
 * a fake guest's stack and read back the way a C runtime reads it, and
 * checked byte for byte against the stack this Linux kernel built for
 * this very test program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include <cmocka.h>

#include "elf/elf.h"
#include "fake_guest.h"
#include "lxrun/linux_abi.h"

static int main_argc;
static char **main_argv, **main_envp;

#define STACK_LEN	(256 * 1024)
static unsigned char guest_stack[STACK_LEN] __attribute__((aligned(4096)));

static const uint64_t template[][2] = {
	{ LX_AT_SYSINFO_EHDR, 0x7fff12340000 },
	{ LX_AT_MINSIGSTKSZ, 3376 },
	{ LX_AT_HWCAP, 0x178bfbff },
	{ LX_AT_PAGESZ, 4096 },
	{ LX_AT_CLKTCK, 100 },
	{ LX_AT_PHDR, 0x10040 },	/* the stub's: all replaced */
	{ LX_AT_PHENT, 56 },
	{ LX_AT_PHNUM, 2 },
	{ LX_AT_BASE, 0 },
	{ LX_AT_FLAGS, 0 },
	{ LX_AT_ENTRY, 0x100b0 },
	{ LX_AT_UID, 1000 },
	{ LX_AT_EUID, 1000 },
	{ LX_AT_GID, 100 },
	{ LX_AT_EGID, 100 },
	{ LX_AT_SECURE, 0 },
	{ LX_AT_RANDOM, 0x7ffdeadbeef0 },
	{ LX_AT_HWCAP2, 2 },
	{ LX_AT_EXECFN, 0x7ffdeadbefe0 },
	{ LX_AT_PLATFORM, 0x7ffdeadbeee0 },
	{ 27, 28 },			/* AT_RSEQ_*: kept as they are */
	{ 28, 32 },
};
#define NTEMPLATE ((int)(sizeof(template) / sizeof(template[0])))

static const char *const args[] = { "prog", "-x", "", "last arg" };
static const char *const envs[] = { "A=1", "PATH=/bin:/usr/bin", "E=" };

static void
stack_in(struct lx_stack_in *in, uint64_t top)
{
	memset(in, 0, sizeof(*in));
	in->top = top;
	in->argc = 4;
	in->argv = args;
	in->envc = 3;
	in->envp = envs;
	in->execfn = "/usr/bin/prog";
	in->platform = "x86_64";
	for (int i = 0; i < 16; i++)
		in->random[i] = (unsigned char)(0xa0 + i);
	in->auxv = template;
	in->nauxv = NTEMPLATE;
	in->at_phdr = 0x555555554040;
	in->at_phnum = 13;
	in->at_base = 0x7ffff7fc3000;
	in->at_entry = 0x5555555560b0;
}

/* auxv value of type in the auxv at p (as getauxval), 0 if absent. */
static uint64_t
auxval(const uint64_t *p, uint64_t type, bool *present)
{
	*present = false;
	for (; p[0] != LX_AT_NULL; p += 2)
		if (p[0] == type) {
			*present = true;
			return p[1];
		}
	return 0;
}

/* Build into the fake guest and read it back as _start would. */
static void
test_layout(void **state)
{
	struct fake_guest fg;
	struct lx_stack_in in;
	struct lx_stack s;
	uint64_t top = FG_ADDR(guest_stack + STACK_LEN);
	uint64_t *sp, *auxv;
	char **argv, **envp;
	bool present;
	int i;

	fg_init(&fg);
	fg_map(&fg, guest_stack, STACK_LEN);
	memset(guest_stack, 0x55, STACK_LEN);
	stack_in(&in, top);
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &s), 0);
	assert_int_equal(s.sp + s.len, top);
	assert_int_equal(s.sp % 16, 0);
	assert_int_equal(lx_guest_write(&fg.g, s.sp, s.image, s.len), 0);

	sp = (uint64_t *)(uintptr_t)s.sp;
	assert_int_equal(sp[0], 4);
	argv = (char **)(sp + 1);
	for (i = 0; i < 4; i++)
		assert_string_equal(argv[i], args[i]);
	assert_null(argv[4]);
	envp = argv + 5;
	for (i = 0; i < 3; i++)
		assert_string_equal(envp[i], envs[i]);
	assert_null(envp[3]);
	auxv = (uint64_t *)(envp + 4);
	assert_int_equal(FG_ADDR(auxv), s.auxv);

	/* the strings: argv's, then envp's, then the file name, 8 zeros */
	assert_int_equal(FG_ADDR(argv[0]), s.arg_start);
	assert_int_equal(FG_ADDR(envp[0]), s.arg_end);
	assert_int_equal(s.arg_end, s.env_start);
	assert_int_equal(FG_ADDR(envp[2]) + 3, s.env_end);
	assert_int_equal(s.env_end, s.execfn);
	assert_string_equal((char *)(uintptr_t)s.execfn, "/usr/bin/prog");
	assert_int_equal(s.execfn + strlen("/usr/bin/prog") + 1 + 8, top);
	assert_int_equal(*(uint64_t *)(uintptr_t)(top - 8), 0);

	/* the loader's entries, the kernel's order, no vDSO */
	assert_int_equal(auxval(auxv, LX_AT_PHDR, &present), 0x555555554040);
	assert_int_equal(auxval(auxv, LX_AT_PHENT, &present), 56);
	assert_int_equal(auxval(auxv, LX_AT_PHNUM, &present), 13);
	assert_int_equal(auxval(auxv, LX_AT_BASE, &present), 0x7ffff7fc3000);
	assert_int_equal(auxval(auxv, LX_AT_ENTRY, &present), 0x5555555560b0);
	assert_int_equal(auxval(auxv, LX_AT_EXECFN, &present), s.execfn);
	assert_int_equal(auxval(auxv, LX_AT_UID, &present), 1000);
	assert_int_equal(auxval(auxv, 28, &present), 32);
	auxval(auxv, LX_AT_SYSINFO_EHDR, &present);
	assert_false(present);
	assert_int_equal(auxv[0], LX_AT_MINSIGSTKSZ);
	for (i = 1; i < NTEMPLATE; i++)
		assert_int_equal(auxv[2 * (i - 1)], template[i][0]);
	assert_int_equal(auxv[2 * (NTEMPLATE - 1)], LX_AT_NULL);
	assert_int_equal(s.nsaved, 2 * NTEMPLATE);
	assert_memory_equal(s.saved_auxv, auxv, (size_t)s.nsaved * 8);
	assert_string_equal((char *)(uintptr_t)auxval(auxv, LX_AT_PLATFORM,
	    &present), "x86_64");
	assert_memory_equal((void *)(uintptr_t)auxval(auxv, LX_AT_RANDOM,
	    &present), in.random, 16);
	/* the platform string, then the random bytes, below the strings */
	assert_true(s.platform + 7 <= s.arg_start);
	assert_int_equal(s.random + 16, s.platform);
	assert_true(FG_ADDR(auxv + 2 * NTEMPLATE) <= s.random);
	lx_stack_free(&s);
}

/* arch_align_stack()'s shift moves everything below the strings. */
static void
test_align_shift(void **state)
{
	struct lx_stack_in in;
	struct lx_stack a, b;
	uint64_t top = FG_ADDR(guest_stack + STACK_LEN);

	stack_in(&in, top);
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &a), 0);
	in.align_rnd = 4099;
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &b), 0);
	assert_int_equal(a.arg_start, b.arg_start);
	assert_int_equal(a.execfn, b.execfn);
	assert_int_equal(b.platform, ((a.arg_start - 4099) & ~15ULL) - 7);
	assert_true(b.sp < a.sp && a.sp - b.sp >= 4096 && a.sp - b.sp <= 4112);
	assert_int_equal(b.sp % 16, 0);
	lx_stack_free(&a);
	lx_stack_free(&b);
}

static void
test_keep_vdso_and_limits(void **state)
{
	struct lx_stack_in in;
	struct lx_stack s;
	uint64_t top = FG_ADDR(guest_stack + STACK_LEN);
	bool present;

	stack_in(&in, top);
	in.keep_vdso = true;
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &s), 0);
	assert_int_equal(auxval(s.saved_auxv, LX_AT_SYSINFO_EHDR, &present),
	    0x7fff12340000);
	assert_true(present);
	assert_int_equal(s.nsaved, 2 * NTEMPLATE + 2);
	lx_stack_free(&s);
	/* no platform: no AT_PLATFORM entry, no string */
	in.platform = NULL;
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &s), 0);
	auxval(s.saved_auxv, LX_AT_PLATFORM, &present);
	assert_false(present);
	assert_int_equal(s.random + 16 <= s.arg_start, 1);
	lx_stack_free(&s);
	/* too big for the mapping */
	assert_int_equal(lx_stack_build(&in, 512, &s), -LX_E2BIG);
}

/* A template without the loader's entries still gets them, at the end. */
static void
test_sparse_template(void **state)
{
	static const uint64_t tiny[][2] = { { LX_AT_PAGESZ, 4096 } };
	struct lx_stack_in in;
	struct lx_stack s;
	bool present;

	stack_in(&in, FG_ADDR(guest_stack + STACK_LEN));
	in.auxv = tiny;
	in.nauxv = 1;
	assert_int_equal(lx_stack_build(&in, STACK_LEN, &s), 0);
	assert_int_equal(s.saved_auxv[0], LX_AT_PAGESZ);
	assert_int_equal(auxval(s.saved_auxv, LX_AT_ENTRY, &present),
	    0x5555555560b0);
	assert_true(present);
	assert_int_equal(auxval(s.saved_auxv, LX_AT_EXECFN, &present),
	    s.execfn);
	lx_stack_free(&s);
}

/* start_stack and the stack mapping's end, from /proc/self. */
static void
own_stack(uint64_t *start, uint64_t *top)
{
	char line[1024], *p;
	FILE *f = fopen("/proc/self/stat", "re");
	unsigned long long v = 0;
	int field;

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	p = strrchr(line, ')') + 2;
	for (field = 3; field < 28; field++)
		p = strchr(p, ' ') + 1;
	sscanf(p, "%llu", &v);
	*start = v;
	f = fopen("/proc/self/maps", "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long lo, hi;

		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 &&
		    lo <= *start && *start < hi)
			*top = hi;
	}
	fclose(f);
}

/*
 * The oracle: this process's own initial stack, as the kernel's exec
 * laid it out, rebuilt from the same inputs must be the same bytes at the
 * same addresses (the vDSO kept, as the kernel gave it).
 */
static void
test_same_as_kernel(void **state)
{
	struct lx_stack_in in;
	struct lx_stack s;
	uint64_t start = 0, top = 0, auxv[LX_AUXV_MAX][2];
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	int n = 0;
	FILE *f;

	own_stack(&start, &top);
	assert_true(start != 0 && top > start);
	f = fopen("/proc/self/auxv", "re");
	assert_non_null(f);
	while (n < LX_AUXV_MAX && fread(auxv[n], 16, 1, f) == 1 &&
	    auxv[n][0] != LX_AT_NULL)
		n++;
	fclose(f);

	memset(&in, 0, sizeof(in));
	in.top = top;
	in.argc = main_argc;
	in.argv = (const char *const *)main_argv;
	for (in.envc = 0; main_envp[in.envc] != NULL; in.envc++)
		;
	in.envp = (const char *const *)main_envp;
	in.execfn = (const char *)getauxval(AT_EXECFN);
	in.platform = platform;
	memcpy(in.random, (void *)getauxval(AT_RANDOM), 16);
	/* the kernel's random shift, recovered from where "x86_64" went */
	in.align_rnd = (uint64_t)(uintptr_t)main_argv[0] -
	    ((uint64_t)(uintptr_t)platform + strlen(platform) + 1);
	in.auxv = (const uint64_t (*)[2])auxv;
	in.nauxv = n;
	in.keep_vdso = true;
	in.at_phdr = getauxval(AT_PHDR);
	in.at_phnum = getauxval(AT_PHNUM);
	in.at_base = getauxval(AT_BASE);
	in.at_entry = getauxval(AT_ENTRY);
	assert_int_equal(lx_stack_build(&in, top - start + 65536, &s), 0);
	assert_int_equal(s.sp, start);
	assert_int_equal(s.random, getauxval(AT_RANDOM));
	assert_int_equal(s.execfn, getauxval(AT_EXECFN));
	assert_int_equal(s.platform, getauxval(AT_PLATFORM));
	assert_int_equal(s.arg_start, (uint64_t)(uintptr_t)main_argv[0]);
	assert_memory_equal(s.image, (void *)(uintptr_t)start, s.len);
	lx_stack_free(&s);
}

int
main(int argc, char **argv, char **envp)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_align_shift),
		cmocka_unit_test(test_keep_vdso_and_limits),
		cmocka_unit_test(test_sparse_template),
		cmocka_unit_test(test_same_as_kernel),
	};

	main_argc = argc;
	main_argv = argv;
	main_envp = envp;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
