/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What memfd needs to know about the traced processes that no syscall of
 * theirs tells it: which processes are traced, what each has open and
 * mapped, whether a shared mapping may write (VM_MAYWRITE), and two host
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
#include <unistd.h>

#include "memfd_int.h"

static int *traced;
static int ntraced, traced_cap;
static bool traced_stale = true;

void
memfd_traced_dirty(void)
{
	traced_stale = true;
}

static bool
traced_by_me(int pid, int me)
{
	char path[64], line[128];
	bool mine = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "TracerPid:", 10) == 0) {
			mine = atoi(line + 10) == me;
			break;
		}
	fclose(f);
	return mine;
}

static void
traced_add(int pid)
{
	if (ntraced == traced_cap) {
		int cap = traced_cap ? 2 * traced_cap : 16;
		int *n = realloc(traced, (size_t)cap * sizeof(*n));

		if (n == NULL)
			return;
		traced = n;
		traced_cap = cap;
	}
	traced[ntraced++] = pid;
}

/*
 * The list is rebuilt from /proc only after a clone, exec or exit was
 * seen (the hooks mark it stale), so a burst of memfd calls scans once.
 */
int
memfd_traced_pids(int **pids)
{
	struct dirent *de;
	int me = getpid();
	DIR *d;

	if (traced_stale && (d = opendir("/proc")) != NULL) {
		ntraced = 0;
		while ((de = readdir(d)) != NULL) {
			int pid;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			pid = atoi(de->d_name);
			if (traced_by_me(pid, me))
				traced_add(pid);
		}
		closedir(d);
		traced_stale = false;
	}
	*pids = traced;
	return ntraced;
}

int
memfd_proc_fds(int pid, void (*fn)(int fd, uint64_t dev, uint64_t ino,
    void *arg), void *arg)
{
	char path[64];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (fstatat(dfd, de->d_name, &st, 0) == 0)
			fn(atoi(de->d_name), st.st_dev, st.st_ino, arg);
	}
	closedir(d);
	return 0;
}

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
memfd_noexec_scope(void)
{
	FILE *f = fopen("/proc/sys/vm/memfd_noexec", "re");
	int v = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/*
 * hugetlb_file_setup() fails with ENODEV for a size the host has no
 * hstate for; the sizes are the hugepages-<kB>kB directories.
 */
bool
memfd_huge_size_ok(unsigned log)
{
	char path[96];
	struct stat st;

	if (log == 0)
		return true;
	if (log < 10 || log > 62)
		return false;
	snprintf(path, sizeof(path),
	    "/sys/kernel/mm/hugepages/hugepages-%llukB", 1ULL << (log - 10));
	return stat(path, &st) == 0;
}
