/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MFD_HUGETLB with and without a MFD_HUGE_* size: which sizes exist
 * (ENODEV for one the host has no pool of), write() and its relatives
 * (EINVAL: hugetlbfs has no write), ftruncate (whole huge pages, then
 * the seals), fallocate and mmap against the host's pool of free huge
 * pages (ENOSPC, ENOMEM; none of this machine's are free unless the
 * test's caller made some), mmap offsets (EINVAL), MAP_NORESERVE (the
 * file grows to the mapping, F_SEAL_WRITE is then EBUSY), and the same
 * in a child that got the fd by fork before anything was mapped.  Pages
 * of a MAP_NORESERVE mapping are not touched: with no free huge page
 * Linux raises SIGBUS there (docs/semantics.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MB (1L << 20)
#define HUGE_SHIFT 26

static void
res(const char *what, long r)
{
	if (r < 0)
		printf("%-44s -> %s\n", what, strerror(errno));
	else
		printf("%-44s -> %ld\n", what, r);
	fflush(stdout);
}

static long
size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? -1 : (long)st.st_size;
}

static void
calls(int fd)
{
	struct iovec v = { "x", 1 };
	int p[2], src;
	void *m;
	off_t o = 0;

	res("write", write(fd, "x", 1));
	res("write 0 bytes", write(fd, "x", 0));
	res("pwrite", pwrite(fd, "x", 1, 0));
	res("writev", writev(fd, &v, 1));
	res("pwritev2", pwritev2(fd, &v, 1, 0, 0));
	if (pipe(p) < 0)
		abort();
	res("pipe write", write(p[1], "ab", 2));
	res("splice into it", splice(p[0], NULL, fd, NULL, 2, 0));
	close(p[0]);
	close(p[1]);
	src = memfd_create("src", 0);
	res("source write", write(src, "hello", 5));
	res("sendfile into it", sendfile(fd, src, &o, 5));
	o = 0;
	res("copy_file_range into it", copy_file_range(src, &o, fd, NULL, 5, 0));
	close(src);
	res("read", read(fd, (char[8]){ 0 }, 8));
	res("ftruncate 4096", ftruncate(fd, 4096));
	res("ftruncate 3 MiB", ftruncate(fd, 3 * MB));
	res("ftruncate 2 MiB", ftruncate(fd, 2 * MB));
	res("size", size_of(fd));
	res("pread at 0", pread(fd, (char[8]){ 0 }, 8, 0));
	res("fallocate 2 MiB", fallocate(fd, 0, 0, 2 * MB));
	res("fallocate 4096 keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0,
	    4096));
	res("fallocate punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, 0, 2 * MB));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	res("mmap shared 4096", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 2 * MB, PROT_READ, MAP_PRIVATE, fd, 0);
	res("mmap private 2 MiB", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	res("mmap at offset 4096", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);
	res("mmap 0 bytes", m == MAP_FAILED ? -1 : 0);
	m = mmap((void *)(64 * MB + 4096), 2 * MB, PROT_READ, MAP_SHARED |
	    MAP_FIXED_NOREPLACE | MAP_NORESERVE, fd, 0);
	res("mmap at an address not 2 MiB aligned", m == MAP_FAILED ? -1 : 0);
}

int
main(void)
{
	int fd, st;
	void *m;

	setvbuf(stdout, NULL, _IOLBF, 0);
	res("MFD_HUGETLB", fd = memfd_create("huge", MFD_HUGETLB |
	    MFD_ALLOW_SEALING));
	res("MFD_HUGETLB|MFD_HUGE_2MB", memfd_create("h", MFD_HUGETLB |
	    (21U << HUGE_SHIFT)));
	res("MFD_HUGETLB|MFD_HUGE_1GB", memfd_create("h", MFD_HUGETLB |
	    (30U << HUGE_SHIFT)));
	res("MFD_HUGETLB|MFD_HUGE_64KB", memfd_create("h", MFD_HUGETLB |
	    (16U << HUGE_SHIFT)));
	res("MFD_HUGE_2MB without MFD_HUGETLB", memfd_create("h",
	    21U << HUGE_SHIFT));
	if (fd < 0)
		return 0;
	if (fork() == 0) {
		printf("-- child (fd by fork)\n");
		calls(fd);
		_exit(0);
	}
	wait(&st);
	printf("-- parent\n");
	calls(fd);
	m = mmap(NULL, 3 * MB, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_NORESERVE, fd, 0);
	res("mmap 3 MiB MAP_NORESERVE", m == MAP_FAILED ? -1 : 0);
	res("size after it", size_of(fd));
	res("seal WRITE while mapped", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	if (m != MAP_FAILED)
		munmap(m, 4 * MB);	/* rounded up to huge pages */
	res("seal SHRINK|GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK |
	    F_SEAL_GROW));
	res("ftruncate 2 MiB sealed", ftruncate(fd, 2 * MB));
	res("ftruncate 8 MiB sealed", ftruncate(fd, 8 * MB));
	res("ftruncate 4097 sealed", ftruncate(fd, 4097));
	res("seal WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	res("write sealed", write(fd, "x", 1));
	res("fallocate punch sealed", fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, 0, 2 * MB));
	m = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_NORESERVE, fd, 0);
	res("mmap writable sealed", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 2 * MB, PROT_READ, MAP_SHARED, fd, 4096);
	res("mmap read-only at offset 4096 sealed", m == MAP_FAILED ? -1 : 0);
	return 0;
}
