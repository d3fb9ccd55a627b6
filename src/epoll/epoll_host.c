/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What epoll asks of the host beyond the event queue, on a Linux host:
 *
 *  - readiness of a held copy: poll(2), the same f_op->poll question
 *    Linux's ep_item_poll asks, so per-kind rules (pipe, FIFO, socket
 *    half-close, eventfd, timerfd, tty...) come out exactly as Linux's;
 *  - open-file identity: kcmp(KCMP_FILE) between our copy and a guest fd
 *    (the supervisor traces the guest, which is what kcmp requires);
 *  - the marker byte: written on our write end; taken out again through
 *    a short-lived reader opened on the same pipe (/proc/self/fd/N), so
 *    no injected read and no O_NONBLOCK on the guest's end are needed,
 *    and the pipe never keeps a reader of ours that would hide the
 *    guest's last close from the registry.
 *
 * A NetBSD backend would replace this file: poll(2) there needs the
 * per-kind corrections epoll-shim makes, kcmp becomes a scan through the
 * tracer, and the marker is drained by an injected read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "epoll/epoll_int.h"

/* Linux poll bits and the host's (equal on Linux; spelled out anyway). */
static const struct {
	uint32_t lx;
	short host;
} pollmap[] = {
	{ LX_POLLIN, POLLIN }, { LX_POLLPRI, POLLPRI },
	{ LX_POLLOUT, POLLOUT }, { LX_POLLERR, POLLERR },
	{ LX_POLLHUP, POLLHUP }, { LX_POLLNVAL, POLLNVAL },
	{ LX_POLLRDNORM, POLLRDNORM }, { LX_POLLRDBAND, POLLRDBAND },
	{ LX_POLLWRNORM, POLLWRNORM }, { LX_POLLWRBAND, POLLWRBAND },
	{ LX_EPOLLMSG, POLLMSG }, { LX_POLLRDHUP, POLLRDHUP },
};

#define NPOLLMAP (sizeof(pollmap) / sizeof(pollmap[0]))

static short
to_host(uint32_t lx)
{
	short h = 0;

	for (size_t i = 0; i < NPOLLMAP; i++)
		if (lx & pollmap[i].lx)
			h |= pollmap[i].host;
	return h;
}

static uint32_t
from_host(short h)
{
	uint32_t lx = 0;

	for (size_t i = 0; i < NPOLLMAP; i++)
		if (h & pollmap[i].host)
			lx |= pollmap[i].lx;
	return lx;
}

#define POLL_BATCH 128

int
ep_host_poll(struct ep_poll *p, int n)
{
	struct pollfd pf[POLL_BATCH];

	for (int base = 0; base < n; base += POLL_BATCH) {
		int k = n - base < POLL_BATCH ? n - base : POLL_BATCH;

		for (int i = 0; i < k; i++) {
			pf[i].fd = p[base + i].fd;
			pf[i].events = to_host(p[base + i].events);
			pf[i].revents = 0;
		}
		if (poll(pf, (nfds_t)k, 0) < 0)
			return -errno;
		for (int i = 0; i < k; i++)
			p[base + i].revents = from_host(pf[i].revents);
	}
	return 0;
}

int
ep_host_same_file(int copy, int pid, int fd)
{
	long r;

	if (pid <= 0 || fd < 0)
		return 0;
	r = syscall(SYS_kcmp, (long)getpid(), (long)pid, (long)LX_KCMP_FILE,
	    (long)copy, (long)fd);
	if (r < 0)
		return errno == EBADF || errno == ESRCH ? 0 : -errno;
	return r == 0;
}

int
ep_host_find_file(int copy, int pid, void (*found)(void *, int), void *arg)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int first = -1;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		if (d->d_name[0] < '0' || d->d_name[0] > '9' || *end != '\0')
			continue;
		if (ep_host_same_file(copy, pid, (int)fd) != 1)
			continue;
		if (first < 0) {
			first = (int)fd;
			if (found == NULL)
				break;
		}
		if (found != NULL)
			found(arg, (int)fd);
	}
	closedir(dir);
	return first;
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

bool
ep_host_is_signalfd(int copy)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", copy);
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return false;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[signalfd]") == 0;
}

/* The hex value after "key" in a /proc file, 0 if none. */
static uint64_t
proc_hex(const char *path, const char *key, uint64_t *second,
    const char *key2)
{
	char line[256];
	uint64_t v = 0;
	size_t kl = strlen(key), kl2 = key2 != NULL ? strlen(key2) : 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, kl) == 0)
			v = strtoull(line + kl, NULL, 16);
		else if (key2 != NULL && strncmp(line, key2, kl2) == 0)
			*second = strtoull(line + kl2, NULL, 16);
	}
	fclose(f);
	return v;
}

uint64_t
ep_host_sigfd_pending(int copy, int tid)
{
	char path[64];
	uint64_t mask, own, shared = 0;

	if (tid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", copy);
	mask = proc_hex(path, "sigmask:", NULL, NULL);
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	own = proc_hex(path, "SigPnd:", &shared, "ShdPnd:");
	return (own | shared) & mask;
}
