/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HQ_POLL on Linux: knotes on files the queue does not hold (host.h).
 *
 * A Linux epoll set keeps an item only while its file lives, and the item
 * holds no reference to the file: when the file's last reference goes
 * (in any process), the kernel drops the item.  So each knote is an item
 * of q->epfd itself, made from the caller's fd, which the caller then
 * closes: nothing of ours keeps the file open.
 *
 * Right in q->epfd, not in a set nested in it: Linux limits how many
 * epoll sets a file may be in by the depth of their nesting (at most 500
 * sets nested once, 100 twice, 50 three times; reverse_path_check), and
 * the loop watches q->epfd directly (a READ|CLEAR knote has its item in
 * the loop's own q->epfd), so a guest file can be in 500 emulated
 * instances (Linux: 1000 epoll instances).
 *
 * An item is keyed by (file, fd number).  The number is one of ours,
 * chosen per queue (q->pnums) and used only for that: to add, modify or
 * delete the item the file is put at that number for the one epoll_ctl
 * (F_DUPFD, which never replaces anything), then the number is closed
 * again.  If the supervisor opened something of its own at that number
 * meanwhile, that file is moved aside for the moment and put back (the
 * same open file at the same number, nothing else changes).  No other
 * item of q->epfd has such a number (hq_unclash), so kcmp's "the item
 * under number N" is always ours.
 *
 * Whether the item still exists, and whether a traced thread's fd is its
 * file, kcmp(KCMP_EPOLL_TFD) asks of the kernel without touching either.
 *
 * Items are level-triggered unless HQ_CLEAR (EPOLLET) or HQ_DISPATCH
 * (EPOLLONESHOT), with the caller's bits: epoll_wait on the set polls
 * each file at that moment (ep_item_poll), so an event's bits are the
 * file's own answer, the question Linux's epoll asks.  hq_wait asks the
 * set once per round for everything (hq_linux.c); a level item is
 * reported again by the host while true, and hqp_prune drops the queued
 * ones it no longer reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "host/hq_linux_int.h"
#include "lxrun/shortage.h"

/* HQ_POLL_* are poll(2)'s bits, which are Linux's EPOLL* bits. */
_Static_assert(HQ_POLL_IN == EPOLLIN && HQ_POLL_PRI == EPOLLPRI &&
    HQ_POLL_OUT == EPOLLOUT && HQ_POLL_ERR == EPOLLERR &&
    HQ_POLL_HUP == EPOLLHUP && HQ_POLL_RDNORM == EPOLLRDNORM &&
    HQ_POLL_RDBAND == EPOLLRDBAND && HQ_POLL_WRNORM == EPOLLWRNORM &&
    HQ_POLL_WRBAND == EPOLLWRBAND && HQ_POLL_MSG == EPOLLMSG &&
    HQ_POLL_RDHUP == EPOLLRDHUP, "poll bits");

#define POLL_BITS	(HQ_POLL_IN | HQ_POLL_PRI | HQ_POLL_OUT | \
	HQ_POLL_ERR | HQ_POLL_HUP | HQ_POLL_RDNORM | HQ_POLL_RDBAND | \
	HQ_POLL_WRNORM | HQ_POLL_WRBAND | HQ_POLL_MSG | HQ_POLL_RDHUP)

/* --- item numbers ------------------------------------------------------ */

static int num_base = -1;	/* numbers below are the supervisor's own */
static int num_limit;		/* RLIMIT_NOFILE's hard limit */

/* Numbers from well above what the supervisor itself opens. */
static void
num_setup(void)
{
	struct rlimit rl;

	if (num_base >= 0)
		return;
	num_limit = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		num_limit = rl.rlim_max > INT_MAX ? INT_MAX : (int)rl.rlim_max;
	num_base = num_limit >= 4096 ? 1024 : num_limit / 4;
}

/*
 * The numbers must lie below our RLIMIT_NOFILE: raise it to the hard
 * limit, at the first HQ_POLL knote (after the guest was started: its
 * limit is its own).
 */
