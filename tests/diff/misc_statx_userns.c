/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx in a user namespace of its own, where only root is mapped: a file
 * owned by uid 1000 shows the overflow ids (65534), by path and by fd;
 * one owned by root shows 0.  lxrun must not answer with its own view of
 * the ids (it runs in the initial namespace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The part of struct statx this test reads. */
struct stx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	unsigned char rest[256 - 32];
};

static int
put(const char *file, const char *s)
{
	int fd = open(file, O_WRONLY);
	int ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static void
show(const char *what, int dfd, const char *path, int flags)
{
	struct stx sx;

	memset(&sx, 0, sizeof(sx));
	if (syscall(SYS_statx, dfd, path, flags, 0x7ff, &sx) < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: uid %u gid %u\n", what, sx.uid, sx.gid);
}

int
main(void)
{
	int fd1000, fdroot;

	close(open("f1000", O_WRONLY | O_CREAT, 0644));
	close(open("froot", O_WRONLY | O_CREAT, 0644));
	if (chown("f1000", 1000, 1000) < 0 || chown("froot", 0, 0) < 0) {
		fprintf(stderr, "needs root to chown\n");
		return 77;
	}
	fd1000 = open("f1000", O_RDONLY);
	fdroot = open("froot", O_PATH);
	show("before, f1000 by path", AT_FDCWD, "f1000", 0);
	if (unshare(CLONE_NEWUSER) < 0 || put("/proc/self/setgroups",
	    "deny") < 0 || put("/proc/self/uid_map", "0 0 1") < 0 ||
	    put("/proc/self/gid_map", "0 0 1") < 0) {
		fprintf(stderr, "no user namespace of our own: %s\n",
		    strerror(errno));
		return 77;
	}
	show("f1000 by path", AT_FDCWD, "f1000", 0);
	show("f1000 by fd", fd1000, "", AT_EMPTY_PATH);
	show("f1000 by NULL path", fd1000, NULL, AT_EMPTY_PATH);
	show("froot by path", AT_FDCWD, "froot", 0);
	show("froot by O_PATH fd", fdroot, "", AT_EMPTY_PATH);
	show("cwd", AT_FDCWD, "", AT_EMPTY_PATH);
	return 0;
}
