/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What epoll asks of the host beyond the event queue, on a Linux host:
 *
 *  - whether a queue's fd polls readable now (the marker follows it);
 *  - the marker byte: written on our write end; taken out again through
 *    a short-lived reader opened on the same pipe (/proc/self/fd/N), so
 *    no injected read and no O_NONBLOCK on the guest's end are needed,
 *    and the pipe never keeps a reader of ours that would hide the
 *    guest's last close from the registry;
 *  - a signalfd's mask (fdinfo) and a thread's pending signals (status).
 *
 * A NetBSD backend would replace this file: its signalfd is the compat
 * layer's own, and the marker is drained by an injected read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epoll/epoll_int.h"

int
ep_host_file(int fd, uint64_t *dev, uint64_t *ino, uint32_t *type)
{
	static const struct { mode_t host; uint32_t lx; } types[] = {
		{ S_IFSOCK, LX_S_IFSOCK }, { S_IFLNK, LX_S_IFLNK },
		{ S_IFREG, LX_S_IFREG }, { S_IFBLK, LX_S_IFBLK },
		{ S_IFDIR, LX_S_IFDIR }, { S_IFCHR, LX_S_IFCHR },
		{ S_IFIFO, LX_S_IFIFO },
	};
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	*type = 0;		/* an anonymous inode has no type */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((st.st_mode & S_IFMT) == types[i].host)
			*type = types[i].lx;
	return 0;
}

bool
ep_host_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int
ep_host_byte_set(int sup_fd)
{
	char b = 'e';

	if (write(sup_fd, &b, 1) == 1 || errno == EAGAIN)
		return 0;
	return -errno;
}

int
ep_host_byte_clear(int sup_fd)
{
	char path[64], buf[64];
	int rd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", sup_fd);
	if ((rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -errno;
	while (read(rd, buf, sizeof(buf)) > 0)
		;
	close(rd);
	return 0;
}

void
ep_host_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int ep_cur_tid;

/* The hex value after "key" in a /proc file; false if there is none. */
static bool
proc_hex(const char *path, const char *key, uint64_t *v, const char *key2,
    uint64_t *v2)
{
	char line[256];
	size_t kl = strlen(key), kl2 = key2 != NULL ? strlen(key2) : 0;
	bool found = false;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, kl) == 0) {
			*v = strtoull(line + kl, NULL, 16);
			found = true;
		} else if (key2 != NULL && strncmp(line, key2, kl2) == 0)
			*v2 = strtoull(line + kl2, NULL, 16);
	}
	fclose(f);
	return found;
}

/* A signalfd's fdinfo has its mask; no other file's has "sigmask:". */
bool
ep_host_sigfd_mask(int copy, uint64_t *mask)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", copy);
	return proc_hex(path, "sigmask:", mask, NULL, NULL);
}

bool
ep_host_guest_sigfd_mask(int tid, int fd, uint64_t *mask)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", tid, fd);
	return proc_hex(path, "sigmask:", mask, NULL, NULL);
}

uint64_t
ep_host_sigfd_pending(uint64_t mask, int tid)
{
	char path[64];
	uint64_t own = 0, shared = 0;

	if (tid <= 0 || mask == 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	proc_hex(path, "SigPnd:", &own, "ShdPnd:", &shared);
	return (own | shared) & mask;
}
