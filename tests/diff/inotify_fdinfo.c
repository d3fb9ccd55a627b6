/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /proc/self/fdinfo/N of an inotify fd reads as Linux's: pos, flags
 * (O_NONBLOCK, O_CLOEXEC, F_SETFL), mnt_id and ino of the inotify file,
 * then one "inotify wd:.. ino:.. sdev:.. mask:.. ignored_mask:0
 * fhandle-bytes:.. fhandle-type:.. f_handle:.." line per watch, newest
 * first, with the mask as the kernel keeps it.  The inode, device and
 * handle of each watched file are checked against what stat and
 * name_to_handle_at say of it (they differ between the runs' directories);
 * the rest is printed.  Read with open(path), with openat on the fdinfo
 * directory, and through a dup.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/sysmacros.h>

#include "inotify_common.h"

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200
#endif

static const char *watched[8];
static int nwatched;

/* What the kernel prints for path's inode: ino, sdev and the handle. */
static void
expect(const char *path, unsigned long *ino, unsigned *sdev, char *fh,
    size_t len)
{
	struct {
		struct file_handle h;
		unsigned char b[128];
	} h;
	struct stat st;
	int mnt;
	size_t n;

	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		perror(path);
		exit(2);
	}
	*ino = (unsigned long)st.st_ino;
	*sdev = major(st.st_dev) << 20 | minor(st.st_dev);
	fh[0] = '\0';
	h.h.handle_bytes = sizeof(h.b);
	if (name_to_handle_at(AT_FDCWD, path, &h.h, &mnt, AT_HANDLE_FID) < 0)
		return;
	n = (size_t)snprintf(fh, len, "fhandle-bytes:%x fhandle-type:%x "
	    "f_handle:", h.h.handle_bytes, h.h.handle_type);
	for (unsigned i = 0; i < h.h.handle_bytes && n + 3 < len; i++)
		n += (size_t)snprintf(fh + n, len - n, "%02x", h.b[i]);
}

static void
show(int dirfd, const char *path, const char *label)
{
	char buf[8192], line[1024];
	FILE *f;
	int fd;
	ssize_t n;

	printf("%s:\n", label);
	if ((fd = openat(dirfd, path, O_RDONLY)) < 0) {
		printf("  open: %s\n", strerror(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		printf("  read: %s\n", strerror(errno));
		return;
	}
	buf[n] = '\0';
	f = fmemopen(buf, (size_t)n, "r");
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned wd, sdev, mask, esdev;
		unsigned long ino, eino;
		char fh[512], efh[512];
		int k = -1;

		if (strncmp(line, "inotify ", 8) != 0) {
			printf("  %s", line);
			continue;
		}
		fh[0] = '\0';
		if (sscanf(line, "inotify wd:%x ino:%lx sdev:%x mask:%x "
		    "ignored_mask:0 %511[^\n]", &wd, &ino, &sdev, &mask,
		    fh) < 4) {
			printf("  unparsed: %s", line);
			continue;
		}
		for (int i = 0; i < nwatched; i++) {
			expect(watched[i], &eino, &esdev, efh, sizeof(efh));
			if (eino == ino && esdev == sdev)
				k = i;
		}
		if (k < 0) {
			printf("  wd %x mask %x: no such inode\n", wd, mask);
			continue;
		}
		expect(watched[k], &eino, &esdev, efh, sizeof(efh));
		printf("  wd %x mask %x: %s, handle %s, trailing space %d\n",
		    wd, mask, watched[k], strcmp(fh, efh) == 0 ? "as stat" :
		    "differs", line[strlen(line) - 2] == ' ');
	}
	fclose(f);
}

int
main(void)
{
	char path[64], num[16];
	int fd, fd2, dir, w;

	CHECK(mkdir("d", 0755));
	put_file("d/f", "f");
	CHECK(symlink("f", "d/ln"));
	watched[nwatched++] = "d";
	watched[nwatched++] = "d/f";
	watched[nwatched++] = "d/ln";
	CHECK(fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	show(AT_FDCWD, path, "no watch yet");
	CHECK(inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	CHECK(w = inotify_add_watch(fd, "d/f", IN_MODIFY | IN_ONESHOT |
	    IN_EXCL_UNLINK | IN_DONT_FOLLOW | IN_MASK_CREATE));
	CHECK(inotify_add_watch(fd, "d", IN_ATTRIB | IN_ONLYDIR |
	    IN_MASK_ADD));
	show(AT_FDCWD, path, "two watches");
	CHECK(fcntl(fd, F_SETFL, 0));
	CHECK(dir = open("/proc/self/fdinfo", O_RDONLY | O_DIRECTORY));
	snprintf(num, sizeof(num), "%d", fd);
	show(dir, num, "F_SETFL 0, read by openat on the fdinfo directory");
	CHECK(inotify_rm_watch(fd, w));
	CHECK(fd2 = dup(fd));
	snprintf(num, sizeof(num), "%d", fd2);
	show(dir, num, "rm_watch of the file, through a dup");
	CHECK(inotify_add_watch(fd, "d/ln", IN_ATTRIB | IN_DONT_FOLLOW));
	show(AT_FDCWD, path, "a watch on the symlink itself");
	close(dir);
	return 0;
}
