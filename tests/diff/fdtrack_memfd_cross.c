/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seals hold on every copy of a memfd while an inotify instance exists in
 * the same process (both families put rules on fd numbers): a
 * /proc/self/fd/N reopen (O_RDWR opens, its write is EPERM; an O_TRUNC
 * open and ftruncate succeed: F_SEAL_WRITE does not cover the size), dup,
 * dup2 to 200 and F_DUPFD_CLOEXEC copies, and a child forked before
 * either existed that receives the inotify fd and two memfds in one
 * SCM_RIGHTS message (recvmsg) and one more by recvmmsg, and takes one
 * with pidfd_getfd: write, pwrite, shared writable mmap (EPERM),
 * ftruncate smaller under F_SEAL_SHRINK and larger under F_SEAL_GROW
 * (EPERM), while the inotify fd it got reads whole events.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>

#include "fdtrack_common.h"
#include "inotify_common.h"

static int
sealed(const char *name, int seals)
{
	char buf[8192];
	int fd = memfd_create(name, MFD_ALLOW_SEALING);

	memset(buf, 'a', sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    fcntl(fd, F_ADD_SEALS, seals) < 0) {
		perror("memfd");
		exit(2);
	}
	return fd;
}

/* Every refusal a copy of a sealed memfd must give. */
static void
try_write(int fd, const char *who)
{
	void *m;

	say(who, "F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	say(who, "write", write(fd, "z", 1));
	say(who, "pwrite", pwrite(fd, "z", 1, 100));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	say(who, "mmap shared writable", m == MAP_FAILED ? -1 : 0);
	if (m != MAP_FAILED)
		munmap(m, 4096);
}

static void
try_size(int fd, const char *who)
{
	say(who, "F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	say(who, "ftruncate smaller", ftruncate(fd, 4096));
	say(who, "ftruncate larger", ftruncate(fd, 16384));
	say(who, "ftruncate same size", ftruncate(fd, 8192));
	say(who, "pwrite inside", pwrite(fd, "z", 1, 100));
	say(who, "pwrite past the end", pwrite(fd, "z", 1, 9000));
}

static void
child(int s, int ackfd)
{
	char buf[4096] __attribute__((aligned(8)));
	int fds[3], fd, n;

	if (recv_fds(s, fds, 3, 0, 0) < 0 || fds[0] < 0) {
		printf("child: no fds\n");
		_exit(3);
	}
	n = (int)read(fds[0], buf, 8);
	say("child", "inotify read 8 bytes", n);
	n = (int)read(fds[0], buf, sizeof(buf));
	say("child", "inotify read", n);
	if (n > 0)
		print_events(buf, n);
	try_write(fds[1], "child, F_SEAL_WRITE memfd by recvmsg");
	try_size(fds[2], "child, SHRINK|GROW memfd by recvmsg");
	if (recv_fds(s, fds, 1, 1, 0) < 0 || fds[0] < 0) {
		printf("child: no fd by recvmmsg\n");
		_exit(3);
	}
	try_write(fds[0], "child, F_SEAL_WRITE memfd by recvmmsg");
	if (read(s, &fd, sizeof(fd)) != sizeof(fd))
		_exit(3);
	if ((fd = take_fd(getppid(), fd)) >= 0)
		try_write(fd, "child, F_SEAL_WRITE memfd by pidfd_getfd");
	else
		printf("child: pidfd_getfd: %s\n", strerrorname_np(errno));
	ack(ackfd);
	_exit(0);
}

int
main(void)
{
	char path[128];
	int sv[2], ap[2], ifd, wfd, sfd, d, fds[3];
	pid_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	make_dir("memfd");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0 || pipe(ap) < 0)
		return 2;
	fflush(stdout);
	if ((p = fork()) == 0) {
		close(sv[0]);
		child(sv[1], ap[1]);
	}
	close(sv[1]);
	/*
	 * The write-sealed memfd takes this number next: its reopen through
	 * /proc/self/fd/N is an open that inotify observes too, and it must
	 * still be held to the seals (it was not when the first family's
	 * open hook kept the other's from being asked).
	 */
	close(ap[1]);
	ifd = new_inotify();
	wfd = sealed("write-sealed", F_SEAL_WRITE);
	sfd = sealed("size-sealed", F_SEAL_SHRINK | F_SEAL_GROW);
	mkfile("x");

	try_write(wfd, "original");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", wfd);
	d = open(path, O_RDWR);
	say("parent", "open /proc/self/fd/N O_RDWR", d < 0 ? -1 : 0);
	if (d >= 0) {
		try_write(d, "reopened O_RDWR");
		close(d);
	}
	d = open(path, O_RDWR | O_TRUNC);
	say("parent", "open /proc/self/fd/N O_RDWR|O_TRUNC", d < 0 ? -1 : 0);
	if (d >= 0) {
		struct stat sb;

		/* F_SEAL_WRITE alone does not stop truncation. */
		say("parent", "size after the O_TRUNC open", fstat(wfd, &sb) <
		    0 ? -1 : (long)sb.st_size);
		say("parent", "ftruncate through the reopen", ftruncate(d,
		    8192));
		close(d);
	}
	d = dup(wfd);
	try_write(d, "dup");
	close(d);
	d = dup2(wfd, 200);
	try_write(d, "dup2 to 200");
	close(d);
	d = fcntl(wfd, F_DUPFD_CLOEXEC, 0);
	try_write(d, "F_DUPFD_CLOEXEC");
	close(d);
	try_size(sfd, "size-sealed original");
	d = dup(sfd);
	try_size(d, "size-sealed dup");
	close(d);

	fds[0] = ifd;
	fds[1] = wfd;
	fds[2] = sfd;
	send_fds(sv[0], fds, 3);
	send_fd(sv[0], wfd);
	if (write(sv[0], &wfd, sizeof(wfd)) != sizeof(wfd))
		return 2;
	wait_ack(ap[0], "parent");
	say("parent", "child status", child_status(p));
	remove_dir("x\0");
	return 0;
}
