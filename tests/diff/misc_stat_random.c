/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixed pseudo-random sequence of 3,000 newfstatat, statx and fstat
 * calls with odd arguments: files, directories, symlinks (one to
 * itself), missing and empty paths, trailing slashes, "..", /proc, /,
 * AT_FDCWD, a directory fd, an O_PATH fd, closed and negative fds,
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT, the sync bits and
 * unknown flag bits, random statx masks with the reserved bit, NULL and
 * unmapped path and buffer pointers.  Every result must be Linux's,
 * errno for errno.  It found one: an empty path without AT_EMPTY_PATH
 * and a dirfd that is not open gave EBADF where Linux gives ENOENT (the
 * name is looked at before the fd).  SEED=N runs another sequence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t seed = 0x7777;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

static const char *paths[] = { "f", "d", "l", "dl", "nx", "", "d/", "f/",
	"/proc/self/exe", "/proc/self/fd/0", ".", "d/..", "d/../f", "/",
	"/dev/null", "loop" };

int
main(void)
{
	const char *s = getenv("SEED");
	char *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	int dfd, ffd;

	if (s != NULL)
		seed = strtoull(s, NULL, 0);
	close(open("f", O_CREAT | O_WRONLY, 0640));
	mkdir("d", 0750);
	symlink("f", "l");
	symlink("d", "dl");
	symlink("loop", "loop");
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	ffd = open("f", O_PATH);
	for (int step = 0; step < 3000; step++) {
		const char *p = paths[rnd(sizeof(paths) / sizeof(paths[0]))];
		int dirfd, flags = 0, which = (int)rnd(5);
		unsigned mask;
		long r;

		switch (rnd(6)) {
		case 0: dirfd = AT_FDCWD; break;
		case 1: dirfd = dfd; break;
		case 2: dirfd = ffd; break;
		case 3: dirfd = 99; break;
		case 4: dirfd = -5; break;
		default: dirfd = 0; break;
		}
		if (rnd(2)) flags |= AT_SYMLINK_NOFOLLOW;
		if (rnd(3) == 0) flags |= AT_EMPTY_PATH;
		if (rnd(5) == 0) flags |= AT_NO_AUTOMOUNT;
		if (rnd(8) == 0) flags |= 0x10000 << rnd(8);
		if (rnd(6) == 0) flags |= AT_STATX_FORCE_SYNC << rnd(2);
		printf("%d ", step);
		if (which <= 1) {
			struct stat st;
			void *sp = rnd(10) == 0 ? (void *)bad : &st;
			const char *pp = rnd(12) == 0 ? (rnd(2) ? NULL : bad) : p;

			memset(&st, 0, sizeof(st));
			r = syscall(SYS_newfstatat, dirfd, pp, sp, flags);
			printf("fstatat(%d, %s, %x): %ld", dirfd,
			    pp == p ? p : "BAD", flags, r < 0 ? -errno : r);
			if (r == 0 && sp == &st)
				printf(" mode %o nlink %lu size %lld uid %u",
				    st.st_mode, (unsigned long)st.st_nlink,
				    (long long)st.st_size, st.st_uid);
			printf("\n");
		} else if (which <= 3) {
			struct statx sx;
			void *sp = rnd(10) == 0 ? (void *)bad : &sx;
			const char *pp = rnd(12) == 0 ? (rnd(2) ? NULL : bad) : p;

			mask = rnd(3) == 0 ? STATX_ALL : rnd(0x4000);
			if (rnd(10) == 0)
				mask |= 0x80000000u;
			memset(&sx, 0, sizeof(sx));
			r = syscall(SYS_statx, dirfd, pp, flags, mask, sp);
			printf("statx(%d, %s, %x, %x): %ld", dirfd,
			    pp == p ? p : "BAD", flags, mask, r < 0 ? -errno : r);
			if (r == 0 && sp == &sx)
				printf(" mask %x mode %o nlink %u size %llu "
				    "attrmask %llx", sx.stx_mask, sx.stx_mode,
				    sx.stx_nlink,
				    (unsigned long long)sx.stx_size,
				    (unsigned long long)sx.stx_attributes_mask);
			printf("\n");
		} else {
			struct stat st;
			int fd = rnd(3) == 0 ? (int)rnd(12) - 2 : dirfd;

			r = syscall(SYS_fstat, fd, rnd(10) == 0 ?
			    (void *)bad : (void *)&st);
			printf("fstat(%d): %ld\n", fd, r < 0 ? -errno : r);
		}
	}
	return 0;
}
