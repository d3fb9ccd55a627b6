/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reads, writes and fd calls of a traced process on a watched file
 * (watched itself and through its directory, every event asked for):
 * pread, readv, preadv (IN_ACCESS), pwrite, writev, pwritev, ftruncate,
 * fallocate (IN_MODIFY), copy_file_range and sendfile between two
 * watched files (IN_ACCESS on one, IN_MODIFY on the other), splice
 * into and out of a pipe, fchmod and fsetxattr (IN_ATTRIB), a mapping
 * read and written (no event of its own), the closes, a dup'ed fd, and
 * the exec of a program in the watched directory.  Each step is read
 * alone, then several steps at once.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "inotify_common.h"

static void
copy(const char *from, const char *to)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	if ((in = open(from, O_RDONLY)) < 0 ||
	    (out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755)) < 0) {
		perror("copy");
		exit(2);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			exit(2);
	close(in);
	close(out);
}

int
main(void)
{
	char buf[64], *m;
	struct iovec iov[2] = { { buf, 2 }, { buf + 2, 2 } };
	int fd, f, g, f2, p[2], st;
	loff_t off;
	pid_t pid;

	CHECK(mkdir("d", 0755));
	put_file("d/f", "0123456789");
	put_file("d/g", "");
	CHECK(fd = inotify_init1(IN_NONBLOCK));
	CHECK(inotify_add_watch(fd, "d", IN_ALL_EVENTS));
	CHECK(inotify_add_watch(fd, "d/f", IN_ALL_EVENTS));
	CHECK(f = open("d/f", O_RDWR));
	CHECK(g = open("d/g", O_RDWR));
	drain(fd, "open f, g");

	CHECK(pread(f, buf, 4, 0));
	drain(fd, "pread");
	CHECK(readv(f, iov, 2));
	drain(fd, "readv");
	CHECK(preadv(f, iov, 2, 1));
	drain(fd, "preadv");
	CHECK(pwrite(f, "ab", 2, 0));
	drain(fd, "pwrite");
	CHECK(writev(f, iov, 2));
	drain(fd, "writev");
	CHECK(pwritev(f, iov, 2, 3));
	drain(fd, "pwritev");
	CHECK(ftruncate(f, 8));
	drain(fd, "ftruncate");
	if (fallocate(f, 0, 0, 4096) < 0)
		printf("fallocate: %s\n", strerror(errno));
	drain(fd, "fallocate");
	off = 0;
	CHECK(copy_file_range(f, &off, g, NULL, 4, 0));
	drain(fd, "copy_file_range f -> g");
	off = 0;
	CHECK(sendfile(g, f, &off, 4));
	drain(fd, "sendfile f -> g");
	CHECK(pipe(p));
	off = 0;
	CHECK(splice(f, &off, p[1], NULL, 3, 0));
	drain(fd, "splice f -> pipe");
	off = 0;
	CHECK(splice(p[0], NULL, f, &off, 3, 0));
	drain(fd, "splice pipe -> f");
	CHECK(fchmod(f, 0600));
	drain(fd, "fchmod");
	if (fsetxattr(f, "user.lxtest", "1", 1, 0) < 0)
		printf("fsetxattr: %s\n", strerror(errno));
	drain(fd, "fsetxattr");
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	m[0] = m[1];
	CHECK(msync(m, 4096, MS_SYNC));
	munmap(m, 4096);
	drain(fd, "mmap, a byte written through it, munmap");
	CHECK(f2 = dup(f));
	CHECK(write(f2, "z", 1));
	close(f);
	drain(fd, "write through a dup, close the original");
	close(f2);
	drain(fd, "close the dup (the last reference)");

	/* Several steps in one read. */
	CHECK(f = open("d/f", O_RDWR));
	CHECK(pread(f, buf, 4, 0));
	CHECK(pwrite(g, "xy", 2, 0));
	CHECK(pwrite(f, "xy", 2, 0));
	CHECK(fchmod(g, 0640));
	close(g);
	CHECK(pread(f, buf, 4, 0));
	close(f);
	drain(fd, "open f, read f, write g, write f, fchmod g, close g, "
	    "read f, close f");

	/* A program in the watched directory, run. */
	copy("/bin/true", "d/prog");
	drain(fd, "copy /bin/true to d/prog");
	CHECK(pid = fork());
	if (pid == 0) {
		execl("d/prog", "prog", (char *)NULL);
		_exit(127);
	}
	CHECK(waitpid(pid, &st, 0));
	printf("prog: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	drain(fd, "exec d/prog");
	return 0;
}
