/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd inside lxrun: the object registry, the seal state machine (pure
 * functions, unit-tested), the trap rules that make every route to a
 * sealed file stop, the hooks behind them, exec of a memfd, and the few
 * host (/proc) queries they need.
 */
#ifndef LXRUN_MEMFD_INT_H
#define LXRUN_MEMFD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lxrun/linux_abi.h"
#include "lxrun/lxrun.h"

/*
 * Where the objects live on the host (a tmpfs, as Linux's shm_mnt): as
 * O_TMPFILE files, which have no name to leave behind.
 */
#define MEMFD_SHM_DIR		"/dev/shm"

/* ---- seal.c: Linux's rules as pure functions ---- */

/* memfd_create flags, decoded. */
struct memfd_flags {
	bool cloexec;
	bool hugetlb;
	unsigned huge_log;	/* log2 of the huge page size, 0 = default */
	uint32_t mode;		/* permission bits: 0777, or 0666 */
	uint32_t seals;		/* seals the object starts with */
};

/*
 * sanitize_flags() and the vm.memfd_noexec check: 0, -LX_EINVAL for bad
 * flags, -LX_EACCES when the sysctl enforces MFD_NOEXEC_SEAL.
 */
int memfd_flags_parse(uint32_t flags, int noexec_scope,
    struct memfd_flags *out);

/*
 * F_ADD_SEALS on an object with seals cur and permission bits mode,
 * through an fd open for writing or not: the new seal set, or -errno.
 * *check_busy says F_SEAL_WRITE is newly added: the caller must answer
 * EBUSY instead if a shared mapping that may write exists.
 */
long memfd_seals_add(uint32_t cur, uint64_t req, bool writable,
    uint32_t mode, bool *check_busy);

/* Seals that make some data-path call fail (and so need trap rules). */
bool memfd_seals_enforced(uint32_t seals);

/*
 * A write of len bytes at pos on a file of size bytes: how many bytes
 * Linux writes (len, or a shorter count up to a page boundary under
 * F_SEAL_GROW), or -LX_EPERM.  len 0 always gives 0.
 */
long memfd_write_allowed(uint32_t seals, uint64_t pos, uint64_t len,
    uint64_t size);
/* ftruncate to len (>= 0) from size: 0 or -LX_EPERM. */
int memfd_truncate_check(uint32_t seals, uint64_t size, uint64_t len);
/*
 * fallocate(mode, off, len) that passed the VFS checks (off >= 0,
 * len > 0, mode within KEEP_SIZE|PUNCH_HOLE): 0 or -LX_EPERM.
 */
int memfd_fallocate_check(uint32_t seals, int mode, uint64_t off,
    uint64_t len, uint64_t size);

enum memfd_mmap_verdict {
	MEMFD_MMAP_NATIVE,	/* let it run */
	MEMFD_MMAP_EPERM,	/* a shared writable mapping of a sealed file */
	MEMFD_MMAP_READONLY,	/* shared, not writable: map it without
				   VM_MAYWRITE, as Linux does after a seal */
};
enum memfd_mmap_verdict memfd_mmap_check(uint32_t seals, uint64_t prot,
    uint64_t flags, bool fd_writable);
/* fchmod from oldmode to newmode: 0 or -LX_EPERM (F_SEAL_EXEC). */
int memfd_chmod_check(uint32_t seals, uint32_t oldmode, uint32_t newmode);

/*
 * MFD_HUGETLB: the file is on hugetlbfs, whose pages are 2^huge_shift
 * bytes.  ftruncate to len: 0 or -LX_EINVAL (not a whole number of huge
 * pages).  mmap at off of len bytes: 0, -LX_EINVAL (offset not aligned,
 * length 0), or the number of huge pages it must reserve (*pages; 0 for
 * MAP_NORESERVE).
 */
int memfd_huge_truncate_check(unsigned huge_shift, uint64_t len);
int memfd_huge_mmap_check(unsigned huge_shift, uint64_t len, uint64_t off,
    uint64_t flags, uint64_t *pages);

/* ---- memfd.c: the registry ---- */

