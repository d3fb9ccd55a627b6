/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The process image exec leaves, as the program itself sees it: argv,
 * envp and AT_EXECFN, every auxv entry (its value, or where random its
 * shape), /proc/self/exe, cmdline, environ, comm, auxv and stat, the
 * mappings of the program and its interpreter with their permissions,
 * brk growth, and the program headers read back through AT_PHDR.
 *
 * It execs itself once with a chosen argv and environment (so under
 * --loader=elf both the first exec and a guest's execve are the loader's)
 * and prints the same facts in both images.  Run natively and under
 * lxrun --loader=elf, the outputs must be equal: the loader must build
 * what the kernel's exec builds.  The one designed difference, no vDSO
 * under the loader, is checked for consistency only (AT_SYSINFO_EHDR
 * present exactly when a [vdso] mapping is, at that address).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static const char *exe_path;	/* realpath of /proc/self/exe */

/* Print a string with its unprintable bytes escaped. */
static void
show(const char *label, const char *s)
{
	printf("%s=\"", label);
	for (; *s != '\0'; s++)
		if (*s >= 0x20 && *s < 0x7f && *s != '"')
			putchar(*s);
		else
			printf("\\x%02x", (unsigned char)*s);
	printf("\"\n");
}

static size_t
read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return 0;
	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	close(fd);
	return n;
}

/* The concatenation of strings v[0..n) with their NULs. */
static int
same_vector(const char *buf, size_t len, char **v, int n)
{
	size_t at = 0;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		if (at + l > len || memcmp(buf + at, v[i], l) != 0)
			return 0;
		at += l;
	}
	return at == len;
}

struct maprow {
	unsigned long lo, hi;
	char perm[8], path[256];
};

static int
read_maps(struct maprow *m, int cap)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	while (f != NULL && n < cap && fgets(line, sizeof(line), f) != NULL) {
		m[n].path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &m[n].lo,
		    &m[n].hi, m[n].perm, m[n].path) >= 3)
			n++;
	}
	if (f != NULL)
		fclose(f);
	return n;
}

static const char *
kind(const struct maprow *r)
{
	if (strcmp(r->path, exe_path) == 0)
		return "program";
	if (strstr(r->path, "/ld-linux") != NULL)
		return "interpreter";
	if (strcmp(r->path, "[stack]") == 0)
		return "stack";
	return NULL;
}

/* The program's, the interpreter's and the stack's mappings, in order,
 * and the anonymous .bss right after the program's last file page. */
static void
show_maps(unsigned long *prog_end)
{
	static struct maprow m[512];
	int n = read_maps(m, 512), vdso = -1;
	unsigned long vdso_at = getauxval(AT_SYSINFO_EHDR);

	*prog_end = 0;
	for (int i = 0; i < n; i++) {
		const char *k = kind(&m[i]);

		if (strcmp(m[i].path, "[vdso]") == 0)
			vdso = i;
		if (k == NULL)
			continue;
		printf("map %s %s\n", k, m[i].perm);
		if (strcmp(k, "program") == 0) {
			*prog_end = m[i].hi;
			if (i + 1 < n && m[i + 1].path[0] == '\0' &&
			    m[i + 1].lo == m[i].hi)
				printf("map program-bss %s\n", m[i + 1].perm);
		}
	}
	/* no vDSO is the loader's choice; either way it must be coherent */
	if (vdso_at == 0 ? vdso < 0 : (vdso >= 0 && m[vdso].lo == vdso_at))
		printf("vdso coherent\n");
	else
		printf("vdso INCOHERENT: AT_SYSINFO_EHDR %#lx\n", vdso_at);
}

static int
main_phdrs(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct dl_phdr_info **out = arg;

	if (out[0] == NULL) {
		static struct dl_phdr_info first;

		first = *info;
		out[0] = &first;	/* the program comes first */
	} else if (info->dlpi_name != NULL &&
	    strstr(info->dlpi_name, "ld-linux") != NULL) {
		static struct dl_phdr_info ld;

		ld = *info;
		out[1] = &ld;
	}
	return 0;
}

