/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File-system values for the trace: open flags, struct stat, struct
 * statx, struct statfs, getdents64 buffers, execve's argv and envp.
 * Struct layouts are Linux x86-64's, read at fixed offsets.
 */
#include <stdio.h>
#include <string.h>

#include "trace/print.h"
#include "trace/xlat.h"

void
lx_print_open_flags(struct lx_sbuf *b, uint64_t v)
{
	size_t at = lx_const_begin(b);
	uint64_t rest;

	/* O_PATH and O_TMPFILE carry no access mode worth naming apart. */
	lx_print_xval(b, lx_x_open_access, v & 3, "%#llx");
	rest = v & ~3ULL;
	if (rest != 0) {
		sb_putc(b, '|');
		lx_print_flags(b, lx_x_open_flags, rest, NULL);
	}
	lx_const_end(b, at, v, LX_CONST_HEX);
}

/* pipe2, dup3: flags of a new fd, without an access mode (strace's). */
void
lx_print_fd_flags(struct lx_sbuf *b, uint64_t v)
{
	if (v == 0)
		sb_putc(b, '0');
	else
		lx_print_flags(b, lx_x_open_flags, v, NULL);
}

static void
print_dev(struct lx_sbuf *b, const char *name, uint64_t dev)
{
	/* Linux's new_encode_dev, as glibc's major()/minor() read it. */
	unsigned major = (unsigned)(((dev >> 32) & 0xfffff000) |
	    ((dev >> 8) & 0xfff));
	unsigned minor = (unsigned)(((dev >> 12) & 0xffffff00) | (dev & 0xff));

	sb_printf(b, "%s=makedev(%#x, %#x)", name, major, minor);
}

/* struct stat, x86-64: 144 bytes. */
enum {
	ST_DEV = 0, ST_INO = 8, ST_NLINK = 16, ST_MODE = 24, ST_UID = 28,
	ST_GID = 32, ST_RDEV = 40, ST_SIZE = 48, ST_BLKSIZE = 56,
	ST_BLOCKS = 64, ST_ATIME = 72, ST_MTIME = 88, ST_CTIME = 104,
	ST_SIZEOF = 144
};

static bool
is_dev(unsigned mode)
{
	return (mode & 0xf000) == 0x2000 || (mode & 0xf000) == 0x6000;
}

static void
print_stat_time(struct lx_sbuf *b, const char *name,
    const unsigned char *st, size_t off)
{
	sb_printf(b, ", %s=%lld, %s_nsec=%llu", name,
	    (long long)lx_ld64(st, off), name,
	    (unsigned long long)lx_ld64(st, off + 8));
}

void
lx_print_stat(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char st[ST_SIZEOF];
	unsigned mode;

	if (!lx_fetch(p, b, addr, st, sizeof(st)))
		return;
	mode = lx_ld32(st, ST_MODE);
	sb_putc(b, '{');
	if (lx_opt.verbose) {
		print_dev(b, "st_dev", lx_ld64(st, ST_DEV));
		sb_printf(b, ", st_ino=%llu, st_mode=",
		    (unsigned long long)lx_ld64(st, ST_INO));
		lx_print_mode(b, mode);
		sb_printf(b, ", st_nlink=%llu, st_uid=%u, st_gid=%u, "
		    "st_blksize=%lld, st_blocks=%lld",
		    (unsigned long long)lx_ld64(st, ST_NLINK),
		    lx_ld32(st, ST_UID), lx_ld32(st, ST_GID),
		    (long long)lx_ld64(st, ST_BLKSIZE),
		    (long long)lx_ld64(st, ST_BLOCKS));
		if (is_dev(mode)) {
			sb_puts(b, ", ");
			print_dev(b, "st_rdev", lx_ld64(st, ST_RDEV));
		} else {
			sb_printf(b, ", st_size=%lld",
			    (long long)lx_ld64(st, ST_SIZE));
		}
		print_stat_time(b, "st_atime", st, ST_ATIME);
		print_stat_time(b, "st_mtime", st, ST_MTIME);
		print_stat_time(b, "st_ctime", st, ST_CTIME);
		sb_putc(b, '}');
		return;
	}
	sb_puts(b, "st_mode=");
	lx_print_mode(b, mode);
	if (is_dev(mode)) {
		sb_puts(b, ", ");
		print_dev(b, "st_rdev", lx_ld64(st, ST_RDEV));
	} else {
		sb_printf(b, ", st_size=%lld", (long long)lx_ld64(st, ST_SIZE));
	}
	sb_puts(b, ", ...}");
}

