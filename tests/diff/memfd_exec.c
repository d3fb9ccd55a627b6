/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exec of a memfd (issue 20 item 4): fexecve (execveat(fd, "",
 * AT_EMPTY_PATH)), execve("/proc/self/fd/N"), execve("/dev/fd/N"), a
 * symlink to the /proc path, a memfd received from another process, with
 * and without MFD_CLOEXEC, with the memfd's own fd open for writing and a
 * shared writable mapping (Linux execs it), after a reopen for writing
 * (ETXTBSY), with MFD_NOEXEC_SEAL or exec bits taken away (EACCES), a
 * failed exec that leaves the fd as it was, a sealed memfd.  The program
 * run is this one, copied into the memfd: it prints what it sees of
 * itself (argv, AT_EXECFN, /proc/self/exe, which fds it has, the seals
 * of /proc/self/exe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static char *self;
static size_t self_len;

/* What the program sees when it runs from a memfd. */
static int
child_main(int argc, char **argv)
{
	char buf[300];
	ssize_t n;
	int fd;

	printf("  running: argc %d argv0 %s argv1 %s\n", argc, argv[0],
	    argc > 2 ? argv[2] : "-");
	printf("  AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	printf("  exe %.*s\n", (int)(n > 0 ? n : 0), buf);
	fd = open("/proc/self/exe", O_RDONLY);
	printf("  exe seals %d\n", fcntl(fd, F_GET_SEALS));
	close(fd);
	for (int i = 3; i < 12; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/proc/self/fd/%d", i);
		/*
		 * Not its access mode: under lxrun a memfd kept open across
		 * the exec is the read-only copy (docs/semantics.md).
		 */
		if ((n = readlink(p, buf, sizeof(buf) - 1)) > 0 &&
		    strncmp(buf, "/memfd:", 7) == 0)
			printf("  fd %d -> %.*s seals %d\n", i, (int)n, buf,
			    fcntl(i, F_GET_SEALS));
	}
	fflush(stdout);
	return 7;
}

static int
mkexe(const char *name, unsigned flags)
{
	int fd = memfd_create(name, flags);

	if (fd < 0 || write(fd, self, self_len) != (ssize_t)self_len)
		abort();
	return fd;
}

static void
wait_child(const char *what)
{
	int st;

	if (wait(&st) < 0)
		abort();
	printf("%s: status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) :
	    128 + WTERMSIG(st));
	fflush(stdout);
}

static char *const env[] = { "LXTEST=1", NULL };

/* Exec fd by how: 0 fexecve, 1 /proc/self/fd/N, 2 /dev/fd/N, 3 symlink. */
static void
run(const char *what, int fd, int how)
{
	char path[64], *argv[] = { "memfd-prog", "child", (char *)what, NULL };

	printf("%s\n", what);
	fflush(stdout);
	if (fork() == 0) {
		switch (how) {
		case 0:
			fexecve(fd, argv, env);
			break;
		case 1:
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			execve(path, argv, env);
			break;
		case 2:
			snprintf(path, sizeof(path), "/dev/fd/%d", fd);
			execve(path, argv, env);
			break;
		default:
			snprintf(path, sizeof(path), "/proc/%d/fd/%d",
			    (int)getpid(), fd);
			unlink("link");
			if (symlink(path, "link") < 0)
				_exit(3);
			execve("link", argv, env);
			break;
		}
		printf("  exec failed: %s\n", strerror(errno));
		_exit(1);
	}
	wait_child(what);
}

static void
received(void)
{
	int sv[2], fd;
	char c = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		abort();
	if (fork() == 0) {
		fd = mkexe("sent", MFD_CLOEXEC);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sv[0], &msg, 0) == 1 ? 0 : 1);
	}
	wait_child("sender");
	if (recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC) != 1)
		abort();
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	run("received by SCM_RIGHTS, fexecve", fd, 0);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

static void
read_self(void)
{
	size_t cap = 1 << 16;
	ssize_t n;
	int in = open("/proc/self/exe", O_RDONLY);

	if (in < 0 || (self = malloc(cap)) == NULL)
		abort();
	while ((n = read(in, self + self_len, cap - self_len)) > 0)
		if ((self_len += (size_t)n) == cap &&
		    (self = realloc(self, cap *= 2)) == NULL)
			abort();
	close(in);
}

int
main(int argc, char **argv)
{
	int fd, fd2, w;
	char path[64];
	void *m;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	read_self();

	fd = mkexe("cloexec", MFD_CLOEXEC);
	run("fexecve, MFD_CLOEXEC", fd, 0);
	run("execve /proc/self/fd/N, MFD_CLOEXEC", fd, 1);
	close(fd);

	fd = mkexe("kept", 0);
	run("fexecve, no MFD_CLOEXEC", fd, 0);
	run("execve /dev/fd/N", fd, 2);
	run("execve a symlink to /proc/PID/fd/N", fd, 3);
	close(fd);

	fd = mkexe("mapped", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	run("fexecve with a shared writable mapping", fd, 0);
	printf("seal WRITE: %d\n", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(m, 4096);
	printf("seal WRITE|SHRINK|GROW: %d\n", fcntl(fd, F_ADD_SEALS,
	    F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW));
	run("fexecve, sealed", fd, 0);
	close(fd);

	fd = mkexe("reopened", MFD_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	w = open(path, O_RDWR | O_CLOEXEC);
	run("fexecve while reopened for writing", fd, 0);
	close(w);
	w = open(path, O_RDONLY | O_CLOEXEC);
	run("fexecve while reopened read-only", fd, 0);
	run("fexecve of the read-only reopen", w, 0);
	close(w);
	close(fd);

	fd = mkexe("noexec", MFD_CLOEXEC | MFD_NOEXEC_SEAL);
	run("fexecve, MFD_NOEXEC_SEAL", fd, 0);
	close(fd);
	fd = mkexe("chmodded", MFD_CLOEXEC | MFD_EXEC);
	printf("fchmod 0644: %d\n", fchmod(fd, 0644));
	run("fexecve after fchmod 0644", fd, 0);
	close(fd);

	/* a failed exec leaves the fd as it was */
	fd = mkexe("stays", 0);
	if (fork() == 0) {
		char *bad[] = { "x", (char *)8, NULL };
		struct stat st;

		int r = fexecve(fd, bad, env), e = errno;

		printf("fexecve with a bad argv: %d %s\n", r, strerror(e));
		fd2 = fcntl(fd, F_GETFL);
		fstat(fd, &st);
		printf("  fd after: flags %o size %s cloexec %d\n",
		    fd2 & O_ACCMODE, (size_t)st.st_size == self_len ? "same" :
		    "differs", fcntl(fd, F_GETFD));
		printf("  write after: %zd\n", write(fd, "x", 1));
		_exit(0);
	}
	wait_child("bad argv");
	close(fd);

	received();
	return 0;
}
