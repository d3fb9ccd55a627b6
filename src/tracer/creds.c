/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A permission check with a guest thread's own rights, made by the
 * supervisor on a file it holds (docs/security.md).
 *
 * inotify_add_watch must watch exactly the file whose read permission
 * the guest has, and the supervisor holds that file as an fd it took from
 * the guest.  Asking the guest to check its own fd number and then taking
 * the fd leaves a window in which another thread can put a different file
 * at that number; so the check is made on the supervisor's fd itself,
 * with the thread's credentials put on for the one call: fs ids,
 * supplementary groups and effective capabilities (what inode_permission
 * reads), then put back.  That is exact only when the thread is in the
 * supervisor's user namespace (capabilities count relative to it) and
 * under the same LSM label; otherwise the caller is told to fall back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

#define MAX_GROUPS 256

struct creds {
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t groups[MAX_GROUPS];
	uint64_t cap_eff;
};

/* The fields of /proc/TID/status a permission check depends on. */
static int
creds_read(pid_t tid, struct creds *c)
{
	char path[64], line[4096];
	unsigned seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long a, b, d, e;

		if (sscanf(line, "Uid: %lu %lu %lu %lu", &a, &b, &d, &e) == 4) {
			c->fsuid = (uid_t)e;
			seen |= 1;
		} else if (sscanf(line, "Gid: %lu %lu %lu %lu", &a, &b, &d,
		    &e) == 4) {
			c->fsgid = (gid_t)e;
			seen |= 2;
		} else if (strncmp(line, "Groups:", 7) == 0) {
			char *p = line + 7, *end;

			for (;;) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				if (c->ngroups == MAX_GROUPS) {
					fclose(f);
					return -1;
				}
				c->groups[c->ngroups++] = (gid_t)g;
				p = end;
			}
			seen |= 4;
		} else if (sscanf(line, "CapEff: %lx", &a) == 1) {
			c->cap_eff = a;
			seen |= 8;
		}
	}
	fclose(f);
	return seen == 15 ? 0 : -1;
}

/* The LSM label of a thread ("" when there is no LSM or it hides it). */
static void
lsm_label(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/*
 * Can the supervisor check with tid's rights and get tid's answer?
 * lxrun's own user namespace and label are read once: it never changes
 * them.
 */
bool
creds_same_checker(pid_t tid)
{
	static struct stat my_ns;
	static char mine[256];
	static bool have_mine;
	char path[64], theirs[256];
	struct stat ns;

	if (!have_mine) {
		if (stat("/proc/self/ns/user", &my_ns) < 0)
			return false;
		lsm_label("/proc/self/attr/current", mine, sizeof(mine));
		have_mine = true;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)tid);
	if (stat(path, &ns) < 0 || ns.st_dev != my_ns.st_dev ||
	    ns.st_ino != my_ns.st_ino)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)tid);
	lsm_label(path, theirs, sizeof(theirs));
	return strcmp(mine, theirs) == 0;
}

static int
caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

/* lxrun's real, effective, saved and fs ids are one uid and one gid. */
static bool
own_ids_uniform(void)
{
	static int uniform = -1;
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (uniform < 0)
		uniform = getresuid(&r, &e, &s) == 0 &&
		    getresgid(&gr, &ge, &gs) == 0 && r == e && e == s &&
		    gr == ge && ge == gs && (uid_t)setfsuid((uid_t)-1) == e &&
		    (gid_t)setfsgid((gid_t)-1) == ge;
	return uniform == 1;
}

bool
creds_have_cap(int cap)
{
	struct __user_cap_data_struct d[2];

	return cap >= 0 && cap < 64 && caps_get(d) == 0 &&
	    (d[cap / 32].effective >> (cap % 32) & 1) != 0;
}

bool
creds_kept_by_exec(pid_t tid)
{
	static char label[256];
	static bool have_label;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct mine[2], theirs[2];

	if (!have_label) {
		lsm_label("/proc/self/attr/current", label, sizeof(label));
		have_label = true;
	}
	/* an LSM may move a process to another label at exec */
	if (label[0] != '\0' || !own_ids_uniform() || caps_get(mine) < 0)
		return false;
	h.pid = tid;
	if (syscall(SYS_capget, &h, theirs) < 0)
		return false;
	return mine[0].effective == theirs[0].effective &&
	    mine[1].effective == theirs[1].effective;
}

static int
caps_set_effective(const struct __user_cap_data_struct orig[2], uint64_t eff)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memcpy(d, orig, sizeof(d));
	d[0].effective = (uint32_t)eff & orig[0].permitted;
	d[1].effective = (uint32_t)(eff >> 32) & orig[1].permitted;
	return (int)syscall(SYS_capset, &h, d);
}

/* The raw calls change this thread only, which is what we want. */
static int
put_on(const struct creds *c)
{
	if (syscall(SYS_setgroups, (size_t)c->ngroups, c->groups) < 0)
		return -1;
	setfsgid(c->fsgid);
	setfsuid(c->fsuid);
	if ((gid_t)setfsgid((gid_t)-1) != c->fsgid ||
	    (uid_t)setfsuid((uid_t)-1) != c->fsuid)
		return -1;
	return 0;
}

static bool
same_creds(const struct creds *a, const struct creds *b)
{
	return a->fsuid == b->fsuid && a->fsgid == b->fsgid &&
	    a->cap_eff == b->cap_eff && a->ngroups == b->ngroups &&
	    memcmp(a->groups, b->groups, sizeof(gid_t) * (size_t)a->ngroups)
	    == 0;
}

static int
access_as_is(int fd, int mode)
{
	return syscall(SYS_faccessat2, fd, "", mode,
	    AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno : 0;
}

int
creds_access_fd(struct task *t, int fd, int mode)
{
	struct __user_cap_data_struct caps[2];
	struct creds theirs, mine;
	int r;

	if (!creds_same_checker(t->tid) || creds_read(t->tid, &theirs) < 0 ||
	    creds_read(getpid(), &mine) < 0)
		return -LX_EAGAIN;
	if (same_creds(&theirs, &mine))
		return access_as_is(fd, mode);
	/* Without CAP_SETUID/CAP_SETGID lxrun cannot take other rights. */
	if (caps_get(caps) < 0 ||
	    syscall(SYS_setgroups, (size_t)mine.ngroups, mine.groups) < 0)
		return -LX_EAGAIN;
	if (put_on(&theirs) < 0 || caps_set_effective(caps, theirs.cap_eff) < 0)
		r = -LX_EAGAIN;
	else
		r = access_as_is(fd, mode);
	/*
	 * Back to our own rights (capabilities first: setgroups and setfsuid
	 * need them), or lxrun cannot go on safely.
	 */
	if (caps_set_effective(caps, (uint64_t)caps[0].effective |
	    (uint64_t)caps[1].effective << 32) < 0 || put_on(&mine) < 0)
		lx_die("cannot restore lxrun's own credentials: %s",
		    strerror(errno));
	return r;
}
