/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --loader=elf: the stub the kernel execs in place of the program.  Where
 * it is linked (out of an ET_EXEC program's way), and how the guest gets
 * it: lxrun's own sealed memfd, exec'd as /proc/LXRUN/fd/N by a thread
 * that has lxrun's credentials, else a memfd the guest makes itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "load_int.h"
#include "lxrun/linux_abi.h"

static bool
overlaps(const struct lx_elf *e, uint64_t lo, uint64_t hi)
{
	if (e->eh.e_type != ET_EXEC)
		return false;
	for (int i = 0; i < e->phnum; i++) {
		const GElf_Phdr *ph = &e->ph[i];
		uint64_t a = ph->p_vaddr & ~(LX_ELF_PAGE - 1);
		uint64_t b = ph->p_vaddr + ph->p_memsz + LX_ELF_PAGE;

		if (ph->p_type == PT_LOAD && a < hi && lo < b)
			return true;
	}
	return false;
}

/*
 * lxrun's own sealed memfd holding the stub linked at base, for the
 * guest to exec as /proc/LXRUN/fd/N: -1 if it cannot be had.
 */
static int
own_stub(uint64_t base)
{
	static struct {
		uint64_t base;
		int fd;
	} made[8];
	static int nmade, dumpable = -1;
	unsigned char img[512];
	size_t len;
	int fd;

	if (dumpable < 0)
		dumpable = prctl(PR_GET_DUMPABLE) == 1;
	if (!dumpable)
		return -1;	/* the guest could not open our /proc/PID/fd */
	for (int i = 0; i < nmade; i++)
		if (made[i].base == base)
			return made[i].fd;
	if (nmade == 8 || (len = lx_stub_image(img, sizeof(img), base)) == 0)
		return -1;
	fd = (int)syscall(SYS_memfd_create, "lxrun-stub",
	    MFD_CLOEXEC | MFD_ALLOW_SEALING | LX_MFD_EXEC);
	if (fd < 0)
		fd = (int)syscall(SYS_memfd_create, "lxrun-stub",
		    MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (pwrite(fd, img, len, 0) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK |
	    F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		close(fd);
		return -1;
	}
	made[nmade].base = base;
	made[nmade].fd = fd;
	nmade++;
	return fd;
}

/*
 * The first program lxrun starts: its child, still running lxrun's own
 * code, has lxrun's memory until its exec, so a path lxrun writes into
 * spawn_path is at the same address there.  The child spawn.c clones
 * shares that memory: the one stub it needs is made at its exec.  A
 * forked child (-D) has a copy: every candidate is made before the fork.
 */
static const uint64_t stub_cand[] = {
	0x10000, 0x100000000ULL, 0x300000000000ULL, 0x10000000000ULL,
};
#define NCAND (sizeof(stub_cand) / sizeof(stub_cand[0]))
static char spawn_path[NCAND][64];
static pid_t spawn_pid;
static bool spawn_execd, spawn_shared;

static uint64_t
cand_base(size_t i)
{
	static uint64_t min;

	if (min == 0) {
		FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "re");
		unsigned long long v;

		min = 65536;
		if (f != NULL) {
			if (fscanf(f, "%llu", &v) == 1 && v > min)
				min = (v + LX_ELF_PAGE - 1) &
				    ~(LX_ELF_PAGE - 1);
			fclose(f);
		}
	}
	return stub_cand[i] < min ? min : stub_cand[i];
}

void
load_prepare(bool shared)
{
	if (shared)
		return;
	for (size_t i = 0; i < NCAND; i++) {
		int fd = own_stub(cand_base(i));

		if (fd >= 0)
			snprintf(spawn_path[i], sizeof(spawn_path[i]),
			    "/proc/%d/fd/%d", (int)getpid(), fd);
	}
}

void
load_spawned(pid_t pid, bool shared)
{
	spawn_pid = pid;
	spawn_shared = shared;
}

/*
 * The path of the stub for a thread that sees files as lxrun does (so
 * its exec of /proc/LXRUN/fd/N passes the same checks lxrun's would):
 * its guest address, or 0 to use a memfd of the guest's.
 */
uint64_t
load_stub_path(struct exec_req *x)
{
	char path[64];
	int fd;

	if (!x->same_view || (fd = own_stub(x->le->stub_base)) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
	if (x->t->proc->pid == spawn_pid && !spawn_execd) {
		if (spawn_shared) {	/* our memory is the child's */
			strcpy(spawn_path[0], path);
			return (uint64_t)(uintptr_t)spawn_path[0];
		}
		for (size_t i = 0; i < NCAND; i++)
			if (strcmp(spawn_path[i], path) == 0)
				return (uint64_t)(uintptr_t)spawn_path[i];
	}
	if (load_need_scratch(x) < 0 ||
	    mem_write(x->t, x->scratch + SCR_PATH, path, strlen(path) + 1) < 0)
		return 0;
	return x->scratch + SCR_PATH;
}

/* Where to link the stub: low, unless an ET_EXEC program is there. */
uint64_t
load_stub_base(const struct load_exec *le)
{
	for (size_t i = 0; i < NCAND; i++) {
		uint64_t b = cand_base(i);

		if (!overlaps(&le->main, b, b + LX_STUB_LEN) &&
		    !(le->has_interp &&
		    overlaps(&le->interp, b, b + LX_STUB_LEN)))
			return b;
	}
	return 0;
}

/* The stub in a memfd of the guest's: its fd. */
int
load_make_stub(struct exec_req *x)
{
	unsigned char img[512];
	size_t len = lx_stub_image(img, sizeof(img), x->le->stub_base);
	static const char name[] = "lxrun-stub";
	uint64_t at = x->scratch + SCR_PATH;
	long fd, r;

	if (len == 0 || mem_write(x->t, at, name, sizeof(name)) < 0 ||
	    mem_write(x->t, x->scratch + SCR_STUB, img, len) < 0)
		return -LX_EFAULT;
	fd = load_inject(x, LX_NR_memfd_create, at, LX_MFD_CLOEXEC | LX_MFD_EXEC,
	    0, 0, 0);
	if (fd == -LX_EINVAL)	/* before Linux 6.3: no MFD_EXEC */
		fd = load_inject(x, LX_NR_memfd_create, at, LX_MFD_CLOEXEC, 0, 0,
		    0);
	if (fd < 0)
		return (int)fd;
	x->le->stub_gfd = (int)fd;
	r = load_inject(x, LX_NR_pwrite64, (uint64_t)fd, x->scratch + SCR_STUB,
	    len, 0, 0);
	if (r != (long)len)
		return r < 0 ? (int)r : -LX_EIO;
	return 0;
}

/* The first program has exec'd: its memory is lxrun's no more. */
void
load_stub_execd(struct task *t)
{
	if (t->proc->pid == spawn_pid)
		spawn_execd = true;
}
