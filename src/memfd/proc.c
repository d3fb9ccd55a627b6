/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What memfd needs to know about the traced processes that no syscall of
 * theirs tells it: what each traced process has mapped, whether a shared mapping may write (VM_MAYWRITE), and two host
 * settings.  This is the Linux host's answer, read from /proc and /sys;
 * a NetBSD host would answer from its own procfs / sysctl (kinfo_file,
 * kinfo_vmentry).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/fdtrack.h"
#include "memfd_int.h"

/* The kernel prints MAJOR:MINOR in hex; st_dev is glibc's encoding. */
static uint64_t
dev_of(unsigned long major, unsigned long minor)
{
	return ((uint64_t)(major & 0xfff) << 8) |
	    ((uint64_t)(major & ~0xfffUL) << 32) |
	    (uint64_t)(minor & 0xff) | ((uint64_t)(minor & ~0xffUL) << 12);
}

/* One /proc/PID/maps line: perms, device and inode. */
static bool
parse_map_line(const char *line, bool *shared, uint64_t *dev, uint64_t *ino)
{
	char perms[8];
	unsigned long major, minor;
	unsigned long long inode;

	if (sscanf(line, "%*x-%*x %7s %*x %lx:%lx %llu", perms, &major,
	    &minor, &inode) != 4)
		return false;
	*shared = perms[3] == 's';
	*dev = dev_of(major, minor);
	*ino = inode;
	return inode != 0;
}

int
memfd_proc_maps(int pid, void (*fn)(uint64_t dev, uint64_t ino,
    bool shared, void *arg), void *arg)
{
	char path[64], line[512];
	uint64_t dev, ino;
	bool shared;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (parse_map_line(line, &shared, &dev, &ino))
			fn(dev, ino, shared, arg);
		/* a long path: skip the rest of the line */
		while (strchr(line, '\n') == NULL &&
		    fgets(line, sizeof(line), f) != NULL)
			;
	}
	fclose(f);
	return 0;
}

struct shared_probe {
	uint64_t dev, ino;
	bool found;
};

static void
note_shared(uint64_t dev, uint64_t ino, bool shared, void *arg)
{
	struct shared_probe *p = arg;

	if (shared && dev == p->dev && ino == p->ino)
		p->found = true;
}

/*
 * VM_MAYWRITE is what Linux counts (mapping_writable), and only smaps
 * shows it ("mw" in VmFlags): a read-only shared mapping made through a
 * writable fd may be mprotect()ed to write, so it blocks F_SEAL_WRITE
 * too.  maps is read first, so smaps (which walks page tables) is read
 * only for a process that maps the file shared.
 */
bool
memfd_proc_shared_maywrite(int pid, uint64_t dev, uint64_t ino)
{
	struct shared_probe p = { dev, ino, false };
	char path[64], line[512];
	bool ours = false, busy = false;
	FILE *f;

	if (memfd_proc_maps(pid, note_shared, &p) < 0 || !p.found)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if ((f = fopen(path, "re")) == NULL)
		return true;	/* cannot tell: a shared mapping exists */
	while (!busy && fgets(line, sizeof(line), f) != NULL) {
		uint64_t d, i;
		bool shared;

		if (strncmp(line, "VmFlags:", 8) == 0) {
			busy = ours && strstr(line, " mw") != NULL;
			continue;
		}
		if (isxdigit((unsigned char)line[0]) &&
		    strchr(line, '-') != NULL && strchr(line, ':') != NULL &&
		    parse_map_line(line, &shared, &d, &i))
			ours = shared && d == dev && i == ino;
		else if (isxdigit((unsigned char)line[0]) &&
		    strchr(line, '-') != NULL)
			ours = false;
		while (strchr(line, '\n') == NULL &&
		    fgets(line, sizeof(line), f) != NULL)
			;
	}
	fclose(f);
	return busy;
}

int
memfd_proc_fd_flags(int pid, int fd)
{
	char path[64], line[128];
	int flags = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags:", 6) == 0) {
			flags = (int)strtoul(line + 6, NULL, 8);
			break;
		}
	fclose(f);
	return flags;
}

int
memfd_proc_vma(int pid, uint64_t addr, uint64_t *dev, uint64_t *ino,
    bool *shared, bool *maywrite)
{
	char path[64], line[512];
	bool in = false, found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long lo, hi;

		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			*maywrite = strstr(line, " mw") != NULL;
			found = true;
			break;
		}
		if (!in && sscanf(line, "%llx-%llx ", &lo, &hi) == 2 &&
		    strchr(line, ':') != NULL && lo <= addr && addr < hi)
			in = parse_map_line(line, shared, dev, ino);
		while (strchr(line, '\n') == NULL &&
		    fgets(line, sizeof(line), f) != NULL)
			;
	}
	fclose(f);
	return found ? 0 : -1;
}