/* struct statx: 256 bytes. */
enum {
	STX_MASK = 0, STX_BLKSIZE = 4, STX_ATTRIBUTES = 8, STX_NLINK = 16,
	STX_UID = 20, STX_GID = 24, STX_MODE = 28, STX_INO = 32,
	STX_SIZE = 40, STX_BLOCKS = 48, STX_ATTRIBUTES_MASK = 56,
	STX_ATIME = 64, STX_BTIME = 80, STX_CTIME = 96, STX_MTIME = 112,
	STX_RDEV_MAJOR = 128, STX_RDEV_MINOR = 132, STX_DEV_MAJOR = 136,
	STX_DEV_MINOR = 140, STX_MNT_ID = 144, STX_DIO_MEM_ALIGN = 152,
	STX_DIO_OFFSET_ALIGN = 156, STX_SUBVOL = 160, STX_AW_UNIT_MIN = 168,
	STX_AW_UNIT_MAX = 172, STX_AW_SEGMENTS_MAX = 176,
	STX_DIO_READ_OFFSET_ALIGN = 180, STX_AW_UNIT_MAX_OPT = 184,
	STX_SIZEOF = 256
};

/* stx_mask bits that say which optional fields were filled. */
enum {
	STX_M_BTIME = 0x800, STX_M_MNT_ID = 0x1000, STX_M_DIOALIGN = 0x2000,
	STX_M_MNT_ID_UNIQUE = 0x4000, STX_M_SUBVOL = 0x8000,
	STX_M_WRITE_ATOMIC = 0x10000, STX_M_DIO_READ_ALIGN = 0x20000,
};

static void
print_statx_time(struct lx_sbuf *b, const char *name,
    const unsigned char *sx, size_t off)
{
	sb_printf(b, ", %s={tv_sec=%lld, tv_nsec=%u}", name,
	    (long long)lx_ld64(sx, off), lx_ld32(sx, off + 8));
}

void
lx_print_statx(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char sx[STX_SIZEOF];
	uint32_t mask;

	if (!lx_fetch(p, b, addr, sx, sizeof(sx)))
		return;
	mask = lx_ld32(sx, STX_MASK);
	sb_puts(b, "{stx_mask=");
	lx_print_flags(b, lx_x_statx_mask, mask, NULL);
	if (lx_opt.verbose)
		sb_printf(b, ", stx_blksize=%u", lx_ld32(sx, STX_BLKSIZE));
	sb_puts(b, ", stx_attributes=");
	lx_print_flags(b, lx_x_statx_attrs, lx_ld64(sx, STX_ATTRIBUTES), NULL);
	if (lx_opt.verbose)
		sb_printf(b, ", stx_nlink=%u, stx_uid=%u, stx_gid=%u",
		    lx_ld32(sx, STX_NLINK), lx_ld32(sx, STX_UID),
		    lx_ld32(sx, STX_GID));
	sb_puts(b, ", stx_mode=");
	lx_print_mode(b, lx_ld16(sx, STX_MODE));
	if (lx_opt.verbose)
		sb_printf(b, ", stx_ino=%llu",
		    (unsigned long long)lx_ld64(sx, STX_INO));
	sb_printf(b, ", stx_size=%llu", (unsigned long long)lx_ld64(sx, STX_SIZE));
	if (!lx_opt.verbose) {
		sb_puts(b, ", ...}");
		return;
	}
	sb_printf(b, ", stx_blocks=%llu, stx_attributes_mask=",
	    (unsigned long long)lx_ld64(sx, STX_BLOCKS));
	lx_print_flags(b, lx_x_statx_attrs, lx_ld64(sx, STX_ATTRIBUTES_MASK),
	    NULL);
	print_statx_time(b, "stx_atime", sx, STX_ATIME);
	if (mask & STX_M_BTIME)
		print_statx_time(b, "stx_btime", sx, STX_BTIME);
	print_statx_time(b, "stx_ctime", sx, STX_CTIME);
	print_statx_time(b, "stx_mtime", sx, STX_MTIME);
	sb_printf(b, ", stx_rdev_major=%u, stx_rdev_minor=%u, "
	    "stx_dev_major=%u, stx_dev_minor=%u",
	    lx_ld32(sx, STX_RDEV_MAJOR), lx_ld32(sx, STX_RDEV_MINOR),
	    lx_ld32(sx, STX_DEV_MAJOR), lx_ld32(sx, STX_DEV_MINOR));
	if (mask & (STX_M_MNT_ID | STX_M_MNT_ID_UNIQUE))
		sb_printf(b, ", stx_mnt_id=%#llx",
		    (unsigned long long)lx_ld64(sx, STX_MNT_ID));
	if (mask & STX_M_DIOALIGN)
		sb_printf(b, ", stx_dio_mem_align=%u, stx_dio_offset_align=%u",
		    lx_ld32(sx, STX_DIO_MEM_ALIGN),
		    lx_ld32(sx, STX_DIO_OFFSET_ALIGN));
	if (mask & STX_M_SUBVOL)
		sb_printf(b, ", stx_subvol=%llu",
		    (unsigned long long)lx_ld64(sx, STX_SUBVOL));
	if (mask & STX_M_WRITE_ATOMIC)
		sb_printf(b, ", stx_atomic_write_unit_min=%u, "
		    "stx_atomic_write_unit_max=%u, "
		    "stx_atomic_write_segments_max=%u, "
		    "stx_atomic_write_unit_max_opt=%u",
		    lx_ld32(sx, STX_AW_UNIT_MIN), lx_ld32(sx, STX_AW_UNIT_MAX),
		    lx_ld32(sx, STX_AW_SEGMENTS_MAX),
		    lx_ld32(sx, STX_AW_UNIT_MAX_OPT));
	if (mask & STX_M_DIO_READ_ALIGN)
		sb_printf(b, ", stx_dio_read_offset_align=%u",
		    lx_ld32(sx, STX_DIO_READ_OFFSET_ALIGN));
	sb_putc(b, '}');
}

