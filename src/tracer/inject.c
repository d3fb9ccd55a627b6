/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Syscalls injected into a stopped thread, synchronously, while a handler
 * runs.  The first one reuses the trapped call's own entry (rewrite the
 * registers at the seccomp stop); later ones step back over the `syscall`
 * instruction at the exit stop and run it again.  Signals that arrive
 * between the steps are held back and queued again, with their siginfo,
 * when the handler is done (rt_tgsigqueueinfo from the thread itself, so
 * the kernel accepts any si_code).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

bool
inject_active(const struct task *t)
{
	return t->injected > 0;
}

static int
stashed_signo(const struct task *t, int i)
{
	return ((const siginfo_t *)t->stash[i])->si_signo;
}

/*
 * Hold back the signal of this signal-delivery stop.  A standard signal
 * already held is dropped, as the kernel drops one already pending; so
 * is anything past the stash's size (a burst of queued real-time signals,
 * documented).
 */
static void
stash_signal(struct task *t)
{
	unsigned char si[128];
	int signo;

	memset(si, 0, sizeof(si));
	ptrace(PTRACE_GETSIGINFO, t->tid, 0, si);
	signo = ((siginfo_t *)si)->si_signo;
	for (int i = 0; i < t->nstash && signo < SIGRTMIN; i++)
		if (stashed_signo(t, i) == signo)
			return;
	if (t->nstash < LX_STASH_MAX)
		memcpy(t->stash[t->nstash++], si, sizeof(si));
}

/* Wait for the injected call's exit stop; hold back signals meanwhile. */
static long
inject_wait_exit(struct task *t, bool expect_entry)
{
	int st;

	for (;;) {
		pid_t w = waitpid(t->tid, &st, __WALL);
		int sig, ev;

		if (w < 0) {
			if (errno == EINTR)
				continue;
			t->dead = true;
			return -LX_ESRCH;
		}
		if (!WIFSTOPPED(st)) {
			t->dead = true;
			loop_defer_status(t->tid, st);
			return -LX_ESRCH;
		}
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (sig == (SIGTRAP | 0x80)) {
			if (expect_entry) {
				expect_entry = false;
			} else {
				struct user_regs_struct r;

				if (regs_get(t->tid, &r) < 0) {
					t->dead = true;
					return -LX_ESRCH;
				}
				return (long)r.rax;
			}
			sig = 0;
		} else if (ev == PTRACE_EVENT_STOP && is_stop_signal(sig)) {
			/*
			 * Its group is stopping (another thread took the stop
			 * signal): this thread's part of the stop comes once
			 * lxrun's calls in it are done (task_resume).
			 */
			t->stop_owed = true;
			sig = 0;
		} else if (ev != 0) {
			/* seccomp stop of the injected call, interrupts */
			sig = 0;
		} else {
			stash_signal(t);
			sig = 0;
		}
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, sig) < 0) {
			t->dead = true;
			return -LX_ESRCH;
		}
	}
}

int
inject_prepare(struct task *t)
{
	struct user_regs_struct r;
	long ret;

	if (!t->proc->guest_filter || t->injected > 0)
		return 0;
	if (!t->seccomp_suspended && ptrace(PTRACE_SETOPTIONS, t->tid, 0,
	    LX_PTRACE_OPTIONS | PTRACE_O_SUSPEND_SECCOMP) == 0)
		t->seccomp_suspended = true;
	/*
	 * At a seccomp stop, the kernel runs the filters again on whatever
	 * call we put in place of the trapped one (a filter of the program
	 * would then judge lxrun's call); a skipped call is not checked
	 * again.  So: skip it to its exit stop, and run ours from there.
	 * At a checked entry stop, seccomp has not run yet: suspended, it
	 * will not.
	 */
	if (t->at_checked_entry || task_saved(t) == NULL)
		return 0;
	r = t->saved;
	r.orig_rax = (uint64_t)-1;
	r.rax = (uint64_t)-LX_ENOSYS;
	if (regs_set(t->tid, &r) < 0 ||
	    ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0) {
		t->dead = true;
		return -LX_ESRCH;
	}
	ret = inject_wait_exit(t, false);
	if (ret == -LX_ESRCH && t->dead)
		return -LX_ESRCH;
	t->injected = 1;	/* at an exit stop: what follows is rewound */
	return 0;
}

void
inject_unsuspend(struct task *t)
{
	if (t->seccomp_suspended) {
		ptrace(PTRACE_SETOPTIONS, t->tid, 0, LX_PTRACE_OPTIONS);
		t->seccomp_suspended = false;
	}
}

long
inject_syscall(struct task *t, long nr, const uint64_t a[6])
{
	struct user_regs_struct r;
	bool rewind;

	/* served from a notification: the thread is not stopped */
	if (t->in_notif) {
		t->notif_needs_stop = true;
		return -LX_ENOSYS;
	}
	if (t->dead || task_saved(t) == NULL || inject_prepare(t) < 0)
		return -LX_ESRCH;
	mem_gen++;		/* the call may write the guest's memory */
	rewind = t->injected > 0;
	r = t->saved;
	regs_set_args(&r, nr, a);
	if (rewind)
		r.rip -= 2;
	if (regs_set(t->tid, &r) < 0 ||
	    ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0) {
		t->dead = true;
		return -LX_ESRCH;
	}
	t->injected++;
	return inject_wait_exit(t, rewind);
}

