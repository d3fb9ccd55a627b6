/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx on file systems with and without file flags and birth times:
 * two ext4 images made here (256-byte inodes keep a birth time, 128-byte
 * ones do not), loop-mounted in a mount namespace of our own (so the
 * mounts go when the process does, whatever happens), and tmpfs
 * (/dev/shm).  On each: chattr +a, +i, +d (e2fsprogs) and statx by path
 * and by fd: stx_mask, stx_attributes, stx_attributes_mask, whether the
 * birth time is there and plausible; the mount root (STATX_ATTR_MOUNT_ROOT);
 * the mount id against /proc/self/mountinfo and the unique mount id
 * against statmount.  Exits 77 (skip) when the kernel cannot mount an
 * ext4 image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* struct statx as Linux 6.18 has it (Debian 12's headers are older). */
struct stx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct stx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct stx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t subvol;
	uint32_t aw_min, aw_max, aw_segs, dio_read_align, aw_max_opt, pad2;
	uint64_t spare[8];
};

#define M_BTIME		0x800U
#define M_MNT_ID	0x1000U
#define M_MNT_ID_UNIQUE	0x4000U
#define A_IMMUTABLE	0x10ULL
#define A_APPEND	0x20ULL
#define A_NODUMP	0x40ULL
#define A_MOUNT_ROOT	0x2000ULL

static time_t t0;
static int mounted[2];

static long
stx(int dfd, const char *path, int flags, unsigned mask, struct stx *sx)
{
	memset(sx, 0xa5, sizeof(*sx));
	return syscall(SYS_statx, dfd, path, flags, mask, sx);
}

/* Run a command quietly; its exit status, or -1. */
static int
run(const char *const argv[])
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
cleanup(void)
{
	static const char *const dirs[] = { "e256", "e128" };

	for (int i = 0; i < 2; i++)
		if (mounted[i])
			umount2(dirs[i], MNT_DETACH);
	unlink("e256.img");
	unlink("e128.img");
}

static void
skip(const char *why)
{
	cleanup();
	fprintf(stderr, "%s\n", why);
	exit(77);
}

/* An ext4 image with inode_size-byte inodes, mounted on dir. */
static void
make_ext4(const char *img, const char *dir, const char *inode_size, int i)
{
	const char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-I", inode_size,
		"-O", "^has_journal", img, NULL };
	const char *mount[] = { "mount", "-o", "loop", img, dir, NULL };
	int fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, 8 << 20) < 0)
		skip("cannot make an 8 MiB image file");
	close(fd);
	mkdir(dir, 0755);
	if (run(mkfs) != 0)
		skip("mkfs.ext4 failed (e2fsprogs missing?)");
	if (run(mount) != 0)
		skip("the kernel cannot loop-mount an ext4 image here");
	mounted[i] = 1;
}