/* Each auxv entry: its value, or what it must be. */
static void
show_auxv(const struct dl_phdr_info *prog, const struct dl_phdr_info *ld,
    unsigned long stack_lo, unsigned long stack_hi)
{
	static uint64_t pv[128];
	uint64_t *mem;
	size_t n = read_file("/proc/self/auxv", (char *)pv, sizeof(pv));
	char **e = environ;
	int i;

	/* the auxv in memory follows envp's NULL; /proc must say the same */
	while (*e != NULL)
		e++;
	mem = (uint64_t *)(e + 1);
	for (i = 0; mem[2 * i] != AT_NULL; i++)
		;
	printf("auxv /proc matches memory: %s\n",
	    n == (size_t)(i + 1) * 16 && memcmp(pv, mem, n) == 0 ? "yes" :
	    "NO");
	for (uint64_t *p = mem; p[0] != AT_NULL; p += 2) {
		uint64_t t = p[0], v = p[1];

		switch (t) {
		case AT_SYSINFO_EHDR:
			continue;	/* see show_maps */
		case AT_PHDR:
			printf("AT_PHDR %s\n", prog != NULL &&
			    v == (uint64_t)(uintptr_t)prog->dlpi_phdr ?
			    "= the program's headers" : "WRONG");
			break;
		case AT_BASE:
			if (ld == NULL)
				printf("AT_BASE %#lx\n", (unsigned long)v);
			else
				printf("AT_BASE %s\n", v == ld->dlpi_addr ?
				    "= the interpreter's base" : "WRONG");
			break;
		case AT_ENTRY:
			printf("AT_ENTRY %s\n", v == (uint64_t)(uintptr_t)_start ?
			    "= _start" : "WRONG");
			break;
		case AT_RANDOM: {
			const unsigned char *r = (void *)(uintptr_t)v;
			int nz = 0;

			for (int k = 0; k < 16; k++)
				nz |= r[k];
			printf("AT_RANDOM %s\n", v >= stack_lo && v + 16 <=
			    stack_hi && nz ? "16 bytes on the stack" : "WRONG");
			break;
		}
		case AT_PLATFORM:
			show("AT_PLATFORM", (const char *)(uintptr_t)v);
			break;
		case AT_EXECFN:
			show("AT_EXECFN", (const char *)(uintptr_t)v);
			break;
		default:
			printf("auxv %lu = %#lx\n", (unsigned long)t,
			    (unsigned long)v);
		}
	}
}

/* /proc/self/stat field i (1-based), after the comm. */
static unsigned long
stat_field(const char *stat, int i)
{
	const char *p = strrchr(stat, ')') + 2;

	for (int f = 3; f < i; f++)
		p = strchr(p, ' ') + 1;
	return strtoul(p, NULL, 10);
}

static void
show_mm(int argc, char **argv, const struct dl_phdr_info *prog)
{
	char stat[1024];
	size_t n = read_file("/proc/self/stat", stat, sizeof(stat) - 1);
	unsigned long sc = ~0UL, ec = 0, sd = 0, ed = 0;
	char **e = environ;

	stat[n] = '\0';
	for (int i = 0; i < prog->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &prog->dlpi_phdr[i];
		unsigned long k = prog->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_flags & PF_X) && k < sc)
			sc = k;
		if (k > sd)
			sd = k;
		if ((ph->p_flags & PF_X) && k + ph->p_filesz > ec)
			ec = k + ph->p_filesz;
		if (k + ph->p_filesz > ed)
			ed = k + ph->p_filesz;
	}
	while (*e != NULL)
		e++;
	printf("stat code range %s\n", stat_field(stat, 26) == sc &&
	    stat_field(stat, 27) == ec ? "ok" : "WRONG");
	printf("stat data range %s\n", stat_field(stat, 45) == sd &&
	    stat_field(stat, 46) == ed ? "ok" : "WRONG");
	/* argc is at the initial stack pointer, argv right above it */
	printf("stat start_stack %s\n", stat_field(stat, 28) ==
	    (unsigned long)argv - 8 ? "= the initial sp" : "WRONG");
	printf("initial sp 16-aligned: %s\n",
	    ((unsigned long)argv - 8) % 16 == 0 ? "yes" : "NO");
	printf("stat args %s\n", stat_field(stat, 48) ==
	    (unsigned long)argv[0] && stat_field(stat, 49) ==
	    (unsigned long)argv[argc - 1] + strlen(argv[argc - 1]) + 1 ?
	    "= argv's strings" : "WRONG");
	printf("stat env %s\n", environ[0] == NULL || (stat_field(stat, 50) ==
	    (unsigned long)environ[0] && stat_field(stat, 51) ==
	    (unsigned long)e[-1] + strlen(e[-1]) + 1) ?
	    "= envp's strings" : "WRONG");
	printf("AT_EXECFN right after the environment: %s\n",
	    getauxval(AT_EXECFN) == stat_field(stat, 51) ? "yes" : "NO");
}

