/* SPDX-License-Identifier: BSD-2-Clause */
/* Emulation family names, as --emulate and the trace spell them. */
#include <string.h>

#include "lxrun/lxrun.h"

static const char *const lx_family_names[LX_FAM_COUNT] = {
	[LX_FAM_NONE] = "none",
	[LX_FAM_EPOLL] = "epoll",
	[LX_FAM_INOTIFY] = "inotify",
	[LX_FAM_MEMFD] = "memfd",
	[LX_FAM_GETRANDOM] = "getrandom",
	[LX_FAM_WAITID] = "waitid",
	[LX_FAM_STAT] = "stat",
	[LX_FAM_CLOSE_RANGE] = "close_range",
	[LX_FAM_READAHEAD] = "readahead",
	[LX_FAM_IOPRIO] = "ioprio",
	[LX_FAM_RSEQ] = "rseq",
	[LX_FAM_EINTR] = "eintr",
};

const char *
lx_family_name(enum lx_family f)
{
	if ((unsigned)f >= LX_FAM_COUNT)
		return "?";
	return lx_family_names[f];
}

/*
 * Only real families have a name to look up: "none" and "all" are
 * --emulate keywords, not families, and give -1 here.
 */
int
lx_family_by_name(const char *name)
{
	int f;

	if (name == NULL)
		return -1;
	for (f = LX_FAM_NONE + 1; f < LX_FAM_COUNT; f++)
		if (strcmp(lx_family_names[f], name) == 0)
			return f;
	return -1;
}
