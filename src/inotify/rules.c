/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The family's seccomp rules, per traced process (DESIGN.md decision 1).
 *
 * Nothing of a program stops for inotify until it makes an instance.
 * Then, in that process and the processes it makes later:
 *  - every open-type call stops (INO_RULES_OPEN): the creating open's
 *    events, IN_OPEN, and /proc/PID/fdinfo of an inotify fd;
 *  - once a watch exists, every call that changes a name or an attribute
 *    by path or fd stops (INO_RULES_NS): unlink, rename, mkdir, link,
 *    chmod, utimensat, setxattr, truncate, umount2, execve, fchmod...;
 *  - the inotify fd's number gets the calls a socket would answer unlike
 *    inotify (fdcalls.c);
 *  - the number of an fd that holds a watched file, or a file in a
 *    watched directory whose mask asks about its children's reads,
 *    writes or attributes, gets those calls (traced.c): they stop at
 *    their entry, where the notes of everything before them are taken,
 *    so that each call's note is a batch of its own.
 * Filters only add: the hooks let calls through cheaply when no watch
 * exists or the number holds another file now.  Processes that already
 * ran when a rule became needed get it at their next stop, whatever the
 * call (on_stop; a program's start stops for rseq); until then their
 * calls are seen the way an untraced process's are, through the host's
 * notes.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TRAPS_PER_FILTER 16

static const struct lx_fd_trap open_traps[] = {
	{ LX_NR_open, -1 }, { LX_NR_openat, -1 }, { LX_NR_openat2, -1 },
	{ LX_NR_creat, -1 },
};

static const struct lx_fd_trap ns_traps[] = {
	{ LX_NR_unlink, -1 }, { LX_NR_unlinkat, -1 }, { LX_NR_rmdir, -1 },
	{ LX_NR_rename, -1 }, { LX_NR_renameat, -1 },
	{ LX_NR_renameat2, -1 }, { LX_NR_mkdir, -1 }, { LX_NR_mkdirat, -1 },
	{ LX_NR_mknod, -1 }, { LX_NR_mknodat, -1 }, { LX_NR_symlink, -1 },
	{ LX_NR_symlinkat, -1 }, { LX_NR_link, -1 }, { LX_NR_linkat, -1 },
	{ LX_NR_umount2, -1 }, { LX_NR_execve, -1 },
	{ LX_NR_execveat, -1 }, { LX_NR_chmod, -1 }, { LX_NR_fchmodat, -1 },
	{ LX_NR_fchmodat2, -1 }, { LX_NR_chown, -1 }, { LX_NR_lchown, -1 },
	{ LX_NR_fchownat, -1 }, { LX_NR_utime, -1 }, { LX_NR_utimes, -1 },
	{ LX_NR_futimesat, -1 }, { LX_NR_utimensat, -1 },
	{ LX_NR_truncate, -1 }, { LX_NR_setxattr, -1 },
	{ LX_NR_lsetxattr, -1 }, { LX_NR_removexattr, -1 },
	{ LX_NR_lremovexattr, -1 }, { LX_NR_fchmod, -1 },
	{ LX_NR_fchown, -1 }, { LX_NR_fsetxattr, -1 },
	{ LX_NR_fremovexattr, -1 },
};

/* On an inotify fd: what its stand-in socket would answer otherwise. */
static const struct lx_fd_trap ino_traps[] = {
	{ LX_NR_read, 0 }, { LX_NR_readv, 0 }, { LX_NR_ioctl, 0 },
	{ LX_NR_write, 0 }, { LX_NR_writev, 0 }, { LX_NR_dup, 0 },
	{ LX_NR_dup2, 0 }, { LX_NR_dup3, 0 }, { LX_NR_fcntl, 0 },
	{ LX_NR_lseek, 0 }, { LX_NR_sendto, 0 }, { LX_NR_recvfrom, 0 },
	{ LX_NR_sendmsg, 0 }, { LX_NR_recvmsg, 0 }, { LX_NR_sendmmsg, 0 },
	{ LX_NR_recvmmsg, 0 }, { LX_NR_accept, 0 }, { LX_NR_accept4, 0 },
	{ LX_NR_connect, 0 }, { LX_NR_bind, 0 }, { LX_NR_listen, 0 },
	{ LX_NR_shutdown, 0 }, { LX_NR_getsockname, 0 },
	{ LX_NR_getpeername, 0 }, { LX_NR_getsockopt, 0 },
	{ LX_NR_setsockopt, 0 }, { LX_NR_splice, 0 }, { LX_NR_splice, 2 },
	{ LX_NR_tee, 0 }, { LX_NR_tee, 1 }, { LX_NR_sendfile, 0 },
	{ LX_NR_sendfile, 1 }, { LX_NR_fchmod, 0 }, { LX_NR_fchown, 0 },
	{ LX_NR_fallocate, 0 },
};

/*
 * On an fd of a watched file, batch boundaries in two sets: the calls
 * that make IN_ACCESS stop only if a watch asks for IN_ACCESS, those that
 * make IN_MODIFY only if one asks for IN_MODIFY or IN_ATTRIB (a watcher
 * such as syncthing's lists and hashes its folders: its getdents and
 * reads need not stop), and only on an fd that can write.  The calls
 * that change attributes through an fd stop in every process once a
 * watch exists (ns_traps): a read-only fd can fchmod.  Copies of an fd
 * with rules get its rules.
 */
static const struct lx_fd_trap read_traps[] = {
	{ LX_NR_read, 0 }, { LX_NR_readv, 0 }, { LX_NR_pread64, 0 },
	{ LX_NR_preadv, 0 }, { LX_NR_preadv2, 0 }, { LX_NR_getdents, 0 },
	{ LX_NR_getdents64, 0 }, { LX_NR_sendfile, 1 }, { LX_NR_splice, 0 },
	{ LX_NR_copy_file_range, 0 },
};

static const struct lx_fd_trap change_traps[] = {
	{ LX_NR_write, 0 }, { LX_NR_writev, 0 }, { LX_NR_pwrite64, 0 },
	{ LX_NR_pwritev, 0 }, { LX_NR_pwritev2, 0 }, { LX_NR_ftruncate, 0 },
	{ LX_NR_fallocate, 0 }, { LX_NR_sendfile, 0 }, { LX_NR_splice, 2 },
	{ LX_NR_copy_file_range, 2 },
};

static const struct lx_fd_trap copy_traps[] = {
	{ LX_NR_dup, 0 }, { LX_NR_dup2, 0 }, { LX_NR_dup3, 0 },
	{ LX_NR_fcntl, 0 },
};

#define FD_INO		0x1
#define FD_COPIES	0x2
#define FD_READS	0x4	/* = INO_IO_READS << 2 */
#define FD_CHANGES	0x8	/* = INO_IO_CHANGES << 2 */
#define FD_IO_SHIFT	2

struct iproc {
	struct iproc *next;
	int pid;
	unsigned sets;		/* INO_RULES_* installed */
	unsigned scanned;	/* scan generation its fds were looked at */
	uint8_t *fds;		/* FD_* installed, by number */
	int nfds;
};

static struct iproc *procs;
static unsigned want;		/* INO_RULES_* every process must have */
static unsigned scan_gen;	/* bumped when fds may need rules */

static struct iproc *last;	/* the last one asked for */

static struct iproc *
iproc_of(int pid, bool make)
{
	struct iproc *p;

	if (last != NULL && last->pid == pid)
		return last;
	for (p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return last = p;
	if (!make || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	last = p;
	p->pid = pid;
	p->scanned = scan_gen;
	p->next = procs;
	procs = p;
	return p;
}

/* Install traps[0..n) in groups the filter builder takes. */
static int
install(struct lx_guest *g, const struct lx_fd_trap *traps, int n, int fd)
{
	for (int i = 0; i < n; i += TRAPS_PER_FILTER) {
		int k = n - i < TRAPS_PER_FILTER ? n - i : TRAPS_PER_FILTER;
		int r = lx_guest_trap_fd(g, traps + i, k, fd);

		if (r < 0)
			return r;
	}
	return 0;
}

static void
install_sets(struct lx_guest *g, struct iproc *p, unsigned sets)
{
	unsigned missing = sets & ~p->sets;

	if ((missing & INO_RULES_OPEN) &&
	    install(g, open_traps, NELEM(open_traps), -1) == 0)
		p->sets |= INO_RULES_OPEN;
	if ((missing & INO_RULES_NS) &&
	    install(g, ns_traps, NELEM(ns_traps), -1) == 0)
		p->sets |= INO_RULES_NS;
}

void
ino_rules_need(struct lx_guest *g, unsigned sets)
{
	struct iproc *p = iproc_of(g->pid, true);

	want |= sets;
	if (p != NULL)
		install_sets(g, p, want);
}

static bool
fd_has(const struct iproc *p, int fd, uint8_t what)
{
	return p != NULL && fd >= 0 && fd < p->nfds && (p->fds[fd] & what);
}

static void
fd_mark(struct iproc *p, int fd, uint8_t what)
{
	if (fd < 0)
		return;
	if (fd >= p->nfds) {
		int n = fd + 64;
		uint8_t *v = realloc(p->fds, (size_t)n);

		if (v == NULL)
			return;		/* a rule may be added twice: harmless */
		memset(v + p->nfds, 0, (size_t)(n - p->nfds));
		p->fds = v;
		p->nfds = n;
	}
	p->fds[fd] |= what;
}

int
ino_rules_inofd(struct lx_guest *g, int fd)
{
	struct iproc *p = iproc_of(g->pid, true);
	int r;

	if (fd_has(p, fd, FD_INO))
		return 0;
	if ((r = install(g, ino_traps, NELEM(ino_traps), fd)) < 0)
		return r;
	if (p != NULL)
		fd_mark(p, fd, FD_INO);
	return 0;
}

void
ino_rules_iofd(struct lx_guest *g, int fd, unsigned sets)
{
	struct iproc *p = iproc_of(g->pid, true);

	if (p == NULL || fd < 0 || sets == 0)
		return;
	if ((sets & INO_IO_READS) && !fd_has(p, fd, FD_READS) &&
	    install(g, read_traps, NELEM(read_traps), fd) == 0)
		fd_mark(p, fd, FD_READS);
	if ((sets & INO_IO_CHANGES) && !fd_has(p, fd, FD_CHANGES) &&
	    install(g, change_traps, NELEM(change_traps), fd) == 0)
		fd_mark(p, fd, FD_CHANGES);
	if (!fd_has(p, fd, FD_COPIES) &&
	    install(g, copy_traps, NELEM(copy_traps), fd) == 0)
		fd_mark(p, fd, FD_COPIES);
}

unsigned
ino_rules_iofd_sets(int pid, int fd)
{
	const struct iproc *p = iproc_of(pid, false);

	if (p == NULL || fd < 0 || fd >= p->nfds)
		return 0;
	return (p->fds[fd] & (FD_READS | FD_CHANGES)) >> FD_IO_SHIFT;
}

bool
ino_rules_has_iofd(int pid, int fd)
{
	return ino_rules_iofd_sets(pid, fd) != 0;
}

unsigned
ino_iofd_sets(uint64_t dev, uint64_t ino)
{
	uint32_t m = ino_masks_on(dev, ino);

	return ((m & LX_IN_ACCESS) ? INO_IO_READS : 0) |
	    ((m & (LX_IN_MODIFY | LX_IN_ATTRIB)) ? INO_IO_CHANGES : 0);
}

/*
 * The process's fds that hold a file some watch asks about: listed
 * first, their rules installed after (installing injects syscalls).
 */
void
ino_rules_scan_fds(struct lx_guest *g)
{
	char path[64];
	int fds[256], n = 0;
	unsigned sets[256], need;
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", g->tid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < NELEM(fds)) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    lx_guest_fd_stat(g, fd, &st) < 0)
			continue;
		need = ino_iofd_sets((uint64_t)st.st_dev, (uint64_t)st.st_ino);
		if ((need & ~ino_rules_iofd_sets(g->pid, fd)) != 0) {
			sets[n] = need;
			fds[n++] = fd;
		}
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		ino_rules_iofd(g, fds[i], sets[i]);
}

/* A watch that asks about reads, writes or attributes was added. */
void
ino_rules_rescan(void)
{
	scan_gen++;
}

void
ino_rules_catch_up(struct lx_guest *g)
{
	struct iproc *p;

	ino_thread_stops(g->tid);
	if (want == 0)
		return;
	ino_pid_seen(g->pid);
	if ((p = iproc_of(g->pid, true)) == NULL)
		return;
	if ((p->sets & want) != want)
		install_sets(g, p, want);
	if (p->scanned != scan_gen) {
		p->scanned = scan_gen;
		ino_rules_scan_fds(g);
	}
}

/* A forked child has its parent's filters, so its parent's rules. */
static void
on_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	struct iproc *pp, *cp;

	(void)parent_tid;
	if (thread || (pp = iproc_of(parent_pid, false)) == NULL)
		return;
	ino_pid_seen(child_tid);
	if ((cp = iproc_of(child_tid, true)) == NULL)
		return;
	cp->sets = pp->sets;
	cp->scanned = pp->scanned;
	if (pp->nfds > 0 && (cp->fds = malloc((size_t)pp->nfds)) != NULL) {
		memcpy(cp->fds, pp->fds, (size_t)pp->nfds);
		cp->nfds = pp->nfds;
	}
}

static void
on_exit_tid(int tid)
{
	struct iproc **pp, *p;

	for (pp = &procs; (p = *pp) != NULL; pp = &p->next)
		if (p->pid == tid) {
			*pp = p->next;
			if (last == p)
				last = NULL;
			free(p->fds);
			free(p);
			return;
		}
}

/*
 * Any stop of a process, whatever serves the call (a stat, getrandom,
 * rseq at a program's start): a process that ran on without the rules a
 * watch needs gets them here, before it changes anything more unseen.
 */
static void
on_stop(struct lx_call *c, struct lx_guest *g)
{
	struct iproc *p;

	(void)c;
	if (want == 0)
		return;
	p = iproc_of(g->pid, false);
	if (p != NULL && (p->sets & want) == want && p->scanned == scan_gen)
		return;
	ino_rules_catch_up(g);
}

static const struct lx_hooks life = {
	.on_clone = on_clone,
	.on_exit = on_exit_tid,
	.on_stop = on_stop,
};

__attribute__((constructor)) static void
ino_rules_init(void)
{
	lx_hooks_register(&life);
}
