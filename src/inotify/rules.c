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
 * The fd-tracking facility (include/lxrun/fdtrack.h) keeps which
 * process has which of these sets, gives copies and arrivals of such an
 * fd (dup*, SCM_RIGHTS, pidfd_getfd) the sets they want, and scans the
 * fd tables when a new watch makes files want rules.  Filters only add:
 * the hooks let calls through cheaply when no watch exists or the number
 * holds another file now.  Processes that already ran when a rule became
 * needed get it at their next stop, whatever the call (a program's start
 * stops for rseq); until then their calls are seen the way an untraced
 * process's are, through the host's notes.
 */
#include <stdbool.h>
#include <stdint.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/object.h"
#include "lxrun/linux_abi.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

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
	{ LX_NR_write, 0 }, { LX_NR_writev, 0 }, { LX_NR_fcntl, 0 },
	{ LX_NR_lseek, 0 }, { LX_NR_sendto, 0 }, { LX_NR_recvfrom, 0 },
	{ LX_NR_sendmsg, 0 }, { LX_NR_recvmsg, 0 }, { LX_NR_sendmmsg, 0 },
	{ LX_NR_recvmmsg, 0 }, { LX_NR_accept, 0 }, { LX_NR_accept4, 0 },
	{ LX_NR_connect, 0 }, { LX_NR_bind, 0 }, { LX_NR_listen, 0 },
	{ LX_NR_shutdown, 0 }, { LX_NR_getsockname, 0 },
	{ LX_NR_getpeername, 0 }, { LX_NR_getsockopt, 0 },
	{ LX_NR_setsockopt, 0 }, { LX_NR_splice, 0 }, { LX_NR_splice, 2 },
	{ LX_NR_tee, 0 }, { LX_NR_tee, 1 }, { LX_NR_sendfile, 0 },
	{ LX_NR_sendfile, 1 }, { LX_NR_fchmod, 0 }, { LX_NR_fchown, 0 },
	{ LX_NR_fallocate, 0 }, { LX_NR_fstat, 0 }, { LX_NR_fstatfs, 0 },
};

/*
 * On an fd of a watched file, batch boundaries in two sets: the calls
 * that make IN_ACCESS stop only if a watch asks for IN_ACCESS, those that
 * make IN_MODIFY only if one asks for IN_MODIFY or IN_ATTRIB (a watcher
 * such as syncthing's lists and hashes its folders: its getdents and
 * reads need not stop), and only on an fd that can write.  The calls
 * that change attributes through an fd stop in every process once a
 * watch exists (ns_traps): a read-only fd can fchmod.  Copies of an fd
 * with rules get its rules (the facility's copy rules).
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


static struct lx_procset open_rules = {
	.name = "inotify-open",
	.traps = open_traps,
	.ntraps = NELEM(open_traps),
};

static struct lx_procset ns_rules = {
	.name = "inotify-ns",
	.traps = ns_traps,
	.ntraps = NELEM(ns_traps),
};

/* An inotify instance's fd: it is the file of one of our objects. */
static bool
inofd_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	(void)pid;
	(void)fd;
	return lx_object_lookup(dev, ino, &ino_ops) != NULL;
}

static bool
reads_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	(void)pid;
	(void)fd;
	return (ino_iofd_sets(dev, ino) & INO_IO_READS) != 0;
}

/*
 * A scan or an arrival does not look at the fd's open flags: an fd that
 * cannot write may get the change rules, a stop that changes nothing.
 */
static bool
changes_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	(void)pid;
	(void)fd;
	return (ino_iofd_sets(dev, ino) & INO_IO_CHANGES) != 0;
}

static struct lx_fdset inofd_rules = {
	.name = "inotify-fd",
	.traps = ino_traps,
	.ntraps = NELEM(ino_traps),
	.wants = inofd_wanted,
};

static struct lx_fdset read_rules = {
	.name = "inotify-reads",
	.traps = read_traps,
	.ntraps = NELEM(read_traps),
	.wants = reads_wanted,
};

static struct lx_fdset change_rules = {
	.name = "inotify-changes",
	.traps = change_traps,
	.ntraps = NELEM(change_traps),
	.wants = changes_wanted,
};

void
ino_rules_need(struct lx_guest *g, unsigned sets)
{
	if (sets & INO_RULES_OPEN)
		lx_procset_require(g, &open_rules);
	if (sets & INO_RULES_NS)
		lx_procset_require(g, &ns_rules);
	/* An inotify fd, or a watched file's, may be sent or taken. */
	lx_fdtrack_follow_arrivals(g);
}

int
ino_rules_inofd(struct lx_guest *g, int fd)
{
	return lx_fdset_add(g, &inofd_rules, fd);
}

void
ino_rules_iofd(struct lx_guest *g, int fd, unsigned sets)
{
	if (fd < 0)
		return;
	if (sets & INO_IO_READS)
		lx_fdset_add(g, &read_rules, fd);
	if (sets & INO_IO_CHANGES)
		lx_fdset_add(g, &change_rules, fd);
}

unsigned
ino_rules_iofd_sets(int pid, int fd)
{
	return (lx_fdset_has(pid, &read_rules, fd) ? INO_IO_READS : 0) |
	    (lx_fdset_has(pid, &change_rules, fd) ? INO_IO_CHANGES : 0);
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

void
ino_rules_scan_fds(struct lx_guest *g)
{
	lx_fdtrack_scan_pid(g, g->pid);
}

/* A watch that asks about reads, writes or attributes was added. */
void
ino_rules_rescan(void)
{
	lx_fdtrack_rescan_all();
}

/*
 * At every hook of the family: a process that ran on without the rules
 * a watch needs gets them here (the facility does the same at any stop),
 * before it changes anything more unseen.
 */
void
ino_rules_catch_up(struct lx_guest *g)
{
	ino_thread_stops(g->tid);
	lx_fdtrack_catch_up(g);
}

__attribute__((constructor)) static void
ino_rules_init(void)
{
	lx_procset_register(&open_rules);
	lx_procset_register(&ns_rules);
	lx_fdset_register(&inofd_rules, LX_FAM_INOTIFY);
	lx_fdset_register(&read_rules, LX_FAM_INOTIFY);
	lx_fdset_register(&change_rules, LX_FAM_INOTIFY);
}
