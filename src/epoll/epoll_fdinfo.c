/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tfd: lines of /proc/PID/fdinfo/N of an epoll fd, as Linux's
 * ep_show_fdinfo writes them after the four every file has
 * (src/translate/object_fdinfo.c puts the text in the guest's place):
 *
 *	tfd:        5 events:       19 data:                7  pos:0 ino:1c sdev:d
 *
 * one line per registration: its fd number, its events as the kernel
 * keeps them (EPOLLERR|EPOLLHUP added; a ONESHOT that fired keeps only
 * EP_PRIVATE_BITS, as the host's item shows), its data, and the target file's position, inode and
 * device.  Those three are the file's own: each registration is an item
 * of a host epoll set (the instance's host queue), whose own fdinfo
 * names them (hq_poll_files).  A target that is one of our objects (a
 * nested epoll, an inotify fd) shows the anonymous inode Linux's has.
 *
 * Linux lists the items in the order of its tree, by the address of the
 * target's struct file: not reproducible from outside.  These come in
 * the order of registration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epoll/epoll_int.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

/* Bits a fired ONESHOT item keeps (fs/eventpoll.c EP_PRIVATE_BITS). */
#define EP_PRIVATE_BITS	(LX_EPOLLWAKEUP | LX_EPOLLONESHOT | LX_EPOLLET | \
	LX_EPOLLEXCLUSIVE)

/* An object of ours as a target: Linux's anonymous inode, not our pipe. */
static void
anon_target(struct hq_poll_file *f)
{
	static uint64_t aino;
	static uint32_t adev;
	static bool known;
	struct host_stat hs;
	struct lx_object *o = lx_object_by_ino(f->ino);

	if (o == NULL || o->ops->link == NULL ||
	    strncmp(o->ops->link, "anon_inode:", 11) != 0)
		return;
	if (!known && host_anon_inode_stat(HS_BASIC, HS_SYNC_AS_STAT,
	    &hs) == 0) {
		aino = hs.hs_ino;
		adev = hs.hs_dev_major << 20 | hs.hs_dev_minor;
		known = true;
	}
	f->ino = aino;
	f->sdev = adev;
	f->pos = 0;
}

size_t
ep_fdinfo(struct lx_object *o, char *t, size_t cap)
{
	struct ep_inst *ep = (struct ep_inst *)(void *)o;
	struct hq_poll_file *files;
	struct ep_item *it;
	size_t n = 0;
	int k = 0, nfiles;

	if (ep->nitems == 0 ||
	    (files = calloc((size_t)ep->nitems, sizeof(*files))) == NULL)
		return 0;
	TAILQ_FOREACH(it, &ep->items, link)
		if (k < ep->nitems)
			files[k++].key = it->key;
	/* On failure no file is found: no lines, as for an empty set. */
	(void)hq_poll_files(ep->hq, files, k);
	nfiles = k;
	k = 0;
	TAILQ_FOREACH(it, &ep->items, link) {
		struct hq_poll_file *f;
		uint32_t ev = it->events;

		if (k == nfiles)
			break;
		f = &files[k++];
		/* An item whose file is gone is gone on Linux too. */
		if (!f->found)
			continue;
		/* A fired ONESHOT: the host disarmed its item (or we did). */
		if ((ev & LX_EPOLLONESHOT) && (!it->armed ||
		    ((f->events & LX_EPOLLONESHOT) &&
		    (f->events & ~(uint32_t)EP_PRIVATE_BITS) == 0)))
			ev &= EP_PRIVATE_BITS;
		if (cap - n < 128)
			break;
		anon_target(f);
		n += (size_t)snprintf(t + n, cap - n, "tfd: %8d events: %8x "
		    "data: %16llx  pos:%lli ino:%llx sdev:%x\n", it->fd, ev,
		    (unsigned long long)it->data, (long long)f->pos,
		    (unsigned long long)f->ino, f->sdev);
	}
	free(files);
	return n;
}
