/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A seal holds for every fd and every mapping of the file, whatever
 * process holds it and however it got it (issue 11 part 2): a child
 * forked before the seal (one blocked in a call, one spinning in user
 * space that makes no call until it writes), an fd received by
 * SCM_RIGHTS (recvmsg and recvmmsg, by a process forked before the
 * memfd existed), /proc/self/fd/N and /proc/PID/fd/N reopened for
 * writing or with O_TRUNC, pidfd_getfd, truncate() and chmod() through
 * the /proc path, fchmod through a read-only reopen, MADV_REMOVE through
 * a mapping made before F_SEAL_FUTURE_WRITE, mprotect(PROT_WRITE) of a
 * shared mapping made after the seal, and F_SEAL_WRITE's EBUSY for a
 * writable shared mapping another process holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

#define SEALS_DATA (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)

static void
res(const char *who, const char *what, long r)
{
	if (r < 0)
		printf("%-8s %-40s -> %s\n", who, what, strerror(errno));
	else
		printf("%-8s %-40s -> %ld\n", who, what, r);
	fflush(stdout);
}

static int
mk(const char *name)
{
	int fd = memfd_create(name, MFD_ALLOW_SEALING);
	char buf[8192];

	memset(buf, 'a', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		abort();
	return fd;
}

static void
wait_child(void)
{
	int st;

	if (wait(&st) < 0)
		abort();
	printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
	    WTERMSIG(st));
	fflush(stdout);
}

