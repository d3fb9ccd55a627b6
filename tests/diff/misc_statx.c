/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx(2): routing and errors in Linux's order, and for each answer the
 * whole stx_mask, stx_attributes and stx_attributes_mask, whether a birth
 * time and a mount id came, and the basic fields compared with a
 * newfstatat of the same file.  misc_statx_masks.c goes through every
 * mask, misc_statx_ext4.c through file flags, birth times and mount roots.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static struct statx sx;

static long
show(const char *what, long r)
{
	if (r < 0)
		printf("statx(%s) = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("statx(%s) = %ld\n", what, r);
	return r;
}

static long
stx(int dfd, const char *path, int flags, unsigned mask, void *buf)
{
	return syscall(SYS_statx, dfd, path, flags, mask, buf);
}

/* The basic fields, checked against newfstatat of the same object. */
static void
compare(int dfd, const char *path, int flags)
{
	struct stat st;
	int same;

	syscall(SYS_newfstatat, dfd, path, &st, flags &
	    (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
	same = sx.stx_ino == st.st_ino && sx.stx_mode == st.st_mode &&
	    sx.stx_nlink == st.st_nlink && sx.stx_uid == st.st_uid &&
	    sx.stx_gid == st.st_gid && sx.stx_size == (__u64)st.st_size &&
	    sx.stx_blocks == (__u64)st.st_blocks &&
	    sx.stx_blksize == (__u32)st.st_blksize &&
	    sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
	    sx.stx_mtime.tv_nsec == st.st_mtim.tv_nsec &&
	    sx.stx_ctime.tv_sec == st.st_ctim.tv_sec &&
	    sx.stx_atime.tv_sec == st.st_atim.tv_sec &&
	    makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev &&
	    makedev(sx.stx_rdev_major, sx.stx_rdev_minor) == st.st_rdev;
	printf("  mask %#x, attributes %#llx of %#llx, btime %s, mnt_id %s, "
	    "mode %06o, fields match stat: %s\n", sx.stx_mask,
	    (unsigned long long)sx.stx_attributes,
	    (unsigned long long)sx.stx_attributes_mask,
	    sx.stx_btime.tv_sec != 0 ? "set" : "0",
	    sx.stx_mnt_id != 0 ? "set" : "0", sx.stx_mode,
	    same ? "yes" : "no");
}

int
main(void)
{
	char *bad = (char *)1;
	int f = open("file", O_RDWR | O_CREAT, 0640);

	write(f, "x", 1);
	symlink("file", "link");

	if (show("file", stx(AT_FDCWD, "file", 0, STATX_BASIC_STATS,
	    &sx)) == 0)
		compare(AT_FDCWD, "file", 0);
	/* Mask 0: Linux leaves out mtime and ctime on most file systems. */
	if (show("mask 0", stx(AT_FDCWD, "file", 0, 0, &sx)) == 0)
		printf("  mask %#x, mtime %s\n", sx.stx_mask,
		    sx.stx_mtime.tv_sec != 0 ? "set" : "0");
	if (show("STATX_ALL", stx(AT_FDCWD, "file", 0, STATX_ALL, &sx)) == 0)
		compare(AT_FDCWD, "file", 0);
	if (show("link NOFOLLOW", stx(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW,
	    STATX_BASIC_STATS, &sx)) == 0)
		compare(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW);
	if (show("/dev/null", stx(AT_FDCWD, "/dev/null", AT_NO_AUTOMOUNT,
	    STATX_BASIC_STATS, &sx)) == 0)
		compare(AT_FDCWD, "/dev/null", 0);
	if (show("fd, \"\", AT_EMPTY_PATH", stx(f, "", AT_EMPTY_PATH,
	    STATX_BASIC_STATS, &sx)) == 0)
		compare(f, "", AT_EMPTY_PATH);
	if (show("fd, NULL, AT_EMPTY_PATH", stx(f, NULL, AT_EMPTY_PATH,
	    STATX_BASIC_STATS, &sx)) == 0)
		compare(f, "", AT_EMPTY_PATH);
	show("AT_STATX_FORCE_SYNC", stx(AT_FDCWD, "file",
	    AT_STATX_FORCE_SYNC, 0, &sx));
	show("AT_STATX_DONT_SYNC", stx(AT_FDCWD, "file", AT_STATX_DONT_SYNC,
	    0, &sx));
	show("FORCE_SYNC|DONT_SYNC", stx(AT_FDCWD, "file", 0x6000, 0, &sx));
	show("fd, both sync flags", stx(f, "", AT_EMPTY_PATH | 0x6000, 0,
	    &sx));
	show("STATX__RESERVED", stx(AT_FDCWD, "file", 0, 0x80000000U, &sx));
	show("fd, STATX__RESERVED", stx(f, "", AT_EMPTY_PATH, 0x80000000U,
	    &sx));
	show("fd, unknown flag", stx(f, "", AT_EMPTY_PATH | 0x80000, 0, &sx));
	show("unknown flag", stx(AT_FDCWD, "file", 0x80000, 0, &sx));
	show("bad path, unknown flag", stx(AT_FDCWD, bad, 0x80000, 0, &sx));
	show("bad path, reserved mask", stx(AT_FDCWD, bad, 0, 0x80000000U,
	    &sx));
	show("bad path", stx(AT_FDCWD, bad, 0, 0, &sx));
	show("fd, NULL, no flag", stx(f, NULL, 0, 0, &sx));
	show("-5, NULL, AT_EMPTY_PATH", stx(-5, NULL, AT_EMPTY_PATH, 0, &sx));
	show("AT_FDCWD, NULL, AT_EMPTY_PATH", stx(AT_FDCWD, NULL,
	    AT_EMPTY_PATH, 0, &sx));
	show("bad buffer", stx(AT_FDCWD, "file", 0, 0, (void *)1));
	show("missing, bad buffer", stx(AT_FDCWD, "nope", 0, 0, (void *)1));
	show("missing", stx(AT_FDCWD, "nope", 0, 0, &sx));
	show("closed fd", stx(999, "", AT_EMPTY_PATH, 0, &sx));
	return 0;
}
