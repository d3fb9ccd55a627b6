/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calls that are not inotify's, on an inotify fd: Linux's errors (never
 * the answers of the socket that stands in for it under lxrun, which
 * would also have changed it: bind, shutdown), at once (never a hang):
 * the socket calls give ENOTSOCK; splice, tee and sendfile EBADF into it
 * and EINVAL out of it; lseek 0; pread/pwrite ESPIPE; mmap ENODEV;
 * fchmod/fchown EOPNOTSUPP (run as root); fallocate EBADF; ftruncate,
 * fsync EINVAL; getdents ENOTDIR.  The fd still works afterwards.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "inotify_common.h"

#define T(what, expr) do {						\
	long r_;							\
	errno = 0;							\
	r_ = (long)(expr);						\
	printf("%-22s %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : ""); \
} while (0)

int
main(void)
{
	char buf[256];
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	socklen_t sl = sizeof(su);
	struct msghdr mh = { 0 };
	struct mmsghdr mm = { 0 };
	struct iovec iov = { buf, 1 };
	int fd, p[2], v = 0, f;

	CHECK(mkdir("d", 0755));
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(fd, "d", IN_CREATE));
	CHECK(pipe(p));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mm.msg_hdr = mh;
	CHECK(f = open("d/file", O_RDWR | O_CREAT, 0644));

	T("sendto", sendto(fd, buf, 1, 0, NULL, 0));
	T("recvfrom", recvfrom(fd, buf, 1, MSG_DONTWAIT, NULL, NULL));
	T("sendmsg", sendmsg(fd, &mh, 0));
	T("recvmsg", recvmsg(fd, &mh, MSG_DONTWAIT));
	T("sendmmsg", sendmmsg(fd, &mm, 1, 0));
	T("recvmmsg", recvmmsg(fd, &mm, 1, MSG_DONTWAIT, NULL));
	T("accept", accept(fd, NULL, NULL));
	T("accept4", accept4(fd, NULL, NULL, SOCK_CLOEXEC));
	T("connect", connect(fd, (struct sockaddr *)&su, sizeof(su)));
	T("bind", bind(fd, (struct sockaddr *)&su, sizeof(su)));
	T("listen", listen(fd, 1));
	T("shutdown", shutdown(fd, SHUT_RDWR));
	T("getsockname", getsockname(fd, (struct sockaddr *)&su, &sl));
	T("getpeername", getpeername(fd, (struct sockaddr *)&su, &sl));
	T("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &sl));
	T("setsockopt", setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	T("splice into it", splice(p[0], NULL, fd, NULL, 1, SPLICE_F_NONBLOCK));
	T("splice out of it", splice(fd, NULL, p[1], NULL, 1,
	    SPLICE_F_NONBLOCK));
	T("splice it to a file", splice(fd, NULL, f, NULL, 1, 0));
	T("tee out of it", tee(fd, p[1], 1, SPLICE_F_NONBLOCK));
	T("tee into it", tee(p[0], fd, 1, SPLICE_F_NONBLOCK));
	T("sendfile out of it", sendfile(p[1], fd, NULL, 1));
	T("sendfile into it", sendfile(fd, f, NULL, 1));
	T("sendfile with offset", sendfile(p[1], fd, (off_t[]){ 0 }, 1));
	T("copy_file_range", copy_file_range(fd, NULL, f, NULL, 1, 0));
	T("lseek", lseek(fd, 10, SEEK_SET));
	T("lseek end", lseek(fd, 0, SEEK_END));
	T("pread", pread(fd, buf, sizeof(buf), 0));
	T("pwrite", pwrite(fd, buf, 1, 0));
	T("mmap", (long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	T("fchmod", fchmod(fd, 0600));
	T("fchown", fchown(fd, 0, 0));
	T("fallocate", fallocate(fd, 0, 0, 1));
	T("ftruncate", ftruncate(fd, 0));
	T("fsync", fsync(fd));
	T("getdents64", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	T("write", write(fd, "x", 1));

	/* Still an inotify. */
	put_file("d/after", NULL);
	drain(fd, "events after all that");
	return 0;
}
