/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd inside lxrun: the object registry, the seal state machine (pure
 * functions, unit-tested), the per-fd enforcement rules and the few
 * host (/proc) queries they need.
 */
#ifndef LXRUN_MEMFD_INT_H
#define LXRUN_MEMFD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lxrun/linux_abi.h"
#include "lxrun/lxrun.h"

/* Where the objects live on the host (a tmpfs, as Linux's shm_mnt). */
#define MEMFD_SHM_DIR		"/dev/shm"
#define MEMFD_SHM_PREFIX	MEMFD_SHM_DIR "/.lxrun-memfd-"

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

/* ---- memfd.c: the registry ---- */

struct memfd_obj {
	uint64_t dev, ino;	/* identity of the shm file */
	uint64_t seq;		/* number in its host file name */
	uint32_t seals;
	char name[LX_MFD_NAME_MAX + 1];
	bool alive;		/* sweep mark */
	struct memfd_obj *next;	/* hash chain */
	struct memfd_obj *all_next, **all_prev;
};

struct memfd_obj *memfd_find(uint64_t dev, uint64_t ino);
struct memfd_obj *memfd_find_seq(uint64_t seq);
/* Object behind guest fd (and its identity in *id), or NULL. */
struct memfd_obj *memfd_of_fd(struct lx_guest *g, int fd,
    struct lx_fd_ident *id);
/* Number of objects whose seals need trap rules. */
extern int memfd_nenforced;
extern int memfd_count;

/* ---- enforce.c: per-fd rules ---- */

/* Make sure every fd of an enforced object in g's process has rules. */
void memfd_rules_ensure(struct lx_guest *g);
/* Other processes must check their fds at their next trapped call. */
void memfd_rules_mark_others(int pid);
/* Called on every hook entry: catch up if this process was marked. */
void memfd_rules_catch_up(struct lx_guest *g);
/* A new object that starts sealed (MFD_NOEXEC_SEAL) gets its rules. */
void memfd_rules_new(struct lx_guest *g, int fd, const struct memfd_obj *o);
/* Life events, from the lx_hooks fan-out. */
void memfd_proc_clone(int parent_tid, int child_tid, bool thread);
void memfd_proc_exit(int tid);
/* dup, dup2, dup3 and fcntl(F_DUPFD*) on a sealed object's fd. */
struct lx_action memfd_dupfd(struct lx_call *c, struct lx_guest *g);
/* readlink.c: registers the readlink/readlinkat hooks. */
void memfd_readlink_init(void);
/* Size of the file behind guest fd (injected fstat), or -errno. */
long memfd_guest_size(struct lx_guest *g, int fd);
void memfd_enforce_init(void);

/* ---- proc.c: host queries (Linux /proc; another host needs its own) ---- */

/* Pids of every process this supervisor traces; returns the count. */
int memfd_traced_pids(int **pids);
void memfd_traced_dirty(void);
/* Calls fn for each open fd of pid with the identity of its file. */
int memfd_proc_fds(int pid, void (*fn)(int fd, uint64_t dev, uint64_t ino,
    void *arg), void *arg);
/* Calls fn for each file mapping of pid (shared: 's' in perms). */
int memfd_proc_maps(int pid, void (*fn)(uint64_t dev, uint64_t ino,
    bool shared, void *arg), void *arg);
/* True if pid has a shared mapping of (dev, ino) that may write. */
bool memfd_proc_shared_maywrite(int pid, uint64_t dev, uint64_t ino);
/* vm.memfd_noexec of the host (0 when unknown). */
int memfd_noexec_scope(void);
/* True if the host has huge pages of 2^log bytes (log 0: default). */
bool memfd_huge_size_ok(unsigned log);

#endif
