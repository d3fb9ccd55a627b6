/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The status of an epoll and an inotify fd, asked every way a program
 * asks: fstat(2), newfstatat with AT_EMPTY_PATH (glibc's fstat),
 * newfstatat and statx of /proc/self/fd/N, statx with AT_EMPTY_PATH; on
 * the fd, on copies (dup, F_DUPFD_CLOEXEC), in a forked child, and on an
 * inotify fd received by SCM_RIGHTS.  On Linux each is a file on the one
 * anonymous inode that eventfd, epoll and inotify fds share: mode 0600
 * with no file type, and the same device, inode and times as an eventfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stat ref;		/* an eventfd's */

static void
show(const char *what, long r, const struct stat *st)
{
	if (r < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: mode %o nlink %lu uid %u gid %u size %lld blksize %ld "
	    "blocks %lld rdev %lx same-inode %s same-times %s\n", what,
	    st->st_mode, (unsigned long)st->st_nlink, st->st_uid, st->st_gid,
	    (long long)st->st_size, (long)st->st_blksize,
	    (long long)st->st_blocks, (unsigned long)st->st_rdev,
	    st->st_dev == ref.st_dev && st->st_ino == ref.st_ino ? "yes" : "no",
	    st->st_mtim.tv_sec == ref.st_mtim.tv_sec &&
	    st->st_ctim.tv_sec == ref.st_ctim.tv_sec ? "yes" : "no");
}

static void
show_statx(const char *what, long r, const struct statx *sx)
{
	if (r < 0) {
		printf("%s: %s\n", what, strerror(errno));
		return;
	}
	printf("%s: mask %x mode %o nlink %u size %llu attrs %llx "
	    "same-inode %s\n", what, sx->stx_mask, sx->stx_mode,
	    sx->stx_nlink, (unsigned long long)sx->stx_size,
	    (unsigned long long)sx->stx_attributes,
	    makedev(sx->stx_dev_major, sx->stx_dev_minor) == ref.st_dev &&
	    sx->stx_ino == ref.st_ino ? "yes" : "no");
}

static void
all_ways(const char *name, int fd)
{
	char what[96], path[64];
	struct stat st;
	struct statx sx;
	long r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&st, 0, sizeof(st));
	r = syscall(SYS_fstat, fd, &st);
	snprintf(what, sizeof(what), "%s fstat", name);
	show(what, r, &st);
	r = fstatat(fd, "", &st, AT_EMPTY_PATH);
	snprintf(what, sizeof(what), "%s fstatat(AT_EMPTY_PATH)", name);
	show(what, r, &st);
	r = fstatat(AT_FDCWD, path, &st, 0);
	snprintf(what, sizeof(what), "%s fstatat(/proc/self/fd/N)", name);
	show(what, r, &st);
	r = statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx);
	snprintf(what, sizeof(what), "%s statx(AT_EMPTY_PATH)", name);
	show_statx(what, r, &sx);
	r = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS | STATX_BTIME, &sx);
	snprintf(what, sizeof(what), "%s statx(/proc/self/fd/N)", name);
	show_statx(what, r, &sx);
}

static void
copies(const char *name, int fd)
{
	char what[64];
	int d = dup(fd), e = fcntl(fd, F_DUPFD_CLOEXEC, 40);

	snprintf(what, sizeof(what), "%s dup", name);
	all_ways(what, d);
	snprintf(what, sizeof(what), "%s F_DUPFD_CLOEXEC", name);
	all_ways(what, e);
	close(d);
	close(e);
}

static int
send_fd(int sock, int fd)
{
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *h;
	int fd;

	if (recvmsg(sock, &m, 0) != 1 || (h = CMSG_FIRSTHDR(&m)) == NULL)
		return -1;
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	return fd;
}

int
main(void)
{
	int efd = eventfd(0, EFD_CLOEXEC), s[2], status;
	int ep, in;
	pid_t pid;

	if (efd < 0 || fstat(efd, &ref) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0)
		return 1;
	/* The receiver exists before any object does. */
	pid = fork();
	if (pid == 0) {
		int fd;

		close(s[0]);
		fd = recv_fd(s[1]);
		all_ways("received inotify", fd);
		return 0;
	}
	close(s[1]);
	ep = epoll_create1(EPOLL_CLOEXEC);
	in = inotify_init1(IN_CLOEXEC);
	all_ways("epoll", ep);
	all_ways("inotify", in);
	copies("epoll", ep);
	copies("inotify", in);
	fflush(stdout);
	if (fork() == 0) {
		all_ways("child epoll", ep);
		all_ways("child inotify", in);
		return 0;
	}
	wait(&status);
	fflush(stdout);
	send_fd(s[0], in);
	waitpid(pid, &status, 0);
	return 0;
}
