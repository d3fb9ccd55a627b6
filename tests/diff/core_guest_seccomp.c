/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program that sandboxes itself with its own seccomp filter (issue 17):
 * the calls lxrun makes inside the guest to do its work (pipe2,
 * socketpair, openat, unlink, fchmod, mmap, ppoll, seccomp...) must not
 * be subject to the program's filter, which is about the program's own
 * calls, and a RET_TRACE rule of the program must give ENOSYS, as it does
 * natively when no tracer is attached.  The filter here denies, with
 * EPERM, everything lxrun uses and the program itself does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DENY(nr) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

static int
sandbox(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		DENY(__NR_pipe2), DENY(__NR_pipe), DENY(__NR_socketpair),
		DENY(__NR_openat), DENY(__NR_open), DENY(__NR_unlink),
		DENY(__NR_fchmod), DENY(__NR_ppoll), DENY(__NR_seccomp),
		DENY(__NR_rt_tgsigqueueinfo), DENY(__NR_readlinkat),
		DENY(__NR_faccessat2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void
result(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep, efd, mfd, ifd;
	char buf[8] = "";

	/* made before the sandbox, used after: no scratch mapping yet */
	efd = eventfd(0, 0);
	result("sandbox", sandbox());
	result("pipe2 (the program's own: denied)", pipe2((int[2]){0}, 0));
	result("getppid (RET_TRACE: ENOSYS without a tracer)",
	    syscall(__NR_getppid));
	ep = epoll_create1(0);
	result("epoll_create1", ep);
	result("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	result("epoll_wait (nothing, 100 ms)", epoll_wait(ep, &out, 1, 100));
	eventfd_write(efd, 1);
	printf("epoll_wait (ready): %d\n", epoll_wait(ep, &out, 1, 1000));
	mfd = memfd_create("sandboxed", MFD_ALLOW_SEALING);
	result("memfd_create", mfd);
	result("write", write(mfd, "data", 4));
	result("pread", pread(mfd, buf, 4, 0));
	printf("memfd holds: %s\n", buf);
	result("F_ADD_SEALS", fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE));
	result("write after F_SEAL_WRITE", write(mfd, "x", 1));
	ifd = inotify_init1(IN_NONBLOCK);
	result("inotify_init1", ifd);
	result("read of an empty inotify fd", read(ifd, buf, sizeof(buf)));
	return 0;
}
