/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * capstone on demand.  Only lxrun scan and a crash report disassemble,
 * but a linked libcapstone costs every run its load-time relocations
 * (77,375 of the 79,017 lxrun's start-up made, about 5 ms of a start:
 * docs/perf-stop.md), so it is opened with dlopen when first needed,
 * under the soname of the version lxrun was built against.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lxrun/disasm.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static struct lx_capstone cs;
static int loaded;		/* 0 not tried, 1 loaded, -1 failed */
static char why[256];

static bool
resolve(void *lib, void **fn, const char *name)
{
	*fn = dlsym(lib, name);
	if (*fn == NULL)
		snprintf(why, sizeof(why), "capstone has no %s", name);
	return *fn != NULL;
}

static int
load(void)
{
	/* the soname this build's header belongs to, then any */
	static const char *const names[] = {
		"libcapstone.so." STR(CS_API_MAJOR), "libcapstone.so",
	};
	void *lib = NULL;

	for (size_t i = 0; lib == NULL && i < sizeof(names) / sizeof(names[0]);
	    i++) {
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		/* say why the soname built against failed, not the fallback */
		if (lib == NULL && i == 0)
			snprintf(why, sizeof(why), "cannot load capstone: %s",
			    dlerror());
	}
	if (lib == NULL)
		return -1;
	if (!resolve(lib, (void **)&cs.open, "cs_open") ||
	    !resolve(lib, (void **)&cs.option, "cs_option") ||
	    !resolve(lib, (void **)&cs.close, "cs_close") ||
	    !resolve(lib, (void **)&cs.insn_alloc, "cs_malloc") ||
	    !resolve(lib, (void **)&cs.insn_free, "cs_free") ||
	    !resolve(lib, (void **)&cs.disasm_iter, "cs_disasm_iter") ||
	    !resolve(lib, (void **)&cs.insn_group, "cs_insn_group") ||
	    !resolve(lib, (void **)&cs.regs_access, "cs_regs_access")) {
		dlclose(lib);
		return -1;
	}
	return 1;
}

const struct lx_capstone *
lx_capstone(void)
{
	if (loaded == 0)
		loaded = load();
	return loaded > 0 ? &cs : NULL;
}

const char *
lx_capstone_error(void)
{
	return why;
}