/* struct statfs, x86-64: 120 bytes. */
void
lx_print_statfs(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char sf[120];

	if (!lx_fetch(p, b, addr, sf, sizeof(sf)))
		return;
	sb_puts(b, "{f_type=");
	lx_print_xval(b, lx_x_fs_magic, lx_ld64(sf, 0), "%#llx");
	sb_printf(b, ", f_bsize=%lld, f_blocks=%llu, f_bfree=%llu, "
	    "f_bavail=%llu, f_files=%llu, f_ffree=%llu, "
	    "f_fsid={val=[%#x, %#x]}, f_namelen=%lld, f_frsize=%lld, "
	    "f_flags=%#llx}",
	    (long long)lx_ld64(sf, 8), (unsigned long long)lx_ld64(sf, 16),
	    (unsigned long long)lx_ld64(sf, 24), (unsigned long long)lx_ld64(sf, 32),
	    (unsigned long long)lx_ld64(sf, 40), (unsigned long long)lx_ld64(sf, 48),
	    lx_ld32(sf, 56), lx_ld32(sf, 60), (long long)lx_ld64(sf, 64),
	    (long long)lx_ld64(sf, 72), (unsigned long long)lx_ld64(sf, 80));
}

/* getdents64: the entry count, as strace prints it without -v. */
void
lx_print_dirents(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	unsigned char buf[4096];
	size_t len, off = 0;
	int n = 0;

	lx_print_ptr(b, addr);
	if (p->ret <= 0 || p->g == NULL)
		return;
	len = (size_t)p->ret < sizeof(buf) ? (size_t)p->ret : sizeof(buf);
	if (lx_guest_read(p->g, buf, addr, len) < 0)
		return;
	while (off + 19 <= len) {
		uint16_t reclen = lx_ld16(buf, off + 16);

		if (reclen == 0)
			break;
		n++;
		off += reclen;
	}
	if ((size_t)p->ret > sizeof(buf))
		sb_printf(b, " /* %d+ entries */", n);
	else
		sb_printf(b, " /* %d entries */", n);
}

/* A NULL-terminated array of string pointers; count < 0: all of it. */
static int
count_ptrs(struct lx_pctx *p, uint64_t addr, int max)
{
	uint64_t v;
	int n = 0;

	for (; n < max; n++) {
		if (lx_guest_read(p->g, &v, addr + (uint64_t)n * 8, 8) < 0)
			return -1;
		if (v == 0)
			break;
	}
	return n;
}

void
lx_print_argv(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int max = lx_strsize() > 0 ? lx_strsize() : 1;
	int n;

	if (addr == 0 || p->g == NULL ||
	    (n = count_ptrs(p, addr, lx_opt.verbose ? 4096 : max + 1)) < 0) {
		lx_print_ptr(b, addr);
		return;
	}
	sb_putc(b, '[');
	for (int i = 0; i < n && (lx_opt.verbose || i < max); i++) {
		uint64_t s;

		if (i)
			sb_puts(b, ", ");
		lx_guest_read(p->g, &s, addr + (uint64_t)i * 8, 8);
		lx_print_cstr(p, b, s, (size_t)lx_strsize());
	}
	if (!lx_opt.verbose && n > max)
		sb_puts(b, ", ...");
	sb_putc(b, ']');
}

void
lx_print_envp(struct lx_pctx *p, struct lx_sbuf *b, uint64_t addr)
{
	int n;

	if (lx_opt.verbose) {
		lx_print_argv(p, b, addr);
		return;
	}
	lx_print_ptr(b, addr);
	if (addr != 0 && p->g != NULL && (n = count_ptrs(p, addr, 65536)) >= 0)
		sb_printf(b, " /* %d var%s */", n, n == 1 ? "" : "s");
}

void
lx_print_fcntl_cmd(struct lx_sbuf *b, int cmd)
{
	lx_print_xval(b, lx_x_fcntl_cmd, (unsigned)cmd, "%#llx");
}

void
lx_print_ioctl_req(struct lx_sbuf *b, uint64_t req)
{
	lx_print_xval(b, lx_x_ioctl, req & 0xffffffffULL, "%#llx");
}
