/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What each seal refuses on the data path, errno for errno: the write
 * family (write, pwrite64, writev, pwritev, pwritev2, sendfile,
 * copy_file_range, splice), ftruncate, fallocate, mmap and mprotect,
 * fchmod; F_SEAL_GROW's page rule for a write that straddles the end;
 * dups made before and after the seal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef RWF_APPEND
#define RWF_APPEND 0x10
#endif

#define SIZE (3 * 4096 + 100)

static char buf[65536];
/* Bad inputs the compiler must not see through. */
static void *volatile bad_ptr = (void *)16;
static volatile int too_many = 2000;

static void
res(const char *what, long r)
{
	if (r < 0)
		printf("%-46s -> %s\n", what, strerror(errno));
	else
		printf("%-46s -> %ld\n", what, r);
}

static void
resm(const char *what, void *p)
{
	if (p == MAP_FAILED)
		printf("%-46s -> %s\n", what, strerror(errno));
	else
		printf("%-46s -> mapped\n", what);
}

static long
size_of(int fd)
{
	struct stat st;

	fstat(fd, &st);
	return (long)st.st_size;
}

static int
mk(unsigned seals)
{
	int fd = memfd_create("w", MFD_ALLOW_SEALING);

	ftruncate(fd, SIZE);
	if (seals != 0 && fcntl(fd, F_ADD_SEALS, seals) < 0)
		printf("cannot seal %#x: %s\n", seals, strerror(errno));
	return fd;
}

static int
reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, flags);
}

