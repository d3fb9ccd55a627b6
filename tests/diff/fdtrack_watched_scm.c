/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes to a watched file through an fd that reached another process:
 * the watcher opens the file (IN_OPEN) O_WRONLY and hands the fd to a
 * child forked before the inotify instance existed, by SCM_RIGHTS, then
 * closes its own copy; the child writes and closes (IN_MODIFY, then
 * IN_CLOSE_WRITE at the last close).  First three writes the watcher
 * reads only afterwards (Linux merges an event identical to the one at
 * the tail of an unread queue: one MODIFY), then, after an O_TRUNC open
 * (OPEN, MODIFY), write, pwrite, writev and ftruncate each read before
 * the next (four MODIFYs).  Then the child
 * takes the fd with pidfd_getfd while the watcher keeps its copy: the
 * close_write comes only with the watcher's own close.
 */
#define _GNU_SOURCE
#include <sys/uio.h>

#include "fdtrack_common.h"
#include "inotify_common.h"

static char file[96];
static int ifd, to_child[2], to_parent[2];

static int
recv_fd(int s)
{
	int fd;

	if (recv_fds(s, &fd, 1, 0, 0) != 1 || fd < 0) {
		printf("child: no fd\n");
		exit(3);
	}
	return fd;
}

/* One byte token between parent and child (v: a value to pass). */
static void
put(int p, int v)
{
	if (write(p, &v, sizeof(v)) != sizeof(v))
		exit(4);
}

static int
get(int p)
{
	int v;

	if (read(p, &v, sizeof(v)) != sizeof(v)) {
		printf("no token\n");
		exit(5);
	}
	return v;
}

static void
child_writes(int fd, int interleaved)
{
	struct iovec v[2] = { { "c", 1 }, { "d", 1 } };

	if (!interleaved) {
		say("child", "write", write(fd, "a", 1));
		say("child", "write", write(fd, "b", 1));
		say("child", "write", write(fd, "c", 1));
		return;
	}
	say("child", "write", write(fd, "a", 1));
	put(to_parent[1], 0);
	get(to_child[0]);
	say("child", "pwrite", pwrite(fd, "b", 1, 10));
	put(to_parent[1], 0);
	get(to_child[0]);
	say("child", "writev", writev(fd, v, 2));
	put(to_parent[1], 0);
	get(to_child[0]);
	say("child", "ftruncate", ftruncate(fd, 4));
}

/* Parent side of one SCM_RIGHTS round; the child was forked already. */
static void
scm_round(int s, pid_t p, int interleaved, int flags)
{
	int fd;

	if ((fd = open(file, O_WRONLY | flags)) < 0)
		exit(2);
	if (flags & O_TRUNC)
		drain(ifd, "events of the O_TRUNC open");
	send_fd(s, fd);
	close(fd);
	if (interleaved)
		for (int i = 0; i < 3; i++) {
			get(to_parent[0]);
			drain(ifd, "events so far");
			put(to_child[1], 0);
		}
	say("parent", "child status", child_status(p));
	drain(ifd, interleaved ? "events at the end" :
	    "events after the child's three writes");
}

static pid_t
scm_child(int sv[2], int interleaved)
{
	pid_t p;
	int fd;

	fflush(stdout);
	if ((p = fork()) == 0) {
		close(sv[0]);
		fd = recv_fd(sv[1]);
		child_writes(fd, interleaved);
		close(fd);
		_exit(0);
	}
	return p;
}

static void
getfd_round(void)
{
	int fd;
	pid_t p;

	fflush(stdout);
	if ((p = fork()) == 0) {
		fd = take_fd(getppid(), get(to_child[0]));
		say("child", "pidfd_getfd", fd < 0 ? -1 : 0);
		if (fd < 0)
			_exit(1);
		child_writes(fd, 0);
		close(fd);
		_exit(0);
	}
	if ((fd = open(file, O_WRONLY | O_APPEND)) < 0)
		exit(2);
	put(to_child[1], fd);
	say("parent", "child status", child_status(p));
	drain(ifd, "events while the parent still holds the fd");
	close(fd);
	drain(ifd, "events after the parent's close");
}

int
main(void)
{
	int sv1[2], sv2[2], fd;
	pid_t p1, p2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	make_dir("watched");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv1) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv2) < 0 ||
	    pipe(to_child) < 0 || pipe(to_parent) < 0)
		return 2;
	mkfile("f");
	snprintf(file, sizeof(file), "%s/f", dir);
	/* Both receivers exist before the inotify instance does. */
	p1 = scm_child(sv1, 0);
	p2 = scm_child(sv2, 1);
	close(sv1[1]);
	close(sv2[1]);
	if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 || inotify_add_watch(ifd,
	    file, IN_MODIFY | IN_CLOSE_WRITE | IN_OPEN) < 0) {
		perror("inotify");
		return 2;
	}
	printf("three writes through an fd received by recvmsg\n");
	scm_round(sv1[0], p1, 0, 0);
	printf("write, pwrite, writev, ftruncate, each read before the next\n");
	scm_round(sv2[0], p2, 1, O_TRUNC);
	/* pidfd_getfd (Linux 5.6) of fd 0 of this process, to see it works. */
	if ((fd = take_fd(getpid(), 0)) >= 0) {
		close(fd);
		printf("three writes through an fd taken by pidfd_getfd\n");
		getfd_round();
	}
	remove_dir("f\0");
	return 0;
}
