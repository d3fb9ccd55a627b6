/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crash reports: what a compat-layer developer needs when a program dies
 * of a fault under lxrun, gathered at the signal-delivery stop while the
 * thread still exists: siginfo, registers, the code around the pc, and
 * the mappings of the pc and of the fault address.  src/trace prints it.
 *
 * A fault the program catches is remembered (per thread, a few): if its
 * handler later raises the same signal again with the default action
 * (glibc's abort path, faulthandler, a runtime printing a stack and
 * re-raising), the report shows the original fault, not the raise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "crash.h"
#include "tracer.h"

#define CAUGHT_MAX 8

static struct {
	struct lx_crash c;
	bool used;
} caught[CAUGHT_MAX];
static unsigned caught_next;

bool
crash_is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	    sig == SIGFPE || sig == SIGSYS;
}

/* Does the thread's process have a handler for sig (SigCgt)? */
static bool
sig_caught(pid_t tid, int sig)
{
	char path[64], line[256];
	unsigned long long mask = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "SigCgt:", 7) == 0) {
			mask = strtoull(line + 7, NULL, 16);
			break;
		}
	fclose(f);
	return (mask >> (sig - 1)) & 1;
}

/* The maps line that holds addr, without its newline. */
static void
map_line(pid_t pid, uint64_t addr, char *out, size_t len)
{
	char path[64], line[512];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long lo, hi;

		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && addr >= lo &&
		    addr < hi) {
			size_t n = strcspn(line, "\n");

			if (n >= len)
				n = len - 1;
			memcpy(out, line, n);
			out[n] = '\0';
			break;
		}
	}
	fclose(f);
}

/* As many bytes around the pc as are mapped. */
static void
read_code(pid_t tid, struct lx_crash *c, uint64_t pc)
{
	uint64_t start = pc >= LX_CRASH_BEFORE ? pc - LX_CRASH_BEFORE : 0;
	size_t before = (size_t)(pc - start);
	struct iovec l, r;

	c->ncode = 0;
	c->code_addr = start;
	l.iov_base = c->code;
	l.iov_len = before + LX_CRASH_AFTER;
	r.iov_base = (void *)(uintptr_t)start;
	r.iov_len = l.iov_len;
	if (process_vm_readv(tid, &l, 1, &r, 1, 0) == (ssize_t)l.iov_len) {
		c->ncode = l.iov_len;
		return;
	}
	/* the bytes before the pc may be another (unmapped) page */
	l.iov_base = c->code;
	l.iov_len = LX_CRASH_AFTER;
	r.iov_base = (void *)(uintptr_t)pc;
	r.iov_len = LX_CRASH_AFTER;
	if (process_vm_readv(tid, &l, 1, &r, 1, 0) > 0) {
		c->code_addr = pc;
		c->ncode = LX_CRASH_AFTER;
	}
}

static int
gather(struct task *t, int sig, struct lx_crash *c)
{
	struct user_regs_struct r;
	const unsigned long long *v;

	memset(c, 0, sizeof(*c));
	c->pid = t->proc->pid;
	c->tid = t->tid;
	c->sig = sig;
	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, c->siginfo) < 0 ||
	    regs_get(t->tid, &r) < 0)
		return -1;
	v = (const unsigned long long[LX_CRASH_NREGS]){ r.rip, r.rsp, r.rbp,
	    r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.r8, r.r9, r.r10, r.r11,
	    r.r12, r.r13, r.r14, r.r15, r.eflags };
	for (int i = 0; i < LX_CRASH_NREGS; i++)
		c->regs[i] = v[i];
	read_code(t->tid, c, r.rip);
	return 0;
}

static int
si_code(const struct lx_crash *c)
{
	int code;

	memcpy(&code, c->siginfo + 8, sizeof(code));
	return code;
}

/* The fault a handler of this thread caught earlier, if any. */
static struct lx_crash *
caught_fault(pid_t tid, int sig)
{
	for (int i = 0; i < CAUGHT_MAX; i++)
		if (caught[i].used && caught[i].c.tid == tid &&
		    caught[i].c.sig == sig)
			return &caught[i].c;
	return NULL;
}

void
crash_at_signal_stop(struct task *t, int sig)
{
	static struct lx_crash now;
	struct lx_crash *c = &now, *before;
	uint64_t addr;

	if (gather(t, sig, &now) < 0)
		return;
	if (sig_caught(t->tid, sig)) {
		/* it may come back re-raised; remember kernel faults only */
		if (si_code(&now) > 0 && si_code(&now) != SI_KERNEL) {
			struct lx_crash *slot = caught_fault(t->tid, sig);

			if (slot == NULL) {
				unsigned k = caught_next++ % CAUGHT_MAX;

				caught[k].used = true;
				slot = &caught[k].c;
			}
			*slot = now;
		}
		return;
	}
	before = caught_fault(t->tid, sig);
	if (si_code(&now) <= 0 && before != NULL) {
		c = before;
		c->reraised = true;
	}
	memcpy(&addr, c->siginfo + 16, sizeof(addr));
	map_line(t->proc->pid, c->regs[0], c->map_pc, sizeof(c->map_pc));
	map_line(t->proc->pid, addr, c->map_addr, sizeof(c->map_addr));
	lx_trace_crash(c);
}
