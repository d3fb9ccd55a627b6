/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The queue: identical unread events coalesced (only with the tail),
 * FIONREAD, whole events per read with the name padded to 16 bytes,
 * EINVAL for a buffer too small without losing the event, a read that
 * takes only what fits, and IN_Q_OVERFLOW (wd -1, once) at
 * max_queued_events.
 */
#include <sys/ioctl.h>

#include "inotify_common.h"

static long
max_queued(void)
{
	long v = 16384;
	FILE *f = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 16384;
		fclose(f);
	}
	return v;
}

int
main(void)
{
	char buf[65536] __attribute__((aligned(8)));
	int fd, wd, q, f;
	long max, creates = 0, overflows = 0, other = 0, after = 0;
	ssize_t n;

	CHECK(mkdir("d", 0755));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(wd = inotify_add_watch(fd, "d", IN_CREATE | IN_ATTRIB |
	    IN_MODIFY | IN_DELETE));

	/* Coalescing: the same event again while unread merges. */
	put_file("d/f", NULL);
	drain(fd, "create f");
	CHECK(chmod("d/f", 0600));
	CHECK(chmod("d/f", 0644));
	drain(fd, "chmod f twice");
	CHECK(f = open("d/f", O_WRONLY));
	CHECK(write(f, "a", 1));
	drain(fd, "write f");
	CHECK(write(f, "a", 1));
	CHECK(write(f, "a", 1));
	close(f);
	drain(fd, "write f twice");

	/* FIONREAD and record sizes. */
	put_file("d/abc", NULL);
	put_file("d/fifteen-chars-x", NULL);
	put_file("d/sixteen-chars-xy", NULL);
	CHECK(ioctl(fd, FIONREAD, &q));
	printf("FIONREAD after 3 creates: %d\n", q);
	errno = 0;
	n = read(fd, buf, 16);
	printf("read 16: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	n = read(fd, buf, 0);
	printf("read 0: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	n = read(fd, buf, 40);
	printf("read 40: %zd (len %u)\n", n,
	    n > 0 ? ((struct inotify_event *)(void *)buf)->len : 0);
	print_events(buf, n);
	CHECK(ioctl(fd, FIONREAD, &q));
	printf("FIONREAD: %d\n", q);
	n = read(fd, buf, 32 + 47);
	printf("read 79: %zd\n", n);
	print_events(buf, n);
	n = read(fd, buf, sizeof(buf));
	printf("read all: %zd\n", n);
	print_events(buf, n);
	CHECK(ioctl(fd, FIONREAD, &q));
	printf("FIONREAD empty: %d\n", q);
	errno = 0;
	n = read(fd, buf, sizeof(buf));
	printf("read empty: %zd %s\n", n, strerror(errno));

	/* Overflow. */
	max = max_queued();
	for (long i = 0; i < max + 10; i++) {
		char name[64];

		/* mkdir: one syscall per event, for a quick --trace run. */
		snprintf(name, sizeof(name), "d/o%ld", i);
		CHECK(mkdir(name, 0755));
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const struct inotify_event *e;

		for (char *p = buf; p < buf + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)(void *)p;
			if (overflows > 0)
				after++;
			if (e->mask == (IN_CREATE | IN_ISDIR) && e->wd == wd)
				creates++;
			else if (e->mask == IN_Q_OVERFLOW && e->wd == -1 &&
			    e->len == 0)
				overflows++;
			else
				other++;
		}
	}
	printf("overflow: creates == max %d, overflow events %ld, "
	    "other %ld, after overflow %ld\n", creates == max, overflows,
	    other, after);
	return 0;
}
