/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd_create: every flag combination's errno, mode, initial seals and
 * close-on-exec; the name limit and bad name pointers; what fstat,
 * F_GETFL and readlink of /proc/self/fd/N show; EMFILE; HUGETLB sizes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << MFD_HUGE_SHIFT)
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif

static long
mc(const void *name, unsigned flags)
{
	long r = syscall(SYS_memfd_create, name, flags);

	return r < 0 ? -errno : r;
}

static void
show(const char *what, unsigned flags)
{
	long fd = mc("show", flags);
	char path[64], link[300];
	struct stat st;
	ssize_t n;

	printf("%-28s flags %#010x -> ", what, flags);
	if (fd < 0) {
		printf("%s\n", strerror((int)-fd));
		return;
	}
	fstat((int)fd, &st);
	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	printf("fd %ld mode %o nlink %lu size %ld seals %#x getfl %#x "
	    "cloexec %d link %s\n", fd, st.st_mode, (unsigned long)st.st_nlink,
	    (long)st.st_size, fcntl((int)fd, F_GET_SEALS),
	    fcntl((int)fd, F_GETFL), fcntl((int)fd, F_GETFD), link);
	close((int)fd);
}

int
main(void)
{
	char name[400];
	int fds[64], n;
	struct rlimit rl;

	show("none", 0);
	show("CLOEXEC", MFD_CLOEXEC);
	show("ALLOW_SEALING", MFD_ALLOW_SEALING);
	show("CLOEXEC|ALLOW_SEALING", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	show("NOEXEC_SEAL", MFD_NOEXEC_SEAL);
	show("NOEXEC_SEAL|ALLOW_SEALING", MFD_NOEXEC_SEAL | MFD_ALLOW_SEALING);
	show("EXEC", MFD_EXEC);
	show("EXEC|ALLOW_SEALING", MFD_EXEC | MFD_ALLOW_SEALING);
	show("EXEC|NOEXEC_SEAL", MFD_EXEC | MFD_NOEXEC_SEAL);
	show("unknown 0x20", 0x20);
	show("unknown 0x100", 0x100);
	show("unknown 0x80000000", 0x80000000U);
	show("HUGE_2MB without HUGETLB", MFD_HUGE_2MB);
	/* hugetlb objects: only what does not touch pages */
	for (unsigned log = 0; log < 64; log += 3) {
		unsigned f = MFD_HUGETLB | (log << MFD_HUGE_SHIFT);
		long fd = mc("huge", f);

		printf("HUGETLB log %2u -> %s\n", log,
		    fd < 0 ? strerror((int)-fd) : "ok");
		if (fd >= 0)
			close((int)fd);
	}
	printf("HUGETLB|2MB|ALLOW_SEALING -> %s\n",
	    mc("h", MFD_HUGETLB | MFD_HUGE_2MB | MFD_ALLOW_SEALING) >= 3 ?
	    "ok" : "error");

	/* names: 249 bytes is the limit, the pointer must be readable */
	memset(name, 'n', sizeof(name));
	for (int len = 247; len <= 251; len++) {
		long fd;

		name[len] = '\0';
		fd = mc(name, 0);
		printf("name of %d bytes -> %s\n", len,
		    fd < 0 ? strerror((int)-fd) : "ok");
		if (fd >= 0)
			close((int)fd);
		name[len] = 'n';
	}
	printf("NULL name -> %s\n", strerror((int)-mc(NULL, 0)));
	printf("bad name -> %s\n", strerror((int)-mc((void *)16, 0)));
	printf("NULL name, bad flags -> %s\n", strerror((int)-mc(NULL, 0x40)));
	printf("long name, bad flags -> %s\n", strerror((int)-mc(name, 0x40)));
	{
		/* 250 readable bytes then an unmapped page: still EINVAL */
		char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(p + 4096, 4096);
		memset(p + 4096 - 250, 'e', 250);
		printf("250 bytes at a page end -> %s\n",
		    strerror((int)-mc(p + 4096 - 250, 0)));
		memset(p + 4096 - 100, 'e', 100);
		printf("100 bytes at a page end -> %s\n",
		    strerror((int)-mc(p + 4096 - 100, 0)));
	}
	{
		long fd = mc("", 0);
		char link[64];
		ssize_t k;

		snprintf(name, sizeof(name), "/proc/self/fd/%ld", fd);
		k = readlink(name, link, sizeof(link));
		printf("empty name link: %.*s\n", (int)k, link);
		close((int)fd);
		fd = mc("a/b c", 0);
		snprintf(name, sizeof(name), "/proc/self/fd/%ld", fd);
		k = readlink(name, link, sizeof(link));
		printf("odd name link: %.*s\n", (int)k, link);
		close((int)fd);
	}

	/* the lowest free fd, and EMFILE */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 16;
	setrlimit(RLIMIT_NOFILE, &rl);
	for (n = 0; n < 64; n++) {
		long fd = mc("many", MFD_CLOEXEC);

		if (fd < 0) {
			printf("after %d: %s\n", n, strerror((int)-fd));
			break;
		}
		fds[n] = (int)fd;
	}
	close(fds[5]);
	printf("reuses the lowest free fd: %s\n",
	    mc("again", 0) == fds[5] ? "yes" : "no");
	return 0;
}