/* brk: where it starts, that it grows and shrinks, [heap] follows. */
static void
show_brk(unsigned long prog_end)
{
	static struct maprow m[512];
	char stat[1024];
	size_t n = read_file("/proc/self/stat", stat, sizeof(stat) - 1);
	char *b0 = sbrk(0), *b1;
	unsigned long start_brk;
	int rows, heap = 0;

	stat[n] = '\0';
	start_brk = stat_field(stat, 47);
	printf("start_brk page-aligned: %s\n", start_brk % 4096 == 0 ?
	    "yes" : "NO");
	printf("brk not below start_brk: %s\n",
	    (unsigned long)b0 >= start_brk ? "yes" : "NO");
	/* a static PIE's brk is moved to ELF_ET_DYN_BASE (+ up to 1 GiB) */
	if (start_brk >= prog_end)
		printf("start_brk above the program\n");
	else if (start_brk >= 0x555555555000UL &&
	    start_brk < 0x555555555000UL + (1UL << 30) + 4096)
		printf("start_brk at ELF_ET_DYN_BASE\n");
	else
		printf("start_brk ELSEWHERE\n");
	if (sbrk(256 * 1024) != b0) {
		printf("brk: cannot grow\n");
		return;
	}
	b1 = sbrk(0);
	memset(b0, 0x5a, 256 * 1024);
	rows = read_maps(m, 512);
	for (int i = 0; i < rows; i++)
		if (strcmp(m[i].path, "[heap]") == 0 &&
		    m[i].lo <= (unsigned long)b0 && (unsigned long)b1 <= m[i].hi)
			heap = 1;
	printf("brk grew by %ld, [heap] %s\n", (long)(b1 - b0),
	    heap ? "covers it" : "MISSING");
	printf("brk shrinks: %s\n", sbrk(-256 * 1024) == b1 && sbrk(0) == b0 ?
	    "yes" : "NO");
}

/* The program headers in memory are the file's. */
static void
show_phdr_self_read(void)
{
	const ElfW(Phdr) *mem = (const void *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	ElfW(Ehdr) eh;
	static ElfW(Phdr) file[128];
	int fd = open("/proc/self/exe", O_RDONLY);

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    eh.e_phnum != phnum || phnum > 128 ||
	    pread(fd, file, phnum * sizeof(file[0]), (off_t)eh.e_phoff) !=
	    (ssize_t)(phnum * sizeof(file[0]))) {
		printf("phdr self-read: cannot read the file\n");
		return;
	}
	close(fd);
	printf("phdr self-read: %lu headers, %s the file's\n", phnum,
	    memcmp(mem, file, phnum * sizeof(file[0])) == 0 ? "same as" :
	    "NOT");
	for (unsigned long i = 0; i < phnum; i++)
		printf("phdr %lu type %#x flags %#x\n", i, mem[i].p_type,
		    mem[i].p_flags);
}

static void
facts(int argc, char **argv)
{
	static char buf[1 << 20];
	const struct dl_phdr_info *ph[2] = { NULL, NULL };
	static struct maprow m[512];
	unsigned long stack_lo = 0, stack_hi = 0, prog_end;
	char exe[4096];
	ssize_t l;
	size_t n;
	int envc = 0, rows;

	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[l > 0 ? l : 0] = '\0';
	exe_path = exe;
	show("exe", exe);
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++) {
		char label[32];

		snprintf(label, sizeof(label), "argv[%d]", i);
		show(label, argv[i]);
	}
	while (environ[envc] != NULL)
		envc++;
	n = read_file("/proc/self/cmdline", buf, sizeof(buf));
	printf("cmdline = argv: %s\n", same_vector(buf, n, argv, argc) ?
	    "yes" : "NO");
	n = read_file("/proc/self/environ", buf, sizeof(buf));
	printf("environ = envp: %s\n", same_vector(buf, n, environ, envc) ?
	    "yes" : "NO");
	n = read_file("/proc/self/comm", buf, sizeof(buf) - 1);
	buf[n] = '\0';
	show("comm", buf);
	rows = read_maps(m, 512);
	for (int i = 0; i < rows; i++)
		if (strcmp(m[i].path, "[stack]") == 0) {
			stack_lo = m[i].lo;
			stack_hi = m[i].hi;
		}
	dl_iterate_phdr(main_phdrs, ph);
	show_auxv(ph[0], ph[1], stack_lo, stack_hi);
	show_maps(&prog_end);
	show_mm(argc, argv, ph[0]);
	show_brk(prog_end);
	show_phdr_self_read();
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	char *args[] = { "loader-image", "two words", "", "\t-x", NULL };
	char *envs[] = { "K=v", "EMPTY=", "PATH=/usr/bin:/bin", NULL };
	const char *self = (const char *)getauxval(AT_EXECFN);

	if (argc > 1 && strcmp(argv[1], "two words") == 0) {
		printf("== after execve\n");
		for (int i = 0; environ[i] != NULL; i++)
			show("env", environ[i]);
		facts(argc, argv);
		return 0;
	}
	printf("== as started\n");
	facts(argc, argv);
	execve(self, args, envs);
	perror("execve");
	return 1;
}