static void
num_raise(void)
{
	static bool done;
	struct rlimit rl;

	if (done)
		return;
	done = true;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE,
		    &rl) == 0)
			num_limit = rl.rlim_cur > INT_MAX ? INT_MAX :
			    (int)rl.rlim_cur;
	}
}

static bool
num_used(const struct hq *q, int k)
{
	int i = k - num_base;

	return num_base >= 0 && i >= 0 && i < q->npnums &&
	    (q->pnums[i / 64] >> (i % 64) & 1);
}

static int
num_mark(struct hq *q, int k, bool used)
{
	int i = k - num_base;

	if (i < 0)
		return 0;	/* never an HQ_POLL number */
	if (i >= q->npnums) {
		int n = (i / 64 + 1) * 64 * 2;
		uint64_t *b;

		if (!used)
			return 0;
		if ((b = realloc(q->pnums, (size_t)n / 8)) == NULL)
			return -ENOMEM;
		memset(b + q->npnums / 64, 0, (size_t)(n - q->npnums) / 8);
		q->pnums = b;
		q->npnums = n;
	}
	if (used)
		q->pnums[i / 64] |= UINT64_C(1) << (i % 64);
	else {
		q->pnums[i / 64] &= ~(UINT64_C(1) << (i % 64));
		if (k < q->pnum_hint)
			q->pnum_hint = k;
	}
	return 0;
}

static int
num_next(const struct hq *q, int from)
{
	while (from < num_limit && num_used(q, from))
		from++;
	return from;
}

/*
 * A new number for fd's file, which is left open at it: the lowest one
 * not in use by this queue that F_DUPFD can give (it never replaces a
 * file), or -ENOSPC.
 */
static int
num_alloc(struct hq *q, int fd)
{
	int k, r;

	if (q->pnum_hint < num_base)
		q->pnum_hint = num_base;
	for (k = num_next(q, q->pnum_hint); k < num_limit;
	    k = num_next(q, r + 1)) {
		r = fcntl(fd, F_DUPFD_CLOEXEC, k);
		if (r < 0 && (errno == EMFILE || errno == EINVAL)) {
			lx_shortage(LX_SHORT_FDS);	/* ours */
			return -ENOSPC;
		}
		if (r < 0)
			return -errno;
		if (!num_used(q, r)) {
			if (num_mark(q, r, true) < 0) {
				close(r);
				return -ENOMEM;
			}
			if (k == q->pnum_hint)
				q->pnum_hint = r + 1;
			return r;
		}
		close(r);
	}
	/* every number up to our limit is taken: our fds ran out too */
	lx_shortage(LX_SHORT_FDS);
	return -ENOSPC;
}

/* fd's file at number k for one epoll_ctl (aside: what k held before). */
struct at {
	int k, aside, fdflags;
};

static int
put_at(int fd, int k, struct at *a)
{
	int r;

	a->k = k;
	a->aside = -1;
	if (fd == k)
		return 0;
	if ((r = fcntl(fd, F_DUPFD_CLOEXEC, k)) < 0)
		return -errno;
	if (r == k)
		return 0;
	close(r);
	/* k holds a file of the supervisor's own now: move it aside. */
	a->fdflags = fcntl(k, F_GETFD);
	if ((a->aside = fcntl(k, F_DUPFD_CLOEXEC, 0)) < 0)
		return -errno;
	if (dup3(fd, k, O_CLOEXEC) < 0) {
		r = -errno;
		close(a->aside);
		return r;
	}
	return 0;
}

static void
take_back(int fd, struct at *a)
{
	if (a->k == fd)
		return;
	if (a->aside < 0) {
		close(a->k);
		return;
	}
	dup3(a->aside, a->k, a->fdflags > 0 && (a->fdflags & FD_CLOEXEC) ?
	    O_CLOEXEC : 0);
	close(a->aside);
}

/* --- the set ---------------------------------------------------------- */

bool
hqp_number_taken(const struct hq *q, int k)
{
	return num_used(q, k);
}

void
hqp_taint(struct hq *q, int k)
{
	num_setup();
	num_mark(q, k, true);
}