static void
write_seal(const char *tag, unsigned seal)
{
	int before, fd, after, ro, src;
	struct iovec iov[3] = { { buf, 0 }, { buf, 0 }, { buf, 0 } };
	char label[96];
	void *m;

#define L(s) (snprintf(label, sizeof(label), "%s: %s", tag, s), label)
	fd = mk(0);
	before = dup(fd);
	fcntl(fd, F_ADD_SEALS, seal);
	after = dup(fd);
	res(L("write 0 bytes"), write(fd, buf, 0));
	res(L("write 1"), write(fd, buf, 1));
	res(L("write 1 through a dup made before"), write(before, buf, 1));
	res(L("write 1 through a dup made after"), write(after, buf, 1));
	res(L("write 1 through F_DUPFD_CLOEXEC"),
	    write(fcntl(fd, F_DUPFD_CLOEXEC, 20), buf, 1));
	res(L("write 1 through dup2"), write(dup2(fd, 30), buf, 1));
	res(L("write 1 through dup3"), write(dup3(fd, 31, O_CLOEXEC), buf, 1));
	res(L("write with a bad buffer"), write(fd, bad_ptr, 1));
	res(L("pwrite"), pwrite(fd, buf, 1, 0));
	res(L("pwrite at offset -1"), pwrite(fd, buf, 1, -1));
	res(L("writev of empty iovecs"), writev(fd, iov, 3));
	iov[1].iov_len = 5;
	res(L("writev of 5"), writev(fd, iov, 3));
	res(L("writev with 2000 iovecs"), writev(fd, iov, too_many));
	res(L("pwritev"), pwritev(fd, iov, 3, 0));
	res(L("pwritev2"), pwritev2(fd, iov, 3, -1, 0));
	ro = reopen(fd, O_RDONLY);
	res(L("write to a read-only reopen"), write(ro, buf, 1));
	src = memfd_create("src", 0);
	write(src, "abc", 3);
	lseek(src, 0, SEEK_SET);
	res(L("sendfile 3 bytes in"), sendfile(fd, src, NULL, 3));
	res(L("copy_file_range 3 bytes in"),
	    copy_file_range(src, NULL, fd, NULL, 3, 0));
	res(L("ftruncate up"), ftruncate(fd, 2 * SIZE));
	res(L("ftruncate down"), ftruncate(fd, SIZE));
	res(L("fallocate"), fallocate(fd, 0, 0, 4096));
	res(L("fallocate punch hole"), fallocate(fd,
	    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	resm(L("mmap shared rw"), mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0));
	resm(L("mmap shared write-only"), mmap(NULL, 4096, PROT_WRITE,
	    MAP_SHARED, fd, 0));
	resm(L("mmap shared_validate rw"), mmap(NULL, 4096,
	    PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, fd, 0));
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	resm(L("mmap shared ro"), m);
	res(L("  mprotect it rw"), mprotect(m, 4096, PROT_READ | PROT_WRITE));
	res(L("  mprotect it rwx"), mprotect(m, 4096,
	    PROT_READ | PROT_WRITE | PROT_EXEC));
	res(L("  mprotect it none"), mprotect(m, 4096, PROT_NONE));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	resm(L("mmap private rw"), m);
	if (m != MAP_FAILED) {
		((char *)m)[0] = 'p';
		printf("%s: private copy written\n", tag);
	}
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	res(L("  mprotect private ro->rw"), mprotect(m, 4096,
	    PROT_READ | PROT_WRITE));
	res(L("fchmod"), fchmod(fd, 0600));
	res(L("size unchanged"), size_of(fd));
	close(fd);
	close(before);
	close(after);
	close(ro);
	close(src);
#undef L
}

static void
grow_table(void)
{
	static const long offs[] = { 0, 100, 4096, 8192, 8242, 12288, 12338,
		12388, 20000 };
	static const long lens[] = { 1, 100, 4096, 4097, 8192, 20000 };

	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		for (unsigned j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			int fd = mk(F_SEAL_GROW);
			long r = pwrite(fd, buf, (size_t)lens[j], offs[i]);

			printf("GROW: pwrite %5ld at %5ld -> %s%ld, size %ld\n",
			    lens[j], offs[i], r < 0 ? strerror(errno) : "",
			    r < 0 ? 0L : r, size_of(fd));
			close(fd);
		}
}

static void
grow_rules(void)
{
	struct iovec iov[4] = { { buf, 3000 }, { buf, 3000 }, { buf, 3000 },
		{ buf, 3000 } };
	int fd = mk(F_SEAL_GROW), ap, src;

	res("GROW: ftruncate up", ftruncate(fd, SIZE + 1));
	res("GROW: ftruncate to the same size", ftruncate(fd, SIZE));
	res("GROW: ftruncate -1", ftruncate(fd, -1));
	res("GROW: ftruncate down", ftruncate(fd, SIZE - 50));
	res("GROW: ftruncate back up", ftruncate(fd, SIZE));
	res("GROW: fallocate inside", fallocate(fd, 0, 0, 4096));
	res("GROW: fallocate past the end", fallocate(fd, 0, 4096, SIZE));
	res("GROW: fallocate KEEP_SIZE past the end",
	    fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, SIZE + 1));
	res("GROW: fallocate punch hole", fallocate(fd,
	    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	res("GROW: fallocate bad mode", fallocate(fd, 0x1000, 0, SIZE * 2));
	res("GROW: fallocate length 0", fallocate(fd, 0, 0, 0));
	lseek(fd, 5000, SEEK_SET);
	res("GROW: writev 12000 from 5000", writev(fd, iov, 4));
	res("GROW:   position after", lseek(fd, 0, SEEK_CUR));
	res("GROW: writev 12000 at the end", writev(fd, iov, 4));
	res("GROW: pwritev 12000 from 100", pwritev(fd, iov, 4, 100));
	res("GROW: pwritev2 RWF_APPEND", pwritev2(fd, iov, 1, 0, RWF_APPEND));
	res("GROW: write 0 at the end", write(fd, buf, 0));
	lseek(fd, 12300, SEEK_SET);
	res("GROW: write 88 past the end", write(fd, buf, 88));
	res("GROW: write 1 at the end", write(fd, buf, 1));
	ap = reopen(fd, O_WRONLY | O_APPEND);
	res("GROW: size", size_of(fd));
	src = memfd_create("src", 0);
	write(src, buf, 10000);
	lseek(src, 0, SEEK_SET);
	lseek(fd, 4000, SEEK_SET);
	res("GROW: sendfile 10000 from 4000", sendfile(fd, src, NULL, 10000));
	resm("GROW: mmap past the end", mmap(NULL, 1 << 20,
	    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	res("GROW: size", size_of(fd));
	close(fd);
	close(ap);
	close(src);

	fd = mk(F_SEAL_SHRINK);
	res("SHRINK: ftruncate down", ftruncate(fd, 10));
	res("SHRINK: ftruncate up", ftruncate(fd, SIZE * 2));
	res("SHRINK: punch hole", fallocate(fd,
	    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	res("SHRINK: write past the end", pwrite(fd, buf, 10, SIZE * 2));
	ap = reopen(fd, O_RDONLY);
	res("SHRINK: ftruncate a read-only reopen", ftruncate(ap, 10));
	res("SHRINK: size", size_of(fd));
	close(fd);
	close(ap);
}

static void
future_write(void)
{
	int fd = mk(0);
	char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	char *m2, got;

	res("FUTURE_WRITE: add with a rw mapping",
	    fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	rw[0] = 'z';
	pread(fd, &got, 1, 0);
	printf("FUTURE_WRITE: old rw mapping still writes: %c\n", got);
	res("FUTURE_WRITE: mprotect the old ro mapping rw",
	    mprotect(ro, 4096, PROT_READ | PROT_WRITE));
	m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	resm("FUTURE_WRITE: new shared ro mapping", m2);
	res("FUTURE_WRITE: mprotect the new one rw",
	    mprotect(m2, 4096, PROT_READ | PROT_WRITE));
	res("FUTURE_WRITE: mprotect the old rw one ro", mprotect(rw, 4096,
	    PROT_READ));
	res("FUTURE_WRITE: and back to rw", mprotect(rw, 4096,
	    PROT_READ | PROT_WRITE));
	res("FUTURE_WRITE: add WRITE (rw mapping left)",
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(rw, 4096);
	munmap(ro, 4096);
	res("FUTURE_WRITE: add WRITE after munmap",
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	res("FUTURE_WRITE: seals", fcntl(fd, F_GET_SEALS));
	close(fd);
}

int
main(void)
{
	memset(buf, 'x', sizeof(buf));
	setvbuf(stdout, NULL, _IOLBF, 0);
	write_seal("WRITE", F_SEAL_WRITE);
	write_seal("FUTURE_WRITE", F_SEAL_FUTURE_WRITE);
	future_write();
	grow_table();
	grow_rules();
	return 0;
}