/* Every data-path call a write seal refuses, through fd. */
static void
try_writes(const char *who, int fd)
{
	struct iovec v = { "zz", 2 };
	off_t off = 0;
	void *m;

	res(who, "write", write(fd, "z", 1));
	res(who, "pwrite", pwrite(fd, "z", 1, 100));
	res(who, "writev", writev(fd, &v, 1));
	res(who, "pwritev2", pwritev2(fd, &v, 1, 10, 0));
	res(who, "ftruncate smaller", ftruncate(fd, 4096));
	res(who, "ftruncate larger", ftruncate(fd, 16384));
	res(who, "fallocate past the end", fallocate(fd, 0, 8192, 4096));
	res(who, "fallocate punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, 0, 4096));
	{
		int p[2];

		if (pipe(p) < 0)
			abort();
		res(who, "pipe write", write(p[1], "zz", 2));
		res(who, "splice pipe -> memfd", splice(p[0], NULL, fd, &off,
		    2, 0));
		close(p[0]);
		close(p[1]);
	}
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	res(who, "mmap shared writable", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	res(who, "mmap shared read-only", m == MAP_FAILED ? -1 : 0);
	if (m != MAP_FAILED) {
		res(who, "mprotect it PROT_WRITE", mprotect(m, 4096,
		    PROT_READ | PROT_WRITE));
		munmap(m, 4096);
	}
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	res(who, "mmap private writable", m == MAP_FAILED ? -1 : 0);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	{
		int d = dup(fd), d2 = fcntl(fd, F_DUPFD_CLOEXEC, 40);

		res(who, "write through a dup", write(d, "z", 1));
		res(who, "write through F_DUPFD", write(d2, "z", 1));
		close(d);
		close(d2);
	}
	res(who, "size", lseek(fd, 0, SEEK_END));
}

/* A child forked before the seal: blocked in read, or spinning. */
static void
forked_before(int spin)
{
	const char *who = spin ? "spinner" : "blocked";
	volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = mk("forked"), p[2];
	char c;

	if (pipe(p) < 0)
		abort();
	*flag = 0;
	if (fork() == 0) {
		if (spin) {
			while (*flag == 0)
				;
		} else if (read(p[0], &c, 1) != 1) {
			_exit(2);
		}
		try_writes(who, fd);
		_exit(0);
	}
	usleep(100000);
	res("parent", "seal WRITE|SHRINK|GROW", fcntl(fd, F_ADD_SEALS,
	    SEALS_DATA));
	*flag = 1;
	if (write(p[1], "g", 1) != 1)
		abort();
	wait_child();
	close(fd);
	close(p[0]);
	close(p[1]);
	munmap((void *)flag, 4096);
}

static void
send_fd(int sock, int fd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		abort();
}

/* recvmsg, or recvmmsg when mm; with a second, empty message first. */
static int
recv_fd(int sock, int mm)
{
	char c[2], cbuf[2][CMSG_SPACE(sizeof(int))];
	struct iovec iov[2] = { { &c[0], 1 }, { &c[1], 1 } };
	struct mmsghdr msgs[2];
	struct cmsghdr *cm;
	int fd = -1;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = cbuf[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
	}
	if (mm) {
		int n = recvmmsg(sock, msgs, 2, MSG_WAITFORONE, NULL);

		if (n < 1)
			return -1;
		/* the fd came with the last message received */
		cm = CMSG_FIRSTHDR(&msgs[n - 1].msg_hdr);
	} else {
		if (recvmsg(sock, &msgs[0].msg_hdr, 0) != 1)
			return -1;
		cm = CMSG_FIRSTHDR(&msgs[0].msg_hdr);
	}
	if (cm != NULL && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * The receiver is forked before the memfd exists and waits in recvmsg;
 * the sender makes, seals and sends it.  seal_after: sealed only after
 * the receiver has it (the receiver spins then, making no call).
 */
static void
scm_rights(int mm, int seal_after)
{
	const char *who = mm ? "recvmmsg" : "recvmsg";
	volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int sv[2], fd;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		abort();
	*flag = 0;
	if (fork() == 0) {
		close(sv[0]);
		fd = recv_fd(sv[1], mm);
		if (seal_after) {
			*flag = 1;
			while (*flag != 2)
				;
		}
		try_writes(seal_after ? "sealed-l" : who, fd);
		_exit(0);
	}
	close(sv[1]);
	usleep(100000);
	fd = mk("sent");
	if (!seal_after)
		res("parent", "seal WRITE|SHRINK|GROW", fcntl(fd, F_ADD_SEALS,
		    SEALS_DATA));
	send_fd(sv[0], fd);
	if (seal_after) {
		while (*flag != 1)
			usleep(1000);
		res("parent", "seal after sending", fcntl(fd, F_ADD_SEALS,
		    SEALS_DATA));
		*flag = 2;
	}
	close(fd);
	wait_child();
	close(sv[0]);
	munmap((void *)flag, 4096);
}

static int
reopen(const char *who, int pid, int fd, int flags, const char *what)
{
	char p[64];
	int r;

	if (pid == 0)
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	else
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", pid, fd);
	r = open(p, flags);
	res(who, what, r);
	return r;
}

/* /proc/self/fd/N and /proc/PID/fd/N opened again. */
static void
proc_reopens(void)
{
	int fd = mk("reopened"), r, p[2];
	char c, path[64];

	res("self", "seal WRITE|SHRINK|GROW", fcntl(fd, F_ADD_SEALS,
	    SEALS_DATA));
	r = reopen("self", 0, fd, O_RDWR, "reopen O_RDWR");
	try_writes("self-rw", r);
	close(r);
	r = reopen("self", 0, fd, O_WRONLY, "reopen O_WRONLY");
	res("self-wo", "write", write(r, "z", 1));
	res("self-wo", "ftruncate", ftruncate(r, 0));
	close(r);
	r = reopen("self", 0, fd, O_RDWR | O_TRUNC, "reopen O_RDWR|O_TRUNC");
	close(r);
	r = reopen("self", 0, fd, O_RDONLY | O_TRUNC, "reopen O_RDONLY|O_TRUNC");
	close(r);
	r = reopen("self", 0, fd, O_WRONLY | O_TRUNC | O_CREAT,
	    "reopen O_WRONLY|O_TRUNC|O_CREAT");
	close(r);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	res("self", "truncate(path, 0)", truncate(path, 0));
	res("self", "truncate(path, 1 MiB)", truncate(path, 1 << 20));
	res("self", "size", lseek(fd, 0, SEEK_END));

	/* F_SEAL_WRITE alone: O_TRUNC is Linux's to do */
	close(fd);
	fd = mk("write-sealed");
	res("self", "seal WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	r = reopen("self", 0, fd, O_RDWR | O_TRUNC, "reopen O_RDWR|O_TRUNC");
	res("self", "size", lseek(fd, 0, SEEK_END));
	res("self", "write through it", write(r, "z", 1));
	close(r);
	/* F_SEAL_SHRINK on an empty file: O_TRUNC changes nothing */
	close(fd);
	fd = memfd_create("empty", MFD_ALLOW_SEALING);
	res("self", "seal SHRINK (empty)", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_SHRINK));
	r = reopen("self", 0, fd, O_RDWR | O_TRUNC, "reopen O_RDWR|O_TRUNC");
	close(r);
	close(fd);

	/* another process's fd, by a process that holds nothing */
	if (pipe(p) < 0)
		abort();
	if (fork() == 0) {
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		r = reopen("other", getppid(), c, O_RDWR, "reopen parent's fd");
		try_writes("other", r);
		r = reopen("other", getppid(), c, O_WRONLY | O_TRUNC,
		    "reopen parent's O_WRONLY|O_TRUNC");
		_exit(0);
	}
	usleep(100000);
	fd = mk("theirs");
	res("parent", "seal WRITE|SHRINK|GROW", fcntl(fd, F_ADD_SEALS,
	    SEALS_DATA));
	c = (char)fd;
	if (write(p[1], &c, 1) != 1)
		abort();
	wait_child();
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* pidfd_getfd of a sealed memfd, by a process forked before it. */
static void
pidfd_route(void)
{
	int p[2], fd;
	char c;

	if (pipe(p) < 0)
		abort();
	if (fork() == 0) {
		int pfd, got;

		if (read(p[0], &c, 1) != 1)
			_exit(2);
		pfd = (int)syscall(SYS_pidfd_open, getppid(), 0);
		got = (int)syscall(SYS_pidfd_getfd, pfd, c, 0);
		res("getfd", "pidfd_getfd", got < 0 ? -1 : 0);
		if (got >= 0)
			try_writes("getfd", got);
		_exit(0);
	}
	usleep(100000);
	fd = mk("pidfd");
	res("parent", "seal WRITE|SHRINK|GROW", fcntl(fd, F_ADD_SEALS,
	    SEALS_DATA));
	c = (char)fd;
	if (write(p[1], &c, 1) != 1)
		abort();
	wait_child();
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* F_SEAL_FUTURE_WRITE: what was mapped before may still write. */
static void
future_write(void)
{
	int fd = mk("future"), r;
	char *old = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *old_ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

	res("future", "seal FUTURE_WRITE", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_FUTURE_WRITE));
	old[0] = 'W';
	res("future", "old mapping wrote", old[0] == 'W');
	res("future", "mprotect the old read-only one", mprotect(old_ro, 4096,
	    PROT_READ | PROT_WRITE));
	res("future", "MADV_REMOVE through the old one", madvise(old + 4096,
	    4096, MADV_REMOVE));
	r = reopen("future", 0, fd, O_RDWR, "reopen O_RDWR");
	try_writes("future", r);
	close(r);
	munmap(old, 8192);
	munmap(old_ro, 4096);
	close(fd);
}

/* F_SEAL_WRITE is EBUSY while another process maps the file writable. */
static void
busy_in_child(void)
{
	int fd = mk("busy"), p[2], q[2];
	char c;

	if (pipe(p) < 0 || pipe(q) < 0)
		abort();
	if (fork() == 0) {
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);

		close(fd);
		if (write(q[1], "m", 1) != 1 || read(p[0], &c, 1) != 1)
			_exit(2);
		munmap(m, 4096);
		if (write(q[1], "u", 1) != 1)
			_exit(2);
		_exit(0);
	}
	if (read(q[0], &c, 1) != 1)
		abort();
	res("busy", "seal WRITE while a child maps it", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_WRITE));
	if (write(p[1], "g", 1) != 1 || read(q[0], &c, 1) != 1)
		abort();
	res("busy", "seal WRITE after it unmapped", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_WRITE));
	wait_child();
	close(fd);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* F_SEAL_EXEC by fchmod through a read-only reopen and chmod by path. */
static void
exec_seal(void)
{
	int fd = memfd_create("noexec", MFD_NOEXEC_SEAL), r;
	char path[64];
	struct stat st;

	res("exec", "seals", fcntl(fd, F_GET_SEALS));
	r = reopen("exec", 0, fd, O_RDONLY, "reopen O_RDONLY");
	res("exec", "fchmod 0777 through it", fchmod(r, 0777));
	res("exec", "fchmod 0644 through it", fchmod(r, 0644));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	res("exec", "chmod(path, 0755)", chmod(path, 0755));
	res("exec", "fchmodat(path, 0700)", fchmodat(AT_FDCWD, path, 0700, 0));
	res("exec", "chmod(path, 0600)", chmod(path, 0600));
	fstat(fd, &st);
	printf("exec     mode %o\n", (unsigned)(st.st_mode & 07777));
	close(r);
	close(fd);
}

/*
 * Each case in a process of its own, so that no trap rule a case left on
 * an fd number (lxrun's rules outlive the fd) helps the next one.
 */
static void
scenario(void (*fn)(int), int arg)
{
	int st;

	if (fork() == 0) {
		fn(arg);
		_exit(0);
	}
	if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("case failed: status %#x\n", st);
}

static void forked_blocked(int a) { forked_before(0); }
static void forked_spinning(int a) { forked_before(1); }
static void scm_recvmsg(int a) { scm_rights(0, 0); }
static void scm_recvmmsg(int a) { scm_rights(1, 0); }
static void scm_seal_later(int a) { scm_rights(0, 1); }
static void reopens(int a) { proc_reopens(); }
static void getfd(int a) { pidfd_route(); }
static void future(int a) { future_write(); }
static void busy(int a) { busy_in_child(); }
static void exec_(int a) { exec_seal(); }

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	scenario(forked_blocked, 0);
	scenario(forked_spinning, 0);
	scenario(scm_recvmsg, 0);
	scenario(scm_recvmmsg, 0);
	scenario(scm_seal_later, 0);
	scenario(reopens, 0);
	scenario(getfd, 0);
	scenario(future, 0);
	scenario(busy, 0);
	scenario(exec_, 0);
	return 0;
}