int
hq_unclash(struct hq *q, int fd)
{
	int k = 0, r;

	if (fd < 0 || !num_used(q, fd))
		return fd;
	while ((r = fcntl(fd, F_DUPFD_CLOEXEC, k)) >= 0 && num_used(q, r)) {
		close(r);
		k = r + 1;
	}
	if (r < 0)
		return fd;	/* no room: kcmp may then name the wrong item */
	close(fd);
	return r;
}

/* Does this kernel answer KCMP_EPOLL_TFD?  Asked once, on a real set. */
static int kcmp_ok = -1;

static long
kcmp_item(pid_t pid, int fd, const struct hq *q, int k)
{
	struct kcmp_epoll_slot s = { (uint32_t)q->epfd, (uint32_t)k, 0 };

	return syscall(SYS_kcmp, pid, host_self(), KCMP_EPOLL_TFD, fd, &s);
}

static int
poll_init(struct hq *q)
{
	num_setup();
	num_raise();
	if (kcmp_ok < 0) {
		/* no item at this number yet: ENOENT where kcmp works */
		kcmp_ok = kcmp_item(host_self(), q->epfd, q,
		    num_limit - 1) < 0 && errno == ENOENT;
	}
	return kcmp_ok ? 0 : -EOPNOTSUPP;
}

static void
item_event(const struct knote *kn, struct epoll_event *e)
{
	memset(e, 0, sizeof(*e));
	e->events = (kn->sfflags & POLL_BITS) |
	    (kn->flags & HQ_CLEAR ? EPOLLET : 0) |
	    (kn->flags & HQ_DISPATCH ? EPOLLONESHOT : 0);
	e->data.u64 = kn_tag(kn);
}

int
hqp_attach(struct hq *q, struct knote *kn, int fd)
{
	struct epoll_event e;
	int k, error;

	if ((error = poll_init(q)) < 0)
		return error;
	if ((k = num_alloc(q, fd)) < 0)
		return k;
	hqo_attach(q, kn, fd);
	item_event(kn, &e);
	error = epoll_ctl(q->epfd, EPOLL_CTL_ADD, k, &e) < 0 ? -errno : 0;
	if (error == -ENOSPC)
		lx_shortage(LX_SHORT_EPOLL_WATCHES);
	close(k);
	if (error < 0) {
		num_mark(q, k, false);
		return error;
	}
	kn->num = k;
	q->npoll++;
	return 0;
}

static int
item_ctl(struct hq *q, struct knote *kn, int fd, int op)
{
	struct epoll_event e;
	struct at a;
	int error;

	if ((error = put_at(fd, kn->num, &a)) < 0)
		return error;
	item_event(kn, &e);
	/* ENOENT: fd's file is not the knote's (or the item is gone) */
	error = epoll_ctl(q->epfd, op, kn->num, &e) < 0 ? -errno : 0;
	take_back(fd, &a);
	return error;
}

int
hqp_modify(struct hq *q, struct knote *kn, int fd)
{
	return item_ctl(q, kn, fd, EPOLL_CTL_MOD);
}

int
hqp_delete(struct hq *q, struct knote *kn, int fd)
{
	return item_ctl(q, kn, fd, EPOLL_CTL_DEL);
}

/* The knote goes; its item is gone already (or the set is closing). */
void
hqp_detach(struct hq *q, struct knote *kn)
{
	hqo_detach(kn);
	if (kn->num < 0)
		return;
	num_mark(q, kn->num, false);
	kn->num = -1;
	q->npoll--;
}

void
hqp_fini(struct hq *q)
{
	free(q->ebuf);
	free(q->pnums);
	q->ebuf = NULL;
	q->pnums = NULL;
	q->nebuf = q->npnums = 0;
}

/*
 * After a harvest that asked every item: a level knote still queued from
 * an earlier call keeps its place if the host reported it again (so that
 * a small max takes turns, as Linux's round robin does), with its bits of
 * now, and leaves the queue if not.  Edge and one-shot knotes stay until
 * retrieved.
 */
