/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getrandom(2) as lxrun serves it from host entropy: flags, the length
 * cap, partial counts at an unmapped page, EFAULT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
show(const char *what, long r)
{
	if (r < 0)
		printf("getrandom(%s) = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("getrandom(%s) = %ld\n", what, r);
}

static long
gr(void *buf, size_t len, unsigned flags)
{
	return syscall(SYS_getrandom, buf, len, flags);
}

int
main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char buf[4096], zero[4096];
	unsigned char *p, *big;
	size_t bigsz = 64UL << 20;
	long r;

	memset(buf, 0, sizeof(buf));
	memset(zero, 0, sizeof(zero));
	show("16", gr(buf, 16, 0));
	show("4096", r = gr(buf, sizeof(buf), 0));
	printf("filled: %s\n", memcmp(buf, zero, sizeof(buf)) ? "yes" : "no");
	show("0", gr(buf, 0, 0));
	show("NULL, 0", gr(NULL, 0, 0));
	show("NONBLOCK", gr(buf, 32, 1));
	show("RANDOM", gr(buf, 32, 2));
	show("INSECURE", gr(buf, 32, 4));
	show("NONBLOCK|INSECURE", gr(buf, 32, 5));
	show("RANDOM|INSECURE", gr(buf, 32, 6));
	show("bad flags 8", gr(buf, 32, 8));
	show("bad flags ~0", gr(buf, 32, ~0U));
	show("bad flags, NULL", gr(NULL, 32, 8));
	show("NULL", gr(NULL, 32, 0));
	show("kernel address", gr((void *)0xffff800000000000UL, 10, 0));
	show("top, 0 bytes", gr((void *)-4096L, 0, 0));
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + pg, pg);
	show("100 writable of 1000", gr(p + pg - 100, 1000, 0));
	show("10 writable of 20", gr(p + pg - 10, 20, 0));
	show("unmapped", gr(p + pg, 20, 0));
	mprotect(p, pg, PROT_READ);
	show("read-only", gr(p, 20, 0));
	/*
	 * A guard page after it: what follows a new mapping is whatever the
	 * kernel put there (natively and under lxrun alike), and SIZE_MAX
	 * below writes until the first page that cannot be written.
	 */
	big = mmap(NULL, bigsz + pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mprotect(big + bigsz, pg, PROT_NONE);
	/* No 32 MiB cap any more (Linux >= 5.18): the whole 64 MiB. */
	show("64 MiB", gr(big, bigsz, 0));
	/* SIZE_MAX is clamped, then stops at the end of the mapping. */
	show("SIZE_MAX into 64 MiB", gr(big, (size_t)-1, 0));
	return 0;
}