static void
show(const char *what, long r, const struct stx *sx)
{
	int64_t bt = sx->btime.tv_sec;

	if (r < 0) {
		printf("  %-24s -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("  %-24s mask %#07x attributes %#06llx of %#010llx btime %s\n",
	    what, sx->mask,
	    (unsigned long long)sx->attributes,
	    (unsigned long long)sx->attributes_mask,
	    !(sx->mask & M_BTIME) ? (bt == 0 ? "none (0)" : "none (junk)") :
	    bt >= t0 - 5 && bt <= time(NULL) + 5 ? "now" : "wrong");
}

/* Create name, chattr it, statx it by path and by fd. */
static void
flagged(const char *dir, const char *flag)
{
	char path[256];
	const char *chattr[] = { "chattr", flag, path, NULL };
	struct stx sx;
	int fd;

	snprintf(path, sizeof(path), "%s/f%s", dir, flag + 1);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	if (flag[1] != '\0' && run(chattr) != 0) {
		printf(" chattr %s %s: failed\n", flag, path);
		return;
	}
	printf(" %s %s\n", path + strlen(dir) + 1, flag);
	show("path, BASIC|BTIME", stx(AT_FDCWD, path, 0, 0xfff, &sx), &sx);
	show("path, mask 0", stx(AT_FDCWD, path, 0, 0, &sx), &sx);
	fd = open(path, O_PATH);
	show("O_PATH fd", stx(fd, "", AT_EMPTY_PATH, 0xfff, &sx), &sx);
	close(fd);
	fd = open(path, O_RDONLY);
	show("open fd, STATX_ALL|DIO", stx(fd, "", AT_EMPTY_PATH, 0x2fff,
	    &sx), &sx);
	close(fd);
}

/* The mount ID of the mount at dir, from /proc/self/mountinfo. */
static long
mountinfo_id(const char *dir)
{
	char line[1024], cwd[512], want[600];
	long id = -1, mid;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (f == NULL || getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	snprintf(want, sizeof(want), "%s/%s", strcmp(cwd, "/") ? cwd : "",
	    dir);
	while (fgets(line, sizeof(line), f) != NULL) {
		char mp[600];

		if (sscanf(line, "%ld %*d %*s %*s %599s", &mid, mp) == 2 &&
		    strcmp(mp, want) == 0)
			id = mid;
	}
	fclose(f);
	return id;
}

/* statmount(2) of a unique mount id: its old id and device, or -1. */
static long
statmount_old_id(uint64_t unique, uint32_t *major, uint32_t *minor)
{
	struct { uint32_t size, spare; uint64_t mnt_id, param, ns; } req = {
		sizeof(req), 0, unique, 0x3 /* SB_BASIC | MNT_BASIC */, 0 };
	unsigned char buf[512];

	memset(buf, 0, sizeof(buf));
	if (syscall(457, &req, buf, sizeof(buf), 0) < 0)
		return -1;
	memcpy(major, buf + 16, 4);
	memcpy(minor, buf + 20, 4);
	return *(uint32_t *)(buf + 56);		/* mnt_id_old */
}

static void
mount_root(const char *dir)
{
	char sub[256];
	struct stx sx, sx2;
	uint32_t maj = 0, min = 0;
	long old;
	int fd;

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	mkdir(sub, 0755);
	printf(" mount root %s\n", dir);
	show("root by path", stx(AT_FDCWD, dir, 0, 0, &sx), &sx);
	show("root/sub", stx(AT_FDCWD, sub, 0, 0, &sx), &sx);
	fd = open(dir, O_PATH | O_DIRECTORY);
	show("root by fd", stx(fd, "", AT_EMPTY_PATH, 0, &sx), &sx);
	close(fd);
	fd = open(sub, O_RDONLY | O_DIRECTORY);
	show("\"..\" from sub", stx(fd, "..", 0, 0, &sx), &sx);
	close(fd);
	stx(AT_FDCWD, sub, 0, M_MNT_ID, &sx);
	printf("  STATX_MNT_ID %s, matches mountinfo: %s\n",
	    sx.mask & M_MNT_ID ? "set" : "unset",
	    (long)sx.mnt_id == mountinfo_id(dir) ? "yes" : "no");
	stx(AT_FDCWD, sub, 0, M_MNT_ID_UNIQUE, &sx2);
	old = statmount_old_id(sx2.mnt_id, &maj, &min);
	printf("  STATX_MNT_ID_UNIQUE %s, names the same mount: %s\n",
	    sx2.mask & M_MNT_ID_UNIQUE ? "set" : "unset",
	    old == (long)sx.mnt_id && maj == sx.dev_major &&
	    min == sx.dev_minor ? "yes" : "no");
}

static void
on_fs(const char *label, const char *dir)
{
	printf("%s:\n", label);
	flagged(dir, "-");
	flagged(dir, "+a");
	flagged(dir, "+i");
	flagged(dir, "+d");
	flagged(dir, "+ad");
}

/* Take the flags off again, so that everything can be removed. */
static void
unflag(const char *dir)
{
	static const char *const names[] = { "fa", "fi", "fd", "fad" };
	char path[256];
	const char *chattr[] = { "chattr", "-aid", path, NULL };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		run(chattr);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/f", dir);
	unlink(path);
}

int
main(void)
{
	char shm[64];

	t0 = time(NULL);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip("no mount namespace of our own (not root?)");
	make_ext4("e256.img", "e256", "256", 0);
	make_ext4("e128.img", "e128", "128", 1);

	on_fs("ext4, 256-byte inodes (birth time kept)", "e256");
	on_fs("ext4, 128-byte inodes (no birth time)", "e128");
	snprintf(shm, sizeof(shm), "/dev/shm/lxrun-statx-%d", (int)getpid());
	mkdir(shm, 0700);
	on_fs("tmpfs", shm);
	mount_root("e256");
	mount_root("e128");

	unflag("e256");
	unflag("e128");
	unflag(shm);
	rmdir(shm);
	if (umount("e256") == 0)
		mounted[0] = 0;
	if (umount("e128") == 0)
		mounted[1] = 0;
	cleanup();
	return 0;
}