void
hqp_prune(struct hq *q)
{
	struct knote *kn, *next;

	for (kn = TAILQ_FIRST(&q->active); kn != NULL; kn = next) {
		next = TAILQ_NEXT(kn, tq);
		if (kn->filter == HQ_POLL && kn->drained != q->pass &&
		    !(kn->flags & (HQ_CLEAR | HQ_DISPATCH))) {
			TAILQ_REMOVE(&q->active, kn, tq);
			q->nactive--;
			kn->status &= ~(KN_QUEUED | KN_ACTIVE);
			kn->fflags = 0;
		}
	}
}

/*
 * Linux puts a level item it reported back at the end of its ready list,
 * in the order it reported them, and its next epoll_wait takes them in
 * that order before anything that became ready since.  q->epfd does the
 * same, but with the order of the supervisor's harvests (which take
 * everything), not of the guest's retrievals (which take maxevents at a
 * time).  So in the first harvest after a retrieval, the level HQ_POLL
 * knotes it retrieved come first, in the order they were retrieved
 * (tests/diff/epoll_random.c found the difference).  Called with each
 * batch of q->epfd's events, before they are queued.
 */
struct relist {
	uint64_t key;
	struct epoll_event ev;
};

static int
relist_cmp(const void *a, const void *b)
{
	const struct relist *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* A knote this harvest relists: retrieved since the last, not queued. */
static bool
relisted_now(const struct hq *q, const struct knote *kn)
{
	return kn != NULL && kn->relisted == q->pass &&
	    !(kn->status & KN_QUEUED);
}

void
hqp_relist_order(struct hq *q, struct epoll_event *e, int n)
{
	static struct relist *r;
	static int nr;
	bool any = false;

	for (int i = 0; i < n && !any; i++)
		any = relisted_now(q, hq_knote_from_tag(q, e[i].data.u64));
	if (!any)
		return;
	if (nr < n) {
		struct relist *b = realloc(r, (size_t)n * sizeof(*b));

		if (b == NULL)
			return;
		r = b;
		nr = n;
	}
	/* relisted ones by retrieval, then the rest in the host's order */
	for (int i = 0; i < n; i++) {
		struct knote *kn = hq_knote_from_tag(q, e[i].data.u64);

		r[i].ev = e[i];
		r[i].key = relisted_now(q, kn) ? kn->relist_seq :
		    ((uint64_t)1 << 62) + (uint64_t)i;
	}
	qsort(r, (size_t)n, sizeof(*r), relist_cmp);
	for (int i = 0; i < n; i++)
		e[i] = r[i].ev;
}

/*
 * An edge or dispatch knote queued by an earlier harvest and not taken
 * since (the guest asked for fewer records than were ready): Linux polls
 * the item again when it copies it out, so a file closed since is gone, a
 * file drained since is passed over (a one-shot item stays armed), and
 * the bits are those of now (tests/diff/epoll_random.c found all three).
 * Level knotes need nothing: every harvest asks them again (hqp_prune).
 * false: pass over it.
 */
bool
hqp_recheck(struct hq *q, struct knote *kn)
{
	struct pollfd p;
	int fd, r;

	if (!(kn->flags & (HQ_CLEAR | HQ_DISPATCH)) ||
	    kn->drained == q->pass || kn->num < 0)
		return true;
	/*
	 * Its file is gone: passed over, the knote kept for its owner to
	 * end (a change naming it must still fail as one on a gone item).
	 */
	if (kcmp_item(host_self(), q->epfd, q, kn->num) < 0 &&
	    errno == ENOENT) {
		kn->status &= ~KN_ACTIVE;
		kn->fflags = 0;
		return false;
	}
	/* a file that tells a change once told it to the harvest's poll */
	if (kn->shadow >= 0 || q->file_of == NULL ||
	    (fd = q->file_of(kn->udata, q->file_ctx)) < 0)
		return true;
	p.fd = fd;
	p.events = (short)(kn->sfflags & POLL_BITS);
	p.revents = 0;
	r = poll(&p, 1, 0);
	if (r >= 0)
		kn->fflags = (uint16_t)p.revents & (kn->sfflags | HQ_POLL_ERR |
		    HQ_POLL_HUP);
	if (r >= 0 && kn->fflags == 0) {
		kn->status &= ~KN_ACTIVE;
		/* the harvest disarmed the host's item; Linux's stays armed */
		if ((kn->flags & HQ_DISPATCH) && hqp_modify(q, kn, fd) == 0)
			kn->status &= ~KN_DISABLED;
	}
	close(fd);
	return r < 0 || kn->fflags != 0;
}

void
hq_poll_file_source(struct hq *q, int (*file_of)(void *, void *), void *ctx)
{
	q->file_of = file_of;
	q->file_ctx = ctx;
}

/* --- questions ---------------------------------------------------------- */

static struct knote *
poll_knote(struct hq *q, uintptr_t key)
{
	return hq_knote_lookup(q, key, HQ_POLL);
}

int
hq_poll_alive(struct hq *q, uintptr_t key)
{
	struct knote *kn = poll_knote(q, key);
	long r;

	if (kn == NULL || kn->num < 0)
		return 0;
	r = kcmp_item(host_self(), q->epfd, q, kn->num);
	if (r >= 0)
		return 1;
	if (errno != ENOENT)
		return -errno;
	hq_knote_drop(q, kn);
	return 0;
}

int
hq_poll_is(struct hq *q, uintptr_t key, int pid, int fd)
{
	struct knote *kn = poll_knote(q, key);
	long r;

	if (kn == NULL || kn->num < 0 || fd < 0)
		return 0;
	r = kcmp_item(pid, fd, q, kn->num);
	if (r >= 0)
		return r == 0;
	return errno == ENOENT || errno == EBADF || errno == ESRCH ? 0 :
	    -errno;
}

/* One tfd: line of q->epfd's fdinfo. */
struct tfd_line {
	int num;
	uint32_t events;
	int64_t pos;
	uint64_t ino;
	uint32_t sdev;
};

static int
by_num(const void *a, const void *b)
{
	const struct tfd_line *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/*
 * The kernel writes, per item of an epoll set, "tfd: %8d events: %8x
 * data: %16llx  pos:%lli ino:%lx sdev:%x" (ep_show_fdinfo): the item's
 * number is the knote's num, and the rest is the file's own.
 */
int
hq_poll_files(struct hq *q, struct hq_poll_file *files, int n)
{
	struct tfd_line *v = NULL, *nv, key, *hit;
	char path[64], line[256];
	int nv_len = 0, cap = 0;
	struct knote *kn;
	long long pos;
	unsigned long ino;
	unsigned sdev, events;
	FILE *f;
	int num;

	for (int i = 0; i < n; i++)
		files[i].found = false;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", q->epfd);
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "tfd: %d events: %x data: %*x pos:%lli "
		    "ino:%lx sdev:%x", &num, &events, &pos, &ino, &sdev) != 5)
			continue;
		if (nv_len == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, (size_t)cap * sizeof(*v))) == NULL) {
				free(v);
				fclose(f);
				return -ENOMEM;
			}
			v = nv;
		}
		v[nv_len].num = num;
		v[nv_len].events = events;
		v[nv_len].pos = pos;
		v[nv_len].ino = ino;
		v[nv_len++].sdev = sdev;
	}
	fclose(f);
	if (nv_len > 0)
		qsort(v, (size_t)nv_len, sizeof(*v), by_num);
	for (int i = 0; i < n && nv_len > 0; i++) {
		if ((kn = poll_knote(q, files[i].key)) == NULL || kn->num < 0)
			continue;
		key.num = kn->num;
		if ((hit = bsearch(&key, v, (size_t)nv_len, sizeof(*v),
		    by_num)) == NULL)
			continue;
		files[i].events = hit->events;
		files[i].pos = hit->pos;
		files[i].ino = hit->ino;
		files[i].sdev = hit->sdev;
		files[i].found = true;
	}
	free(v);
	return 0;
}
