/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * readlink of a memfd's /proc link.  On Linux, /proc/PID/fd/N of a memfd
 * (and /proc/PID/exe of a program run from one) reads "/memfd:NAME
 * (deleted)"; our object is a nameless shm file, whose link reads
 * "/dev/shm/#INO (deleted)".  readlink and
 * readlinkat are trapped (they are rare); while no memfd exists the hook
 * lets them run at once, and otherwise it reads the link itself (an
 * injected readlinkat with the guest's own dirfd and path) only for
 * paths that may be a /proc fd link, and answers with Linux's string
 * when the target is one of ours.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/object.h"
#include "memfd_int.h"

#define LINK_MAX	512

/* "/dev/shm/#INO[ (deleted)]" (an O_TMPFILE file) -> our object, if any. */
static struct memfd_obj *
object_of_target(const char *t, bool *deleted)
{
	static const char prefix[] = MEMFD_SHM_DIR "/#";
	static const char suffix[] = " (deleted)";
	size_t tl = strlen(t);
	unsigned long long ino;
	char *end;

	if (strncmp(t, prefix, sizeof(prefix) - 1) != 0 ||
	    !isdigit((unsigned char)t[sizeof(prefix) - 1]))
		return NULL;
	ino = strtoull(t + sizeof(prefix) - 1, &end, 10);
	*deleted = tl >= sizeof(suffix) - 1 &&
	    strcmp(t + tl - (sizeof(suffix) - 1), suffix) == 0;
	if (end != t + tl - (*deleted ? sizeof(suffix) - 1 : 0))
		return NULL;
	return memfd_find_ino(ino);
}

static struct lx_action
memfd_readlink(struct lx_call *c, struct lx_guest *g)
{
	char target[LINK_MAX], out[300];
	struct memfd_obj *o;
	bool deleted;

	if (memfd_count == 0)
		return lx_native();
	if (lx_fdlink_target(c, g, target, sizeof(target)) < 0 ||
	    (o = object_of_target(target, &deleted)) == NULL)
		return lx_native();
	snprintf(out, sizeof(out), "/memfd:%s%s", o->name,
	    deleted ? " (deleted)" : "");
	return lx_fdlink_answer(c, g, out);
}

void
memfd_readlink_init(void)
{
	lx_trap_nr_add(LX_NR_readlink, LX_FAM_MEMFD);
	lx_trap_nr_add(LX_NR_readlinkat, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_readlink, LX_FAM_MEMFD, memfd_readlink);
	lx_hook_add(LX_NR_readlinkat, LX_FAM_MEMFD, memfd_readlink);
}