/*
 * Queue the held-back signals again, in the order they came, from the
 * thread to itself (so any si_code is accepted).  Queueing injects
 * syscalls, during which more signals may be held back: they are queued
 * too, except a standard signal queued once already, which is pending
 * again and would be dropped by the kernel as well.
 */
void
inject_finish(struct task *t)
{
	uint64_t queued = 0;
	int rounds = 0;

	/* bounded: a flood of real-time signals cannot keep us here */
	while (t->nstash > 0 && !t->dead && rounds++ < 4 * LX_STASH_MAX) {
		unsigned char si[128];
		uint64_t buf = scratch_slot(t);
		uint64_t a[6] = { (uint64_t)t->proc->pid, (uint64_t)t->tid, 0,
			buf, 0, 0 };
		int signo = stashed_signo(t, 0);

		memcpy(si, t->stash[0], sizeof(si));
		t->nstash--;
		memmove(t->stash[0], t->stash[1],
		    (size_t)t->nstash * sizeof(t->stash[0]));
		if (signo < 64 && (queued & (1ULL << signo)))
			continue;
		if (buf == 0 || mem_write(t, buf, si, sizeof(si)) < 0)
			continue;
		a[2] = (uint64_t)signo;
		inject_syscall(t, SYS_rt_tgsigqueueinfo, a);
		if (signo < SIGRTMIN && signo < 64)
			queued |= 1ULL << signo;
	}
	t->nstash = 0;
}

/* A free slot in the regions mapped so far, or -1. */
static int
slot_alloc(struct mm *m)
{
	for (int r = 0; r < m->nrg; r++)
		for (int w = 0; w < 4; w++) {
			uint64_t u = m->rg[r].used[w];

			if (u == ~0ULL)
				continue;
			for (int b = 0; b < 64; b++)
				if (!(u & (1ULL << b))) {
					m->rg[r].used[w] |= 1ULL << b;
					return r * LX_SCRATCH_SLOTS + w * 64 + b;
				}
		}
	return -1;
}

/*
 * One more region, mapped by the thread itself (injected calls), between
 * two PROT_NONE guard pages: the kernel puts it next to whatever mapping
 * has room, often right after one of the program's, and a program that
 * writes past the end of its own mapping (getrandom(buf, SIZE_MAX), a
 * read into a short buffer) must fault there as it would natively, not
 * write into lxrun's slots and on into the next mapping.
 */
static int
region_add(struct task *t)
{
	struct mm *m = t->mm;
	uint64_t a[6] = { 0, LX_SCRATCH_LEN + 2 * LX_PAGE_SIZE, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, (uint64_t)-1, 0 };
	struct scratch_region *rg;
	long r, e;

	if (m->nrg == LX_SCRATCH_REGIONS)
		return -1;
	rg = realloc(m->rg, (size_t)(m->nrg + 1) * sizeof(*rg));
	if (rg == NULL)
		return -1;
	m->rg = rg;
	r = inject_syscall(t, SYS_mmap, a);
	if (r < 0 && r > -4096)
		return -1;
	a[0] = (uint64_t)r + LX_PAGE_SIZE;
	a[1] = LX_SCRATCH_LEN;
	a[2] = PROT_READ | PROT_WRITE;
	if ((e = inject_syscall(t, SYS_mprotect, a)) != 0) {
		a[0] = (uint64_t)r;
		a[1] = LX_SCRATCH_LEN + 2 * LX_PAGE_SIZE;
		if (e != -LX_ESRCH)
			inject_syscall(t, SYS_munmap, a);
		return -1;
	}
	memset(&m->rg[m->nrg], 0, sizeof(m->rg[0]));
	m->rg[m->nrg].base = (uint64_t)r + LX_PAGE_SIZE;
	m->nrg++;
	return 0;
}

/* The call is over: its scratch slot goes back to the address space. */
void
scratch_release(struct task *t)
{
	struct mm *m = t->mm;

	if (t->slot >= 0 && m != NULL &&
	    t->slot / LX_SCRATCH_SLOTS < m->nrg) {
		int r = t->slot / LX_SCRATCH_SLOTS, i = t->slot % LX_SCRATCH_SLOTS;

		m->rg[r].used[i / 64] &= ~(1ULL << (i % 64));
	}
	t->slot = -1;
}

/*
 * This thread's scratch slot, mapping one more region of scratch into
 * the address space when all are taken (one injected mmap each).
 */
uint64_t
scratch_slot(struct task *t)
{
	struct mm *m = t->mm;
	int r, i;

	if (t->in_notif) {
		t->notif_needs_stop = true;
		return 0;
	}
	if (t->slot < 0 && (t->slot = slot_alloc(m)) < 0) {
		if (region_add(t) < 0 || (t->slot = slot_alloc(m)) < 0)
			return 0;
	}
	r = t->slot / LX_SCRATCH_SLOTS;
	i = t->slot % LX_SCRATCH_SLOTS;
	return m->rg[r].base + (uint64_t)i * LX_SCRATCH_MAX;
}