struct memfd_obj {
	uint64_t dev, ino;	/* identity of the shm file */
	uint32_t seals;
	uint32_t mode;		/* permission bits it was made with */
	bool hugetlb;
	unsigned huge_shift;	/* log2 of its huge page size */
	bool exec_copy;		/* the copy an exec of a memfd runs */
	char name[LX_MFD_NAME_MAX + 1];
	bool alive;		/* sweep mark */
	uint8_t dead_sweeps;	/* sweeps in a row that found no reference */
	struct memfd_obj *next;	/* hash chain */
	struct memfd_obj *all_next, **all_prev;
};

struct memfd_obj *memfd_find(uint64_t dev, uint64_t ino);
/* The object whose shm file has inode ino (on any device), or NULL. */
struct memfd_obj *memfd_find_ino(uint64_t ino);
/* Object behind guest fd (and its identity in *id), or NULL. */
struct memfd_obj *memfd_of_fd(struct lx_guest *g, int fd,
    struct lx_fd_ident *id);
/* Register a copy made for exec (exec.c): it answers as o does. */
int memfd_add_exec_copy(const struct memfd_obj *o, uint64_t dev,
    uint64_t ino);
/*
 * What lxrun must see of an object: the routes to it (the watch) while it
 * has a seal that forbids something or is on "hugetlbfs"; the data calls
 * on each fd of it (per-fd rules) when that fd could write, and on every
 * fd of a hugetlb object.
 */
bool memfd_needs_watch(const struct memfd_obj *o);
bool memfd_needs_rules(const struct memfd_obj *o, bool fd_writable);
/* Objects that need the watch, and those that need per-fd rules. */
extern int memfd_nwatch;
extern int memfd_nrules;
extern int memfd_count;

/* ---- enforce.c: which processes and fds have which rules ---- */

/*
 * An object now needs the watch and rules (new, or newly sealed): every
 * traced process gets the watch, and every fd of o in any of them its
 * rules, before the call that made the change returns.
 */
void memfd_enforce_object(struct lx_guest *g, const struct memfd_obj *o);
/* The rule sets, made known to the fd-tracking facility. */
void memfd_enforce_init(void);
/* Size of the file behind guest fd, or -errno. */
long memfd_guest_size(struct lx_guest *g, int fd);
/* Guest fd open for writing (not O_PATH)? */
bool memfd_fd_writable(const struct lx_fd_ident *id);

/* ---- datapath.c, arrive.c, exec.c, readlink.c: the hooks ---- */

void memfd_datapath_init(void);
void memfd_writes_init(void);
void memfd_arrive_init(void);
void memfd_exec_init(void);
void memfd_readlink_init(void);
/*
 * Open path (at dirfd, following the last link unless nofollow) as
 * O_PATH in the guest: the object it names and its guest fd (*opath,
 * to close with memfd_guest_close), or NULL.
 */
struct memfd_obj *memfd_of_path(struct lx_guest *g, int dirfd,
    uint64_t upath, bool nofollow, int *opath);
void memfd_guest_close(struct lx_guest *g, int fd);

/* ---- proc.c: host queries (Linux /proc; another host needs its own) ---- */

/* (The traced processes and their fds: lx_fdtrack_pids, lx_proc_fds.) */
/* Calls fn for each file mapping of pid (shared: 's' in perms). */
int memfd_proc_maps(int pid, void (*fn)(uint64_t dev, uint64_t ino,
    bool shared, void *arg), void *arg);
/* Open flags (fdinfo) of pid's fd, or -1. */
int memfd_proc_fd_flags(int pid, int fd);
/* The mapping of pid that holds addr: its file, shared and VM_MAYWRITE. */
int memfd_proc_vma(int pid, uint64_t addr, uint64_t *dev, uint64_t *ino,
    bool *shared, bool *maywrite);
/*
 * How many distinct open files of (dev, ino) that can write the traced
 * processes hold (kcmp tells dups from reopens).
 */
int memfd_proc_writers(uint64_t dev, uint64_t ino);
/* True if pid has a shared mapping of (dev, ino) that may write. */
bool memfd_proc_shared_maywrite(int pid, uint64_t dev, uint64_t ino);
/* vm.memfd_noexec as the thread sees it (its pid namespace's). */
int memfd_noexec_scope(struct lx_guest *g);
/*
 * log2 of the host's huge pages of 2^log bytes (log 0: the default
 * size), or 0 if the host has no such size.
 */
unsigned memfd_huge_shift(unsigned log);
/* Huge pages of that size free for a new reservation. */
uint64_t memfd_huge_free(unsigned huge_shift);

#endif
