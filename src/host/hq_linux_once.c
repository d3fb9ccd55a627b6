/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HQ_POLL on files whose poll reports a change once: the mount table
 * (/proc/PID/mounts and mountinfo: mounts_poll), /proc/swaps and the
 * /proc/sys entries that poll (kernel/hostname, kernel/domainname).
 * Their poll method answers EPOLLPRI|EPOLLERR to the first poll after a
 * change and remembers, in the open file, that it told.
 *
 * The knote's item in q->epfd is asked by every poll of q->epfd, and
 * q->epfd is nested in the loop's queue, which the loop polls: the first
 * of those polls takes the change, and our own harvest of q->epfd, which
 * comes later, finds nothing (Linux's own nested epoll has this flaw; the
 * guest's epoll is not nested, so it sees every change).  So each such
 * knote also keeps an open file of its own on the same proc entry (a
 * reopen through /proc/self/fd, in the guest's mount namespace), in no
 * set: only poll() here asks it, at the start of every harvest of every
 * queue.  A change it reports waits in the knote (kn->spend) and rings
 * the knote's queue, whose next harvest reports it.  The item in q->epfd
 * still wakes the loop at the change and ends the knote with the file;
 * its own change bits are not used (they would report one change twice).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "host/hq_linux_int.h"

#define PROC_MAGIC	0x9fa0		/* PROC_SUPER_MAGIC */
#define CHANGE_BITS	(EPOLLPRI | EPOLLERR)

static struct knote *once_list;		/* every knote with a shadow */
static int nonce;
static struct pollfd *pfd;
static struct knote **pkn;
static int npfd;

/* Is this proc entry one of those whose poll reports a change once? */
static bool
reports_once(int fd)
{
	char self[64], path[512];
	const char *base;
	struct statfs sf;
	ssize_t n;

	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_MAGIC)
		return false;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((n = readlink(self, path, sizeof(path) - 1)) <= 0)
		return false;
	path[n] = '\0';
	base = strrchr(path, '/');
	base = base == NULL ? path : base + 1;
	/* seen from another mount namespace the path is proc's own */
	return strcmp(base, "mounts") == 0 || strcmp(base, "mountinfo") == 0 ||
	    strcmp(base, "swaps") == 0 || strstr(path, "sys/") != NULL;
}

/*
 * At attach, before the item is made: fd is the guest's file.  A change
 * it has not reported yet is the guest's (Linux's EPOLL_CTL_ADD polls the
 * file and reports it), so it is asked once here, then the shadow starts
 * from now.
 */
void
hqo_attach(struct hq *q, struct knote *kn, int fd)
{
	char self[64];
	struct pollfd p = { .fd = fd, .events = (short)kn->sfflags };

	kn->shadow = -1;
	if (!reports_once(fd))
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((kn->shadow = open(self, O_RDONLY | O_CLOEXEC)) < 0)
		return;		/* the task is gone: no change to come */
	if (poll(&p, 1, 0) == 1 && (p.revents & CHANGE_BITS))
		kn->spend = (uint32_t)p.revents;
	kn->sq = q;
	kn->onext = once_list;
	once_list = kn;
	nonce++;
}

void
hqo_detach(struct knote *kn)
{
	struct knote **pp;

	if (kn->shadow < 0)
		return;
	for (pp = &once_list; *pp != NULL; pp = &(*pp)->onext)
		if (*pp == kn) {
			*pp = kn->onext;
			nonce--;
			break;
		}
	close(kn->shadow);
	kn->shadow = -1;
}

/* Event bits from the item: a shadow knote's changes come from the shadow. */
uint32_t
hqo_item_bits(const struct knote *kn, uint32_t bits)
{
	return kn->shadow >= 0 ? bits & ~(uint32_t)CHANGE_BITS : bits;
}

/* Start of a harvest of any queue: ask every shadow. */
void
hqo_poll(void)
{
	struct knote *kn;
	int i = 0, n;

	if (nonce == 0)
		return;
	if (npfd < nonce) {
		struct pollfd *p = realloc(pfd, (size_t)nonce * sizeof(*p));
		struct knote **k;

		if (p != NULL)
			pfd = p;
		if ((k = realloc(pkn, (size_t)nonce * sizeof(*k))) != NULL)
			pkn = k;
		if (p == NULL || k == NULL)
			return;
		npfd = nonce;
	}
	for (kn = once_list; kn != NULL; kn = kn->onext, i++) {
		pfd[i].fd = kn->shadow;
		pfd[i].events = (short)(kn->sfflags | CHANGE_BITS);
		pfd[i].revents = 0;
		pkn[i] = kn;
	}
	if ((n = poll(pfd, (nfds_t)i, 0)) <= 0)
		return;
	while (i-- > 0) {
		kn = pkn[i];
		if (!(pfd[i].revents & CHANGE_BITS))
			continue;
		/* the registration's bits, and ERR, HUP as epoll always */
		kn->spend |= (uint32_t)pfd[i].revents &
		    (kn->sfflags | EPOLLERR | EPOLLHUP);
		hq_ring(kn->sq);
	}
}

/* End of a harvest of q: its knotes' waiting changes are events now. */
void
hqo_apply(struct hq *q)
{
	struct knote *kn;

	for (kn = once_list; kn != NULL; kn = kn->onext) {
		if (kn->sq != q || kn->spend == 0 ||
		    (kn->status & KN_DISABLED))
			continue;
		if (kn->drained != q->pass)
			kn->fflags = 0;
		kn->fflags |= kn->spend;
		kn->spend = 0;
		kn->drained = q->pass;
		hq_knote_activate(q, kn);
	}
}