static int
read_int_file(const char *path, long long *v)
{
	FILE *f = fopen(path, "re");
	int r;

	if (f == NULL)
		return -1;
	r = fscanf(f, "%lld", v) == 1 ? 0 : -1;
	fclose(f);
	return r;
}

/* Is tid in lxrun's own pid namespace (so the sysctl reads the same)? */
static bool
same_pid_ns(int tid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", tid);
	if (stat(path, &a) < 0 || stat("/proc/self/ns/pid", &b) < 0)
		return true;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

#define NOEXEC_SYSCTL	"/proc/sys/vm/memfd_noexec"

/* The guest reads the sysctl itself: it answers for the reader's pidns. */
static int
guest_noexec_scope(struct lx_guest *g, long long *v)
{
	uint64_t buf = lx_guest_scratch(g, 64);
	char text[32];
	long fd, n;

	if (buf == 0 || lx_guest_write(g, buf, NOEXEC_SYSCTL,
	    sizeof(NOEXEC_SYSCTL)) < 0)
		return -1;
	fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, buf,
	    LX_O_RDONLY | LX_O_CLOEXEC, 0, 0, 0);
	if (fd < 0)
		return -1;
	n = lx_guest_syscall(g, LX_NR_read, (uint64_t)fd, buf,
	    sizeof(text) - 1, 0, 0, 0);
	lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	if (n <= 0 || lx_guest_read(g, text, buf, (size_t)n) < 0)
		return -1;
	text[n] = '\0';
	return sscanf(text, "%lld", v) == 1 ? 0 : -1;
}

/*
 * vm.memfd_noexec is per pid namespace since Linux 6.3 (a child
 * namespace's is at least its parent's): the thread's own namespace
 * decides.
 */
int
memfd_noexec_scope(struct lx_guest *g)
{
	long long v = 0;

	if ((same_pid_ns(g->tid) || guest_noexec_scope(g, &v) < 0) &&
	    read_int_file(NOEXEC_SYSCTL, &v) < 0)
		v = 0;
	return (int)v;
}

#define HUGE_DIR	"/sys/kernel/mm/hugepages"

static unsigned
default_huge_shift(void)
{
	char line[128];
	unsigned long kb = 0;
	unsigned shift = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	while (kb > 1 && shift < 52) {
		kb >>= 1;
		shift++;
	}
	return kb == 1 ? shift + 10 : 0;
}

/*
 * hugetlb_file_setup() fails with ENODEV for a size the host has no
 * hstate for; the sizes are the hugepages-<kB>kB directories.
 */
unsigned
memfd_huge_shift(unsigned log)
{
	char path[96];
	struct stat st;

	if (log == 0)
		log = default_huge_shift();
	if (log < 12 || log > 62)
		return 0;
	snprintf(path, sizeof(path), HUGE_DIR "/hugepages-%llukB",
	    1ULL << (log - 10));
	return stat(path, &st) == 0 ? log : 0;
}

uint64_t
memfd_huge_free(unsigned huge_shift)
{
	char path[128];
	long long nfree = 0, resv = 0;

	if (huge_shift < 12)
		return 0;
	snprintf(path, sizeof(path), HUGE_DIR "/hugepages-%llukB/free_hugepages",
	    1ULL << (huge_shift - 10));
	if (read_int_file(path, &nfree) < 0)
		return 0;
	snprintf(path, sizeof(path), HUGE_DIR "/hugepages-%llukB/resv_hugepages",
	    1ULL << (huge_shift - 10));
	if (read_int_file(path, &resv) < 0)
		resv = 0;
	return nfree > resv ? (uint64_t)(nfree - resv) : 0;
}

struct writers {
	uint64_t dev, ino;
	int pid;
	struct {
		int pid, fd;
	} d[64];		/* distinct open files that write */
	int n;
};

#define KCMP_FILE_	0	/* kcmp(2) type: the same open file? */

static void
count_writer(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct writers *w = arg;
	int flags;

	if (dev != w->dev || ino != w->ino ||
	    (flags = memfd_proc_fd_flags(w->pid, fd)) < 0 ||
	    (flags & 03) == 0 || (flags & 010000000) /* O_PATH */)
		return;
	for (int i = 0; i < w->n; i++)
		if (syscall(SYS_kcmp, w->pid, w->d[i].pid, KCMP_FILE_, fd,
		    w->d[i].fd) == 0)
			return;
	if (w->n < (int)(sizeof(w->d) / sizeof(w->d[0]))) {
		w->d[w->n].pid = w->pid;
		w->d[w->n].fd = fd;
		w->n++;
	}
}

int
memfd_proc_writers(uint64_t dev, uint64_t ino)
{
	struct writers w = { .dev = dev, .ino = ino };
	const int *pids;
	int n = lx_fdtrack_pids(&pids);

	for (int i = 0; i < n; i++) {
		w.pid = pids[i];
		lx_proc_fds(pids[i], count_writer, &w);
	}
	return w.n;
}
