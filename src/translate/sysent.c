/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syscall table (rows in syscallent.h) and what reads it by number or
 * by name.  src/trace/list_syscalls.c writes it out for --list-syscalls.
 */
#include <string.h>

#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "lxrun/sysent.h"

/*
 * The vocabulary of syscallent.h.  A row is
 *	ROW(nr, name, An(kind...), ret, class, served, netbsd, freebsd, note)
 * and An() gives nargs and the kinds together, so the two cannot disagree.
 */
#define A0()			.nargs = 0, .arg = { 0 }
#define A1(a)			.nargs = 1, .arg = { LXA_##a }
#define A2(a, b)		.nargs = 2, .arg = { LXA_##a, LXA_##b }
#define A3(a, b, c)		.nargs = 3, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c }
#define A4(a, b, c, d)		.nargs = 4, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d }
#define A5(a, b, c, d, e)	.nargs = 5, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d, LXA_##e }
#define A6(a, b, c, d, e, f)	.nargs = 6, .arg = { LXA_##a, LXA_##b, \
				    LXA_##c, LXA_##d, LXA_##e, LXA_##f }

#define NATIVE		.status = LX_ST_NATIVE
#define MISSING		.status = LX_ST_MISSING, .answer = LX_ENOSYS
#define EMUL(fam, h)	.status = LX_ST_EMULATED, .family = LX_FAM_##fam, \
			.handler = lx_sys_##h
#define EMUL_ANSWER(fam, h, e) EMUL(fam, h), .answer = LX_##e

#define CO_impl		LX_CO_IMPLEMENTED
#define CO_stub		LX_CO_STUB
#define CO_unimpl	LX_CO_UNIMPLEMENTED
#define CO_obsol	LX_CO_OBSOLETE
#define CO_absent	LX_CO_ABSENT

#define TD	LX_TC_DESC
#define TF	LX_TC_FILE
#define TP	LX_TC_PROCESS
#define TN	LX_TC_NETWORK
#define TS	LX_TC_SIGNAL
#define TI	LX_TC_IPC
#define TM	LX_TC_MEMORY
#define TST	LX_TC_STAT
#define TLST	LX_TC_LSTAT
#define TFST	LX_TC_FSTAT
#define TSF	LX_TC_STATFS
#define TC	LX_TC_CREDS
#define TCL	LX_TC_CLOCK
#define PU	LX_TC_PURE

#define ROW(nr_, name_, args_, ret_, tc_, served_, nb_, fb_, note_) \
	[nr_] = { .name = #name_, .nr = nr_, args_, .ret = LXA_##ret_, \
	    .tclass = tc_, served_, .netbsd = CO_##nb_, .freebsd = CO_##fb_, \
	    .note = note_ },

static const struct lx_sysent lx_table[LX_NR_MAX] = {
#include "syscallent.h"
};

#undef ROW
#undef A0
#undef A1
#undef A2
#undef A3
#undef A4
#undef A5
#undef A6
#undef NATIVE
#undef MISSING
#undef EMUL
#undef EMUL_ANSWER
#undef TD
#undef TF
#undef TP
#undef TN
#undef TS
#undef TI
#undef TM
#undef TST
#undef TLST
#undef TFST
#undef TSF
#undef TC
#undef TCL
#undef PU

/*
 * Numbers outside the table (gaps, >= LX_NR_MAX, negative, x32 bit set)
 * share one row: nothing is known about the arguments, so all six are
 * printed in hex, and lxrun answers ENOSYS as Linux does.
 */
static const struct lx_sysent lx_unknown = {
	.name = "",
	.nr = -1,
	.nargs = LX_NARGS,
	.status = LX_ST_MISSING,
	.answer = LX_ENOSYS,
	.family = LX_FAM_NONE,
	.netbsd = LX_CO_ABSENT,
	.freebsd = LX_CO_ABSENT,
	.tclass = 0,
	.arg = { LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX, LXA_HEX },
	.ret = LXA_LONG,
	.handler = NULL,
	.note = "not a Linux x86-64 syscall number",
};

int
lx_sysent_known(long nr)
{
	return nr >= 0 && nr < LX_NR_MAX && lx_table[nr].name != NULL;
}

const struct lx_sysent *
lx_sysent(long nr)
{
	return lx_sysent_known(nr) ? &lx_table[nr] : &lx_unknown;
}

const struct lx_sysent *
lx_sysent_by_name(const char *name)
{
	long nr;

	if (name == NULL || *name == '\0')
		return NULL;
	for (nr = 0; nr < LX_NR_MAX; nr++)
		if (lx_table[nr].name != NULL &&
		    strcmp(lx_table[nr].name, name) == 0)
			return &lx_table[nr];
	return NULL;
}

const char *
lx_status_name(enum lx_status s)
{
	static const char *const names[] = {
		[LX_ST_NATIVE] = "native",
		[LX_ST_EMULATED] = "emulated",
		[LX_ST_PARTIAL] = "partial",
		[LX_ST_MISSING] = "missing",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}

enum lx_compat
lx_compat_for_program(const struct lx_sysent *e, int which)
{
	if (e == NULL)
		return LX_CO_ABSENT;
	if (e->nr == LX_NR_restart_syscall)
		return LX_CO_IMPLEMENTED;
	return (enum lx_compat)(which == 0 ? e->netbsd : e->freebsd);
}

const char *
lx_compat_name(enum lx_compat c)
{
	static const char *const names[] = {
		[LX_CO_IMPLEMENTED] = "implemented",
		[LX_CO_STUB] = "stub",
		[LX_CO_UNIMPLEMENTED] = "unimplemented",
		[LX_CO_OBSOLETE] = "obsolete",
		[LX_CO_ABSENT] = "absent",
	};

	if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[c];
}

/* strace's class names; "%%stat" and "%%statfs" are its unions. */
static const struct {
	const char *name;
	unsigned tclass;
} lx_tclass_names[] = {
	{ "file", LX_TC_FILE },
	{ "desc", LX_TC_DESC },
	{ "process", LX_TC_PROCESS },
	{ "network", LX_TC_NETWORK },
	{ "net", LX_TC_NETWORK },
	{ "signal", LX_TC_SIGNAL },
	{ "ipc", LX_TC_IPC },
	{ "memory", LX_TC_MEMORY },
	{ "stat", LX_TC_STAT },
	{ "lstat", LX_TC_LSTAT },
	{ "fstat", LX_TC_FSTAT },
	{ "%stat", LX_TC_STAT | LX_TC_LSTAT | LX_TC_FSTAT },
	{ "statfs", LX_TC_STATFS },
	{ "%statfs", LX_TC_STATFS },
	{ "creds", LX_TC_CREDS },
	{ "clock", LX_TC_CLOCK },
	{ "pure", LX_TC_PURE },
};

unsigned
lx_tclass_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	if (*name == '%')
		name++;
	for (i = 0; i < sizeof(lx_tclass_names) / sizeof(lx_tclass_names[0]);
	    i++)
		if (strcmp(lx_tclass_names[i].name, name) == 0)
			return lx_tclass_names[i].tclass;
	return 0;
}
