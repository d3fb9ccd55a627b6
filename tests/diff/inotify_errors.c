/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every errno of inotify_init1, inotify_add_watch and inotify_rm_watch,
 * in Linux's order of checks: bad flags, bad or empty masks, MASK_ADD
 * with MASK_CREATE, bad fd, a fd that is not an inotify, EFAULT, ENOENT,
 * ENOTDIR, ELOOP, EACCES with the caller's credentials (as nobody),
 * EEXIST, EMFILE at max_user_instances.  (ENOSPC at max_user_watches is
 * not tried: the limit is RAM-scaled, see docs/semantics.md.)
 */
#include <sys/wait.h>

#include "inotify_common.h"

#define T(what, expr) do {						\
	long r_;							\
	errno = 0;							\
	r_ = (long)(expr);						\
	printf("%-34s %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : ""); \
} while (0)

int
main(void)
{
	int fd, st;
	pid_t p;

	CHECK(mkdir("d", 0755));
	CHECK(mkdir("private", 0700));
	put_file("private/f", NULL);
	put_file("d/f", NULL);
	CHECK(symlink("loop", "d/loop"));
	CHECK(symlink("f", "d/lnf"));
	T("init1(1)", inotify_init1(1));
	T("init1(O_RDWR)", inotify_init1(O_RDWR));
	T("init1(IN_NONBLOCK|O_DIRECT)", inotify_init1(IN_NONBLOCK | 040000));
	CHECK(fd = inotify_init1(IN_CLOEXEC));
	printf("cloexec: %d\n", fcntl(fd, F_GETFD));

	T("mask 0", inotify_add_watch(fd, "d", 0));
	T("mask 0, bad fd", inotify_add_watch(99, "d", 0));
	T("unknown bit, bad fd", inotify_add_watch(99, "d", 0x80000 | IN_CREATE));
	T("unknown bit", inotify_add_watch(fd, "d", 0x80000 | IN_CREATE));
	T("ADD|CREATE, bad fd", inotify_add_watch(99, "d",
	    IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE));
	T("ADD|CREATE", inotify_add_watch(fd, "d",
	    IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE));
	T("bad fd", inotify_add_watch(99, "d", IN_CREATE));
	T("not inotify", inotify_add_watch(0, "d", IN_CREATE));
	T("not inotify, bad path", inotify_add_watch(0, (char *)8, IN_CREATE));
	T("EFAULT", inotify_add_watch(fd, (char *)8, IN_CREATE));
	T("empty path", inotify_add_watch(fd, "", IN_CREATE));
	T("ENOENT", inotify_add_watch(fd, "d/none", IN_CREATE));
	T("ENOTDIR component", inotify_add_watch(fd, "d/f/x", IN_CREATE));
	T("ONLYDIR on a file", inotify_add_watch(fd, "d/f",
	    IN_CREATE | IN_ONLYDIR));
	T("ONLYDIR on symlink to file", inotify_add_watch(fd, "d/lnf",
	    IN_CREATE | IN_ONLYDIR));
	T("ELOOP", inotify_add_watch(fd, "d/loop", IN_CREATE));
	T("loop, DONT_FOLLOW", inotify_add_watch(fd, "d/loop",
	    IN_CREATE | IN_DONT_FOLLOW));
	T("flags only (ONLYDIR)", inotify_add_watch(fd, "d", IN_ONLYDIR));
	T("EXCL_UNLINK", inotify_add_watch(fd, "d", IN_CREATE |
	    IN_EXCL_UNLINK));
	T("MASK_CREATE, existing", inotify_add_watch(fd, "d",
	    IN_CREATE | IN_MASK_CREATE));
	T("private/f as root", inotify_add_watch(fd, "private/f", IN_CREATE));
	fflush(stdout);
	p = fork();
	if (p == 0) {
		if (getuid() == 0 && setuid(65534) < 0)
			perror("setuid");
		T("private/f as nobody", inotify_add_watch(fd, "private/f",
		    IN_MODIFY));
		T("private as nobody", inotify_add_watch(fd, "private",
		    IN_MODIFY));
		T("/etc/shadow as nobody", inotify_add_watch(fd, "/etc/shadow",
		    IN_MODIFY));
		T("d as nobody", inotify_add_watch(fd, "d", IN_MODIFY));
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, &st, 0);

	T("rm_watch bad fd", inotify_rm_watch(99, 1));
	T("rm_watch not inotify", inotify_rm_watch(0, 1));
	T("rm_watch wd 0", inotify_rm_watch(fd, 0));
	T("rm_watch wd -1", inotify_rm_watch(fd, -1));
	T("rm_watch wd 999", inotify_rm_watch(fd, 999));
	T("rm_watch wd 1", inotify_rm_watch(fd, 1));
	T("rm_watch wd 1 again", inotify_rm_watch(fd, 1));

	/* max_user_instances */
	{
		int n = 0, last = 0, err = 0;

		for (int i = 0; i < 10000; i++) {
			int r = inotify_init1(IN_CLOEXEC);

			if (r < 0) {
				err = errno;
				break;
			}
			last = r;
			n++;
		}
		printf("instances until %s (some made: %d)\n", strerror(err),
		    n > 0 && last > 0);
	}
	return 0;
}
