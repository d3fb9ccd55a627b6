/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inotify lines of /proc/PID/fdinfo/N of an inotify fd, as Linux's
 * fs/notify/fdinfo.c writes them after the four every file has
 * (src/translate/object_fdinfo.c puts the text in the guest's place):
 *
 *	inotify wd:2 ino:2dd sdev:fe00000 mask:fff ignored_mask:0 ...
 *
 * one line per watch, the newest first, with the mask as the kernel
 * keeps it (the events, IN_EXCL_UNLINK, IN_ONESHOT), the device in the
 * kernel's encoding and the file handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "inotify/traced.h"

static int
by_serial_desc(const void *a, const void *b)
{
	const struct ino_watch *x = *(struct ino_watch *const *)a;
	const struct ino_watch *y = *(struct ino_watch *const *)b;

	return x->serial < y->serial ? 1 : x->serial > y->serial ? -1 : 0;
}

size_t
ino_fdinfo(struct lx_object *o, char *t, size_t cap)
{
	struct ino_inst *inst = (struct ino_inst *)(void *)o;
	struct ino_watch *w, **v;
	size_t n = 0, k = 0;

	/* Watches an event already ended (IN_IGNORED) are gone by now. */
	ino_sync();
	for (w = inst->watches; w != NULL; w = w->next)
		k++;
	if (k == 0 || (v = malloc(k * sizeof(*v))) == NULL)
		return 0;
	k = 0;
	for (w = inst->watches; w != NULL; w = w->next)
		v[k++] = w;
	qsort(v, k, sizeof(*v), by_serial_desc);
	for (size_t i = 0; i < k && cap > 512 && n < cap - 512; i++) {
		w = v[i];
		n += (size_t)snprintf(t + n, cap - n, "inotify wd:%x ino:%lx "
		    "sdev:%x mask:%x ignored_mask:0 ", (unsigned)w->wd,
		    (unsigned long)w->ino,
		    (unsigned)(major(w->dev) << 20 | minor(w->dev)),
		    w->mask & (LX_IN_ALL_EVENTS | LX_IN_EXCL_UNLINK |
		    LX_IN_ONESHOT));
		if (w->fh_len >= 0) {
			n += (size_t)snprintf(t + n, cap - n, "fhandle-bytes:%x "
			    "fhandle-type:%x f_handle:", (unsigned)w->fh_len,
			    (unsigned)w->fh_type);
			for (int j = 0; j < w->fh_len; j++)
				n += (size_t)snprintf(t + n, cap - n, "%02x",
				    w->fh[j]);
		}
		t[n++] = '\n';
	}
	free(v);
	return n;
}
