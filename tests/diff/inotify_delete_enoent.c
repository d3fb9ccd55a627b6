/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An IN_DELETE is queued only once the name is gone: a watcher that
 * opens the name as soon as it reads the event gets ENOENT, every time.
 * Two writers make and remove files while the parent reads: one forked
 * after the watch (it inherits the rules that make its calls stop) and
 * one forked before it, which under lxrun gets them at its first stop of
 * any kind (here a stat, as most programs make; a process that never
 * stops at all is seen the way an untraced one is, through the host's
 * notes: docs/semantics.md).  Every deletion is reported, once.
 */
#include <sys/wait.h>

#include "inotify_common.h"

#define FILES 400

static void
writer(const char *tag, int go)
{
	char name[64], c;
	struct stat st;

	if (read(go, &c, 1) != 1 || stat("d", &st) < 0)
		_exit(1);
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "d/%s%d", tag, i);
		put_file(name, "x");
		if (unlink(name) < 0)
			_exit(1);
	}
	_exit(0);
}

int
main(void)
{
	char buf[65536] __attribute__((aligned(8)));
	int fd, early[2], late[2], st, deletes = 0, opened = 0, dup = 0;
	static unsigned char seen[2][FILES];
	pid_t a, b;
	ssize_t n;

	CHECK(mkdir("d", 0755));
	CHECK(pipe(early));
	CHECK(pipe(late));
	CHECK(a = fork());
	if (a == 0)
		writer("early", early[0]);
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(fd, "d", IN_DELETE));
	CHECK(b = fork());
	if (b == 0)
		writer("late", late[0]);
	CHECK(write(early[1], "g", 1));
	CHECK(write(late[1], "g", 1));
	for (int idle = 0; deletes < 2 * FILES && idle < 200;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 50) == 0) {
			idle++;
			continue;
		}
		idle = 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			const struct inotify_event *e;

			for (char *q = buf; q < buf + n;
			    q += sizeof(*e) + e->len) {
				char path[300];
				int f, k, i;

				e = (const struct inotify_event *)(void *)q;
				if (!(e->mask & IN_DELETE))
					continue;
				deletes++;
				snprintf(path, sizeof(path), "d/%s", e->name);
				if ((f = open(path, O_RDONLY)) >= 0) {
					opened++;
					close(f);
				} else if (errno != ENOENT) {
					printf("open %s: %s\n", path,
					    strerror(errno));
				}
				k = e->name[0] == 'e';
				i = atoi(e->name + (k ? 5 : 4));
				if (i >= 0 && i < FILES && seen[k][i]++)
					dup++;
			}
		}
	}
	CHECK(waitpid(a, &st, 0));
	printf("early writer: %d\n", st);
	CHECK(waitpid(b, &st, 0));
	printf("late writer: %d\n", st);
	printf("IN_DELETE: %d of %d, twice %d, opened after it %d\n",
	    deletes, 2 * FILES, dup, opened);
	return 0;
}
