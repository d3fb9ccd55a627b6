/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the tests/diff/inotify_*.c programs: print inotify events in
 * a form that is the same natively and under lxrun (cookies numbered by
 * first appearance, so a pair shows as the same "cN").
 */
#ifndef INOTIFY_COMMON_H
#define INOTIFY_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { uint32_t bit; const char *name; } in_names[] = {
	{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" },
	{ IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
	{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
	{ IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
	{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" },
	{ IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
	{ IN_UNMOUNT, "UNMOUNT" }, { IN_Q_OVERFLOW, "Q_OVERFLOW" },
	{ IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
};

static uint32_t seen_cookies[256];
static int nseen_cookies;

static __attribute__((unused)) void
mask_str(uint32_t m, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(in_names) / sizeof(in_names[0]); i++)
		if (m & in_names[i].bit) {
			if (buf[0] != '\0')
				strncat(buf, "|", len - strlen(buf) - 1);
			strncat(buf, in_names[i].name, len - strlen(buf) - 1);
			m &= ~in_names[i].bit;
		}
	if (m != 0)
		snprintf(buf + strlen(buf), len - strlen(buf), "|%#x", m);
}

static __attribute__((unused)) int
cookie_no(uint32_t c)
{
	if (c == 0)
		return 0;
	for (int i = 0; i < nseen_cookies; i++)
		if (seen_cookies[i] == c)
			return i + 1;
	if (nseen_cookies < 256)
		seen_cookies[nseen_cookies++] = c;
	return nseen_cookies;
}

static __attribute__((unused)) void
print_event(const struct inotify_event *e)
{
	char m[256];

	mask_str(e->mask, m, sizeof(m));
	printf("  wd=%d %s", e->wd, m);
	if (e->cookie != 0)
		printf(" cookie=c%d", cookie_no(e->cookie));
	if (e->len > 0)
		printf(" name=%s", e->name);
	printf("\n");
}

/* Print the events of buf[0..n). */
static __attribute__((unused)) void
print_events(const char *buf, ssize_t n)
{
	const struct inotify_event *e;

	for (const char *p = buf; p < buf + n;
	    p += sizeof(*e) + e->len) {
		e = (const struct inotify_event *)(const void *)p;
		print_event(e);
	}
}

/* Read (fd is non-blocking) and print everything queued, under a label. */
static __attribute__((unused)) int
drain(int fd, const char *label)
{
	char buf[65536] __attribute__((aligned(8)));
	int total = 0;
	ssize_t n;

	printf("%s:\n", label);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		print_events(buf, n);
		total += (int)n;
	}
	if (n < 0 && errno != EAGAIN)
		printf("  read: %s\n", strerror(errno));
	return total;
}

static __attribute__((unused)) void
put_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	if (data != NULL && write(fd, data, strlen(data)) < 0)
		perror("write");
	close(fd);
}

#define CHECK(expr) do { if ((expr) < 0) { perror(#expr); exit(2); } } \
	while (0)

#endif
