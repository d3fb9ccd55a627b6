/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One fd-tracking facility for every family (issue 11, docs/fdtrack.md).
 *
 * An emulated object is found from the identity of the open file behind
 * a guest fd (object.h), so no family needs to know fd numbers to find
 * its objects.  What does live on numbers are seccomp rules (DESIGN.md
 * decision 1): a rule names an fd number of one process, so the number
 * an fd reaches must get its rules before the guest can use it there.
 * This facility keeps, per traced process, which numbers carry which
 * families' rule sets, and gives every number an fd reaches the sets
 * that want it, whatever the route:
 *
 * - dup, dup2, dup3, fcntl F_DUPFD/F_DUPFD_CLOEXEC of a number that has
 *   a set: the copy is made here, in the guest, and gets its sets first;
 * - fork, clone and unshare(CLONE_FILES): the child has its parent's
 *   filters, so its parent's sets (threads share the process's);
 * - exec: filters and fds both survive it (O_CLOEXEC fds go, their
 *   rules stay on numbers that hold nothing: a stop, never a change);
 * - close, close_range: the same (filters only add);
 * - SCM_RIGHTS by recvmsg/recvmmsg, pidfd_getfd, open_by_handle_at:
 *   once a family follows arrivals, those calls stop in every process
 *   and each fd they give gets the sets that want it;
 * - an open (of /proc/PID/fd/N, say) a family saw: lx_fdtrack_arrived;
 * - anything else (an fd that was already there when a set became
 *   wanted): a scan of the process's fd table (lx_fdtrack_scan*).
 *
 * Sets are asked whether they want a file by its identity, so a number
 * that held a family's file and now holds another gets nothing new.
 */
#ifndef LXRUN_FDTRACK_H
#define LXRUN_FDTRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "lxrun/lxrun.h"

/* Rules on one fd number, of one family. */
struct lx_fdset {
	const char *name;
	const struct lx_fd_trap *traps;
	int ntraps;
	/*
	 * Should fd of process pid, whose open file is dev/ino, carry the
	 * set?  (The set may look closer: /proc/PID/fdinfo/FD's flags.)
	 */
	bool (*wants)(int pid, int fd, uint64_t dev, uint64_t ino);
	unsigned bit;		/* the facility's */
};

/* Rules for every call of some numbers (argidx -1), in one process. */
struct lx_procset {
	const char *name;
	const struct lx_fd_trap *traps;
	int ntraps;
	unsigned bit;		/* the facility's */
};

/*
 * Make set known; its family's hooks (dup*, arrivals) are switched off
 * with the family (--emulate).  Call from a constructor.
 */
void lx_fdset_register(struct lx_fdset *set, enum lx_family fam);
void lx_procset_register(struct lx_procset *set);

/*
 * Give fd of g's own process (or of traced process pid, whose threads
 * may be running: lx_guest_trap_fd_pid) the set's rules, once.  0 or
 * -LX_E*.
 */
int lx_fdset_add(struct lx_guest *g, struct lx_fdset *set, int fd);
int lx_fdset_add_pid(struct lx_guest *g, int pid, struct lx_fdset *set,
    int fd);
bool lx_fdset_has(int pid, const struct lx_fdset *set, int fd);
/* Does fd of pid carry any family's set? */
bool lx_fdtrack_has_any(int pid, int fd);

/* The same for a process-wide set. */
int lx_procset_add(struct lx_guest *g, struct lx_procset *set);
int lx_procset_add_pid(struct lx_guest *g, int pid, struct lx_procset *set);
bool lx_procset_has(int pid, const struct lx_procset *set);
/*
 * Every traced process must have set: g's at once, the others at their
 * next stop (lx_fdtrack_catch_up), new ones by inheritance.
 */
void lx_procset_require(struct lx_guest *g, struct lx_procset *set);

/*
 * From now on, in every traced process (the others before they can
 * make such a call unseen), the fds that recvmsg, recvmmsg, pidfd_getfd
 * and open_by_handle_at give get the sets that want them.
 */
void lx_fdtrack_follow_arrivals(struct lx_guest *g);
/* A new fd is at number fd of g's process: give it the sets it wants. */
void lx_fdtrack_arrived(struct lx_guest *g, int fd);
/* The same as an exit function: the call's result, if an fd, arrived. */
long lx_fdtrack_arrived_exit(struct lx_call *c, struct lx_guest *g, long ret);

/*
 * Look at every fd of process pid now and give each the sets that want
 * it (pid == g->pid: g's own process).
 */
void lx_fdtrack_scan_pid(struct lx_guest *g, int pid);
/*
 * Sets may want fds they did not want before (a watch was added): every
 * process scans its fds at its next stop.
 */
void lx_fdtrack_rescan_all(void);
/* The stopped thread's process gets what it misses (rules, a scan). */
void lx_fdtrack_catch_up(struct lx_guest *g);

/* The traced processes (thread group ids); the array is the facility's. */
int lx_fdtrack_pids(const int **pids);
bool lx_fdtrack_traced(int pid);

/*
 * Every open fd of process pid, with the identity of its file (stat of
 * /proc/PID/fd/N: follows the fd, needs no permission on the file).
 * Returns -LX_ESRCH when the process is gone.  fn must not inject.
 */
/* fdtrack.c's: the arrival hooks of family fam (fdarrive.c). */
void lx_fdarrive_hooks(enum lx_family fam);

int lx_proc_fds(int pid, void (*fn)(int fd, uint64_t dev, uint64_t ino,
    void *arg), void *arg);

#endif
