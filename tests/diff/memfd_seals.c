/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * F_ADD_SEALS / F_GET_SEALS: the errno of each bad input (bad fd, O_PATH,
 * read-only open file, unknown seal bits, F_SEAL_SEAL, files that are not
 * memfds), all-or-nothing application under EBUSY, which mappings make
 * F_SEAL_WRITE busy, F_SEAL_EXEC and its implied seals, idempotence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

static void
res(const char *what, long r)
{
	if (r < 0)
		printf("%-44s -> %s\n", what, strerror(errno));
	else
		printf("%-44s -> %#lx\n", what, r);
}

static int
mk(unsigned flags)
{
	int fd = memfd_create("seals", flags);

	ftruncate(fd, 8192);
	return fd;
}

static int
reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, flags);
}

static void
busy_case(const char *what, int prot, int flags, bool via_ro)
{
	int fd = mk(MFD_ALLOW_SEALING), ro = reopen(fd, O_RDONLY);
	void *m = mmap(NULL, 4096, prot, flags, via_ro ? ro : fd, 0);
	char label[80];

	snprintf(label, sizeof(label), "busy? %s", what);
	res(label, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK));
	res("  seals after", fcntl(fd, F_GET_SEALS));
	res("  FUTURE_WRITE is never busy",
	    fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	munmap(m, 4096);
	res("  WRITE after munmap", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	close(fd);
	close(ro);
}

int
main(void)
{
	int fd, ro, wo, op, reg, pp[2];

	fd = mk(MFD_ALLOW_SEALING);
	res("get on a new sealable memfd", fcntl(fd, F_GET_SEALS));
	res("add 0", fcntl(fd, F_ADD_SEALS, 0));
	res("add unknown 0x40", fcntl(fd, F_ADD_SEALS, 0x40));
	res("add 0x80000000", fcntl(fd, F_ADD_SEALS, 0x80000000));
	res("add SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	res("add SHRINK again", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	res("get", fcntl(fd, F_GET_SEALS));
	ro = reopen(fd, O_RDONLY);
	wo = reopen(fd, O_WRONLY);
	op = reopen(fd, O_PATH);
	res("get through a read-only reopen", fcntl(ro, F_GET_SEALS));
	res("add through a read-only reopen", fcntl(ro, F_ADD_SEALS, 0));
	res("add unknown through read-only", fcntl(ro, F_ADD_SEALS, 0x40));
	res("add GROW through write-only", fcntl(wo, F_ADD_SEALS,
	    F_SEAL_GROW));
	res("get through the first fd", fcntl(fd, F_GET_SEALS));
	res("get through O_PATH", fcntl(op, F_GET_SEALS));
	res("add through O_PATH", fcntl(op, F_ADD_SEALS, 0));
	res("add SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	res("add 0 after SEAL", fcntl(fd, F_ADD_SEALS, 0));
	res("add unknown after SEAL", fcntl(fd, F_ADD_SEALS, 0x40));
	res("get", fcntl(fd, F_GET_SEALS));
	close(fd);
	close(ro);
	close(wo);
	close(op);

	res("get on fd 99", fcntl(99, F_GET_SEALS));
	res("add on fd 99", fcntl(99, F_ADD_SEALS, 1));
	res("get on fd -1", fcntl(-1, F_GET_SEALS));
	reg = open(".", O_TMPFILE | O_RDWR, 0600);
	if (reg < 0)
		reg = open("regular", O_RDWR | O_CREAT, 0600);
	res("get on a regular file", fcntl(reg, F_GET_SEALS));
	res("add on a regular file", fcntl(reg, F_ADD_SEALS, 1));
	close(reg);
	reg = open("/dev/null", O_RDONLY);
	res("add on a read-only file", fcntl(reg, F_ADD_SEALS, 1));
	close(reg);
	pipe(pp);
	res("get on a pipe", fcntl(pp[0], F_GET_SEALS));
	res("add on a pipe's write end", fcntl(pp[1], F_ADD_SEALS, 2));
	fd = shm_open("/lxrun-diff-seals", O_RDWR | O_CREAT | O_EXCL, 0600);
	shm_unlink("/lxrun-diff-seals");
	res("get on a shm_open file", fcntl(fd, F_GET_SEALS));
	res("add on a shm_open file", fcntl(fd, F_ADD_SEALS, 2));
	close(fd);

	fd = mk(0);
	res("get without MFD_ALLOW_SEALING", fcntl(fd, F_GET_SEALS));
	res("add 0 without MFD_ALLOW_SEALING", fcntl(fd, F_ADD_SEALS, 0));
	res("add unknown without ALLOW_SEALING", fcntl(fd, F_ADD_SEALS, 0x40));
	close(fd);

	/* which mappings make F_SEAL_WRITE busy; nothing applied if so */
	busy_case("shared rw", PROT_READ | PROT_WRITE, MAP_SHARED, false);
	busy_case("shared ro", PROT_READ, MAP_SHARED, false);
	busy_case("shared none", PROT_NONE, MAP_SHARED, false);
	busy_case("shared ro via ro fd", PROT_READ, MAP_SHARED, true);
	busy_case("private rw", PROT_READ | PROT_WRITE, MAP_PRIVATE, false);
	{
		int f = mk(MFD_ALLOW_SEALING);
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		    f, 0);

		mprotect(m, 4096, PROT_READ);
		res("busy? shared rw made ro",
		    fcntl(f, F_ADD_SEALS, F_SEAL_WRITE));
		munmap(m, 4096);
		close(f);
	}
	{
		/* a mapping in another process counts too */
		int f = mk(MFD_ALLOW_SEALING), go[2];
		char c;
		pid_t pid;
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		    f, 0);

		pipe(go);
		if ((pid = fork()) == 0) {
			read(go[0], &c, 1);
			_exit(0);
		}
		munmap(m, 4096);
		res("busy? child's shared rw",
		    fcntl(f, F_ADD_SEALS, F_SEAL_WRITE));
		write(go[1], "x", 1);
		waitpid(pid, NULL, 0);
		res("after the child exited",
		    fcntl(f, F_ADD_SEALS, F_SEAL_WRITE));
		close(f);
	}

	/* F_SEAL_EXEC */
	fd = mk(MFD_ALLOW_SEALING);
	res("EXEC on mode 0777", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
	res("  implies SHRINK|GROW|WRITE|FUTURE_WRITE", fcntl(fd,
	    F_GET_SEALS));
	res("  fchmod 0666", fchmod(fd, 0666));
	res("  fchmod 01777 (exec bits kept)", fchmod(fd, 01777));
	res("  write", write(fd, "x", 1));
	close(fd);
	fd = mk(MFD_ALLOW_SEALING);
	fchmod(fd, 0600);
	res("EXEC on mode 0600", fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC));
	res("  seals", fcntl(fd, F_GET_SEALS));
	res("  fchmod 0644", fchmod(fd, 0644));
	res("  fchmod 0700", fchmod(fd, 0700));
	close(fd);
	fd = mk(MFD_ALLOW_SEALING);
	{
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);

		res("EXEC on 0777 while mapped shared", fcntl(fd, F_ADD_SEALS,
		    F_SEAL_EXEC));
		res("  seals", fcntl(fd, F_GET_SEALS));
		munmap(m, 4096);
	}
	close(fd);
	fd = mk(MFD_NOEXEC_SEAL);
	res("NOEXEC_SEAL: seals", fcntl(fd, F_GET_SEALS));
	res("  fchmod 0644", fchmod(fd, 0644));
	res("  fchmod 0755", fchmod(fd, 0755));
	res("  add GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	res("  add SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	res("  add SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	res("  seals", fcntl(fd, F_GET_SEALS));
	close(fd);
	/* every single seal on a fresh object */
	for (unsigned s = 0; s <= 0x3f; s++) {
		fd = mk(MFD_ALLOW_SEALING);
		printf("add %#04x -> %ld", s, (long)fcntl(fd, F_ADD_SEALS, s));
		printf(" seals %#x\n", fcntl(fd, F_GET_SEALS));
		close(fd);
	}
	return 0;
}
