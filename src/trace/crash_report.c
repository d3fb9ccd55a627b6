/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Printing a crash report (the tracer gathers it, src/tracer/crash.c):
 * the signal and si_code, the fault address and its mapping, the code
 * around the pc disassembled with capstone (a few instructions before
 * it, the faulting one marked), the registers, and the thread's last
 * syscalls with how lxrun served each, so that a crash right after an
 * emulated answer shows at once.  Text to the trace output (or stderr),
 * or one JSON record in a JSON trace.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lxrun/disasm.h"
#include "trace/print.h"
#include "trace/recent.h"

#define SHOW_BEFORE 6		/* instructions shown before the pc */
#define SHOW_AFTER 2
#define MAX_SHOWN 48

static const char *const reg_names[LX_CRASH_NREGS] = {
	"rip", "rsp", "rbp", "rax", "rbx", "rcx", "rdx", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "eflags",
};

struct shown {
	uint64_t addr;
	char text[192];
	char bytes[48];
};

static int
si_code(const struct lx_crash *c)
{
	int code;

	memcpy(&code, c->siginfo + 8, sizeof(code));
	return code;
}

static uint64_t
si_addr(const struct lx_crash *c)
{
	uint64_t a;

	memcpy(&a, c->siginfo + 16, sizeof(a));
	return a;
}

/* A fault with an address (SIGSYS: the syscall's). */
static bool
has_addr(const struct lx_crash *c)
{
	return si_code(c) > 0;
}

/* Decode from code[off]: does an instruction start at the pc? */
static int
decode_from(const struct lx_capstone *lib, csh cs, const struct lx_crash *c, size_t off, struct shown *out,
    int max, int *pc_index)
{
	const uint8_t *p = c->code + off;
	size_t left = c->ncode - off;
	uint64_t addr = c->code_addr + off, pc = c->regs[0];
	cs_insn *ci = lib->insn_alloc(cs);
	int n = 0;

	*pc_index = -1;
	while (ci != NULL && n < max && left > 0 &&
	    lib->disasm_iter(cs, &p, &left, &addr, ci)) {
		if (ci->address > pc && *pc_index < 0)
			break;		/* stepped over the pc: out of sync */
		if (ci->address == pc)
			*pc_index = n;
		out[n].addr = ci->address;
		snprintf(out[n].text, sizeof(out[n].text), "%s%s%s",
		    ci->mnemonic, ci->op_str[0] ? " " : "", ci->op_str);
		out[n].bytes[0] = '\0';
		for (int i = 0; i < ci->size && i < 15; i++)
			snprintf(out[n].bytes + 3 * i, sizeof(out[n].bytes) -
			    3 * (size_t)i, "%02x ", ci->bytes[i]);
		n++;
		if (*pc_index >= 0 && n - *pc_index > SHOW_AFTER)
			break;
	}
	if (ci != NULL)
		lib->insn_free(ci, 1);
	return n;
}

/*
 * x86 cannot be decoded backwards: try each start before the pc, the
 * earliest first, until one lands on the pc; the last few instructions
 * before it are then right, as decoding falls into step quickly.
 */
