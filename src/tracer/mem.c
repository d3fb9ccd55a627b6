/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest memory.  Reads and writes go through process_vm_readv/writev, which
 * fail with EFAULT on bad addresses as the kernel would for the guest.  One
 * case needs /proc/PID/mem: process_vm_writev does not grow a stack, so a
 * write just below the lowest stack page falls back to it, but only there
 * and in writable mappings (a /proc/PID/mem write would also go through
 * read-only pages, where the guest's own kernel call would fail).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

#define PAGE 4096ULL

int
mem_read(struct task *t, void *dst, uint64_t src, size_t n)
{
	struct iovec l = { dst, n }, r = { (void *)(uintptr_t)src, n };
	ssize_t got;

	if (n == 0)
		return 0;
	if (src + n < src)
		return -LX_EFAULT;
	got = process_vm_readv(t->tid, &l, 1, &r, 1, 0);
	return got == (ssize_t)n ? 0 : -LX_EFAULT;
}

static int
proc_mem_fd(struct task *t)
{
	char path[64];

	if (t->proc->memfd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)t->tid);
		t->proc->memfd = open(path, O_RDWR | O_CLOEXEC);
	}
	return t->proc->memfd;
}

/*
 * May [dst, dst+n) be written through /proc/PID/mem?  Yes if it lies in
 * writable mappings, or just below a grows-down stack (which the guest's
 * own access would grow).
 */
static bool
mem_writable(struct task *t, uint64_t dst, size_t n)
{
	char path[64], line[512];
	uint64_t end = dst + n, covered = dst;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)t->tid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		uint64_t lo, hi;
		char perm[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi,
		    perm) != 3)
			continue;
		if (strstr(line, "[stack]") != NULL && perm[1] == 'w' &&
		    covered < lo && covered + 65536 >= lo)
			covered = lo;
		if (lo <= covered && covered < hi) {
			if (perm[1] != 'w')
				break;
			covered = hi;
			if (covered >= end) {
				ok = true;
				break;
			}
		}
	}
	fclose(f);
	return ok;
}

/* g_read_string's copy of the last string is good while this holds. */
unsigned mem_gen = 1;

int
mem_write(struct task *t, uint64_t dst, const void *src, size_t n)
{
	struct iovec l = { (void *)src, n }, r = { (void *)(uintptr_t)dst, n };
	int fd;

	mem_gen++;

	if (n == 0)
		return 0;
	if (dst + n < dst)
		return -LX_EFAULT;
	if (process_vm_writev(t->tid, &l, 1, &r, 1, 0) == (ssize_t)n)
		return 0;
	if (!mem_writable(t, dst, n) || (fd = proc_mem_fd(t)) < 0)
		return -LX_EFAULT;
	return pwrite(fd, src, n, (off_t)dst) == (ssize_t)n ? 0 : -LX_EFAULT;
}

/*
 * Read a C string page by page: a string may end just before an unmapped
 * page, so never read past the page that holds the NUL.
 */
long
mem_read_string(struct task *t, char *dst, uint64_t src, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		uint64_t a = src + done;
		size_t chunk = PAGE - (a & (PAGE - 1));
		struct iovec l, r;
		ssize_t got;
		char *nul;

		if (chunk > cap - done)
			chunk = cap - done;
		l.iov_base = dst + done;
		l.iov_len = chunk;
		r.iov_base = (void *)(uintptr_t)a;
		r.iov_len = chunk;
		got = process_vm_readv(t->tid, &l, 1, &r, 1, 0);
		if (got <= 0)
			return -LX_EFAULT;
		if ((nul = memchr(dst + done, '\0', (size_t)got)) != NULL)
			return (long)(nul - dst);
		done += (size_t)got;
		if ((size_t)got < chunk)
			return -LX_EFAULT;
	}
	return -LX_ENAMETOOLONG;
}
