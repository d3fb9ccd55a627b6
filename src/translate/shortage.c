/* SPDX-License-Identifier: BSD-2-Clause */
/* lxrun's own resources that ran out: recorded, then said once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "lxrun/shortage.h"

static unsigned pending, said;

void
lx_shortage(enum lx_shortage what)
{
	if ((unsigned)what < LX_SHORT_N)
		pending |= 1u << what;
}

int
lx_shortage_fd_errno(int err)
{
	if (err == EMFILE || err == ENFILE)
		lx_shortage(LX_SHORT_FDS);
	return err;
}

/* The value of a sysctl under /proc/sys, as text ("?" if unreadable). */
static void
sysctl_value(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	snprintf(buf, len, "?");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) == NULL)
		snprintf(buf, len, "?");
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

const char *
lx_shortage_take(void)
{
	static char msg[320];
	static const struct {
		const char *sysctl, *path, *what;
	} limits[LX_SHORT_N] = {
		[LX_SHORT_INOTIFY_INSTANCES] = { "fs.inotify.max_user_instances",
		    "/proc/sys/fs/inotify/max_user_instances",
		    "the host's inotify instances for this user are used up" },
		[LX_SHORT_INOTIFY_WATCHES] = { "fs.inotify.max_user_watches",
		    "/proc/sys/fs/inotify/max_user_watches",
		    "the host's inotify watches for this user are used up" },
		[LX_SHORT_EPOLL_WATCHES] = { "fs.epoll.max_user_watches",
		    "/proc/sys/fs/epoll/max_user_watches",
		    "the host's epoll registrations for this user are used up" },
	};
	unsigned todo = pending & ~said;
	char val[64];
	int k;

	if (todo == 0)
		return NULL;
	for (k = 0; !(todo & (1u << k)); k++)
		;
	said |= 1u << k;
	if (k == LX_SHORT_FDS) {
		struct rlimit r;

		getrlimit(RLIMIT_NOFILE, &r);
		snprintf(msg, sizeof(msg), "lxrun ran out of file descriptors "
		    "of its own (its RLIMIT_NOFILE is %llu, the hard limit it "
		    "was started with), so a call it serves failed: raise the "
		    "hard limit (ulimit -Hn, LimitNOFILE=)",
		    (unsigned long long)r.rlim_cur);
	} else {
		sysctl_value(limits[k].path, val, sizeof(val));
		snprintf(msg, sizeof(msg), "%s (%s = %s), so a call lxrun "
		    "serves failed: raise it with sysctl %s=N",
		    limits[k].what, limits[k].sysctl, val, limits[k].sysctl);
	}
	return msg;
}