static int
disassemble(const struct lx_crash *c, struct shown *out, int *first,
    int *pc_index)
{
	size_t before = (size_t)(c->regs[0] - c->code_addr);
	const struct lx_capstone *lib = lx_capstone();
	csh cs;
	int n = 0;

	*first = 0;
	*pc_index = -1;
	if (c->ncode == 0 || lib == NULL ||
	    lib->open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return 0;
	lib->option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	for (size_t off = 0; off <= before; off++) {
		n = decode_from(lib, cs, c, off, out, MAX_SHOWN,
		    pc_index);
		if (*pc_index >= 0)
			break;
	}
	lib->close(&cs);
	if (*pc_index < 0)
		return 0;
	*first = *pc_index > SHOW_BEFORE ? *pc_index - SHOW_BEFORE : 0;
	return n;
}

static void
signal_words(struct lx_sbuf *b, const struct lx_crash *c)
{
	const char *sig = lx_signame(c->sig);
	const char *code = lx_si_code_name(c->sig, si_code(c));

	sb_printf(b, "%s (", sig != NULL ? sig : "?");
	if (code != NULL)
		sb_puts(b, code);
	else
		sb_printf(b, "si_code %d", si_code(c));
	sb_putc(b, ')');
}

static void
recent_text(struct lx_sbuf *b, const struct lx_recent *e)
{
	sb_printf(b, "%s(%#llx, %#llx, %#llx, ...) = ", e->name,
	    (unsigned long long)e->arg[0], (unsigned long long)e->arg[1],
	    (unsigned long long)e->arg[2]);
	if (LX_IS_ERR(e->ret) && lx_errno_name(-e->ret) != NULL)
		sb_printf(b, "-1 %s", lx_errno_name(-e->ret));
	else
		sb_printf(b, "%#lx", (unsigned long)e->ret);
	sb_printf(b, " [%s]", lx_served_name(e->served));
}

static void
print_text(struct lx_sbuf *b, const struct lx_crash *c)
{
	struct shown ins[MAX_SHOWN];
	struct lx_recent rec[LX_RECENT_N];
	int first, pc_i, n = disassemble(c, ins, &first, &pc_i);
	int nrec = lx_recent_get(c->tid, rec);
	struct lx_sbuf si = { 0 };

	sb_printf(b, "--- lxrun: crash: pid %d, thread %d: ", c->pid, c->tid);
	signal_words(b, c);
	sb_puts(b, c->reraised ? ", raised again by the program's handler "
	    "---\n" : " ---\n");
	if (has_addr(c))
		sb_printf(b, "  fault address 0x%llx: %s\n",
		    (unsigned long long)si_addr(c),
		    c->map_addr[0] ? c->map_addr : "in no mapping");
	sb_printf(b, "  pc 0x%llx: %s\n", (unsigned long long)c->regs[0],
	    c->map_pc[0] ? c->map_pc : "in no mapping");
	if (n == 0 && c->ncode > 0 && lx_capstone() == NULL)
		sb_printf(b, "  code: not disassembled: %s\n",
		    lx_capstone_error());
	else if (n == 0)
		sb_puts(b, "  code: not readable at the pc\n");
	for (int i = first; i < n; i++)
		sb_printf(b, "  %s 0x%012llx:  %-30s %s\n", i == pc_i ? "=>" : "  ",
		    (unsigned long long)ins[i].addr, ins[i].bytes, ins[i].text);
	for (int i = 0; i < LX_CRASH_NREGS; i++)
		sb_printf(b, "  %-6s 0x%016llx%s", reg_names[i],
		    (unsigned long long)c->regs[i],
		    i % 3 == 2 || i + 1 == LX_CRASH_NREGS ? "\n" : "");
	if (nrec == 0)
		sb_puts(b, "  last syscalls: none seen by lxrun (all calls are "
		    "seen with --trace, -c or --report)\n");
	else
		sb_printf(b, "  last syscalls of thread %d, oldest first:\n",
		    c->tid);
	for (int i = 0; i < nrec; i++) {
		sb_puts(b, "    ");
		recent_text(b, &rec[i]);
		sb_putc(b, '\n');
	}
	lx_print_siginfo_buf(&si, c->siginfo);
	sb_printf(b, "  siginfo %s\n", sb_str(&si));
	sb_free(&si);
}

static void
put_hex(struct lx_sbuf *b, const char *key, uint64_t v)
{
	sb_printf(b, ",\"%s\":\"0x%llx\"", key, (unsigned long long)v);
}

static void
print_json(struct lx_sbuf *b, const struct lx_crash *c)
{
	struct shown ins[MAX_SHOWN];
	struct lx_recent rec[LX_RECENT_N];
	int first, pc_i, n = disassemble(c, ins, &first, &pc_i);
	int nrec = lx_recent_get(c->tid, rec);
	const char *code = lx_si_code_name(c->sig, si_code(c));
	struct timespec ts;

	sb_printf(b, "{\"pid\":%d,\"tid\":%d,\"event\":\"crash\",\"signal\":",
	    c->pid, c->tid);
	lx_json_str(b, lx_signame(c->sig) != NULL ? lx_signame(c->sig) : "?");
	sb_puts(b, ",\"si_code\":");
	if (code != NULL)
		lx_json_str(b, code);
	else
		sb_printf(b, "%d", si_code(c));
	sb_printf(b, ",\"reraised\":%s", c->reraised ? "true" : "false");
	if (has_addr(c))
		put_hex(b, "addr", si_addr(c));
	else
		sb_puts(b, ",\"addr\":null");
	put_hex(b, "pc", c->regs[0]);
	sb_puts(b, ",\"map_pc\":");
	lx_json_str(b, c->map_pc);
	sb_puts(b, ",\"map_addr\":");
	lx_json_str(b, c->map_addr);
	sb_puts(b, ",\"insn\":");
	if (pc_i >= 0)
		lx_json_str(b, ins[pc_i].text);
	else
		sb_puts(b, "null");
	sb_puts(b, ",\"code\":[");
	for (int i = first; i < n; i++) {
		sb_printf(b, "%s{\"addr\":\"0x%llx\",\"insn\":", i > first ? "," :
		    "", (unsigned long long)ins[i].addr);
		lx_json_str(b, ins[i].text);
		sb_printf(b, ",\"pc\":%s}", i == pc_i ? "true" : "false");
	}
	sb_puts(b, "],\"regs\":{");
	for (int i = 0; i < LX_CRASH_NREGS; i++)
		sb_printf(b, "%s\"%s\":\"0x%llx\"", i ? "," : "", reg_names[i],
		    (unsigned long long)c->regs[i]);
	sb_puts(b, "},\"last_syscalls\":[");
	for (int i = 0; i < nrec; i++) {
		sb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		lx_json_str(b, rec[i].name);
		sb_printf(b, ",\"ret\":%ld,\"served\":\"%s\"}", rec[i].ret,
		    lx_served_name(rec[i].served));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	sb_printf(b, "],\"t\":%lld.%06ld}\n", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000);
}

void
lx_trace_crash(const struct lx_crash *c)
{
	struct lx_sbuf b = { 0 };
	FILE *out = lx_opt.out != NULL ? lx_opt.out : stderr;

	if (lx_opt.trace && lx_opt.trace_format == LX_FMT_JSON)
		print_json(&b, c);
	else
		print_text(&b, c);
	fwrite(sb_str(&b), 1, b.len, out);
	fflush(out);
	sb_free(&b);
}
