/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program's own seccomp filter returns SECCOMP_RET_TRACE for the
 * calls lxrun answers from a notification (getrandom, epoll_wait with
 * timeout 0).  With no tracer of its own that means ENOSYS, and lxrun's
 * notification (which seccomp ranks above RET_TRACE) must not answer in
 * its place: lxrun sends such calls to a ptrace stop, where the filter's
 * RET_DATA tells whose trap it was.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
show(const char *what, long r)
{
	printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int
main(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_epoll_wait, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	unsigned char b[8];
	int p[2], ep;

	if (pipe(p) < 0 || write(p[1], "x", 1) != 1 ||
	    (ep = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("setup");
		return 1;
	}
	/* before the filter: served */
	show("getrandom", syscall(SYS_getrandom, b, sizeof(b), 0));
	show("epoll_wait", syscall(SYS_epoll_wait, ep, out, 2, 0));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("seccomp");
		return 1;
	}
	for (int i = 0; i < 3; i++) {
		show("getrandom", syscall(SYS_getrandom, b, sizeof(b), 0));
		show("epoll_wait", syscall(SYS_epoll_wait, ep, out, 2, 0));
	}
	return 0;
}
