/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The calls that are not epoll's, on an epoll fd, on a copy of it and in
 * a forked child: Linux's eventpoll file has poll, llseek and ioctl and no
 * other method, and is opened O_RDWR.  Under lxrun the fd is a pipe's
 * read end, which would read, block, count its bytes, splice, or show
 * O_RDONLY; each answer must be Linux's (a read must never hang).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHOW(name, expr) do { \
	errno = 0; \
	long r_ = (long)(expr); \
	printf("%s %-18s %ld %s\n", who, name, r_, \
	    r_ < 0 ? strerrorname_np(errno) : ""); \
} while (0)

struct params {
	uint32_t usecs;
	uint16_t budget;
	uint8_t prefer;
	uint8_t pad;
};

static void
probe(const char *who, int ep)
{
	char buf[64];
	struct iovec iov = { buf, 8 };
	struct statfs sf, ref;
	struct params p = { 0 };
	int v = 0, pp[2], efd = eventfd(0, 0);

	if (pipe(pp) < 0)
		return;
	SHOW("read", read(ep, buf, 8));
	SHOW("read 0", read(ep, buf, 0));
	SHOW("readv", readv(ep, &iov, 1));
	SHOW("write", write(ep, buf, 8));
	SHOW("writev", writev(ep, &iov, 1));
	SHOW("pread", pread(ep, buf, 8, 0));
	SHOW("preadv2 -1", preadv2(ep, &iov, 1, -1, 0));
	SHOW("pwritev2 -1", pwritev2(ep, &iov, 1, -1, 0));
	SHOW("preadv2 0", preadv2(ep, &iov, 1, 0, 0));
	SHOW("lseek cur", lseek(ep, 0, SEEK_CUR));
	SHOW("lseek set 5", lseek(ep, 5, SEEK_SET));
	SHOW("lseek whence 9", lseek(ep, 0, 9));
	SHOW("FIONREAD", ioctl(ep, FIONREAD, &v));
	SHOW("FIONBIO", ioctl(ep, FIONBIO, &v));
	SHOW("TCGETS", ioctl(ep, 0x5401, buf));
	SHOW("EPIOCGPARAMS", ioctl(ep, 0x80088a02, &p));
	printf("%s params %u %u %u\n", who, p.usecs, p.budget, p.prefer);
	p.usecs = 50;
	p.budget = 8;
	p.prefer = 1;
	SHOW("EPIOCSPARAMS", ioctl(ep, 0x40088a01, &p));
	p.prefer = 2;
	SHOW("EPIOCSPARAMS bad", ioctl(ep, 0x40088a01, &p));
	memset(&p, 0, sizeof(p));
	SHOW("EPIOCGPARAMS", ioctl(ep, 0x80088a02, &p));
	printf("%s params %u %u %u\n", who, p.usecs, p.budget, p.prefer);
	SHOW("EPIOCGPARAMS NULL", ioctl(ep, 0x80088a02, NULL));
	SHOW("F_GETFL", fcntl(ep, F_GETFL));
	SHOW("F_SETFL", fcntl(ep, F_SETFL, O_NONBLOCK));
	SHOW("F_GETFL", fcntl(ep, F_GETFL));
	SHOW("F_SETFL", fcntl(ep, F_SETFL, 0));
	SHOW("F_GETPIPE_SZ", fcntl(ep, F_GETPIPE_SZ));
	SHOW("fchmod", fchmod(ep, 0644));
	SHOW("fchown", fchown(ep, 0, 0));
	SHOW("fallocate", fallocate(ep, 0, 0, 10));
	SHOW("fallocate len 0", fallocate(ep, 0, 0, 0));
	SHOW("fallocate punch", fallocate(ep, 2, 0, 10));
	SHOW("fadvise", posix_fadvise(ep, 0, 0, POSIX_FADV_NORMAL) ?
	    (errno = posix_fadvise(ep, 0, 0, POSIX_FADV_NORMAL), -1) : 0);
	SHOW("fadvise bad", posix_fadvise(ep, 0, 0, 77) ?
	    (errno = posix_fadvise(ep, 0, 0, 77), -1) : 0);
	SHOW("splice from", splice(ep, NULL, pp[1], NULL, 8, 0));
	SHOW("splice to", splice(pp[0], NULL, ep, NULL, 8, 0));
	SHOW("tee from", tee(ep, pp[1], 8, 0));
	SHOW("tee to", tee(pp[0], ep, 8, 0));
	SHOW("sendfile from", sendfile(pp[1], ep, NULL, 8));
	SHOW("sendfile to", sendfile(ep, pp[0], NULL, 8));
	SHOW("vmsplice", vmsplice(ep, &iov, 1, 0));
	SHOW("fstatfs", fstatfs(ep, &sf));
	fstatfs(efd, &ref);
	printf("%s fstatfs same as an eventfd's: %s\n", who,
	    sf.f_type == ref.f_type && sf.f_bsize == ref.f_bsize ? "yes" :
	    "no");
	SHOW("getdents64", syscall(SYS_getdents64, ep, buf, sizeof(buf)));
	close(pp[0]);
	close(pp[1]);
	close(efd);
}

int
main(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), status;
	int copy = fcntl(ep, F_DUPFD_CLOEXEC, 30);

	setvbuf(stdout, NULL, _IONBF, 0);
	probe("epoll", ep);
	probe("copy", copy);
	if (fork() == 0) {
		probe("child", ep);
		return 0;
	}
	wait(&status);
	return 0;
}
