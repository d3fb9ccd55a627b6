/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared fixture of the host event queue tests (test_hq*.c): a fresh
 * queue and a temporary directory per test, and small helpers.
 */
#ifndef HQ_FIXTURE_H
#define HQ_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lxrun/host.h"

struct fix {
	struct hq *q;
	char dir[64];
	char path[128];
};

static inline int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->q = hq_create();
	assert_non_null(f->q);
	strcpy(f->dir, "/tmp/test_hq.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	hq_destroy(f->q);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static inline const char *
in_dir(struct fix *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

static inline int
change(struct hq *q, uintptr_t ident, int filter, unsigned flags,
    uint32_t fflags, int64_t data, void *udata)
{
	struct hq_event ev = hq_event(ident, filter, flags, fflags, data,
	    udata);

	return hq_change(q, &ev, 1);
}

static inline int
add(struct hq *q, uintptr_t ident, int filter, unsigned flags,
    uint32_t fflags)
{
	return change(q, ident, filter, HQ_ADD | flags, fflags, 0, NULL);
}

/* Exactly one event within timeout; returned. */
static inline struct hq_event
one(struct hq *q, int64_t timeout_ns)
{
	struct hq_event ev[4];
	int n = hq_wait(q, ev, 4, timeout_ns);

	assert_int_equal(n, 1);
	return ev[0];
}

static inline void
none(struct hq *q)
{
	struct hq_event ev[4];

	assert_int_equal(hq_wait(q, ev, 4, 0), 0);
}

static inline void
put(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static inline void
take(int fd, size_t n)
{
	char buf[256];

	assert_int_equal(read(fd, buf, n), (ssize_t)n);
}

#define MS	INT64_C(1000000)

/* --- READ / WRITE ------------------------------------------------------ */


#endif
