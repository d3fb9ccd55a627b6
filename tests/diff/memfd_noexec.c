/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vm.memfd_noexec (Linux 6.3+), which is per pid namespace: in a new pid
 * namespace set to 0, 1 and 2 (root only: exits 77, a skip, otherwise),
 * what memfd_create gives for each flag combination (error, mode, seals)
 * and whether fexecve-able bits can come back with fchmod.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static void
try(const char *what, unsigned flags)
{
	int fd = memfd_create("noexec", flags);
	struct stat st;

	if (fd < 0) {
		printf("  %-28s -> %s\n", what, strerror(errno));
		return;
	}
	fstat(fd, &st);
	printf("  %-28s -> mode %o seals %#x", what,
	    (unsigned)(st.st_mode & 07777), fcntl(fd, F_GET_SEALS));
	printf(" fchmod 0755 %s\n", fchmod(fd, 0755) == 0 ? "ok" :
	    strerror(errno));
	close(fd);
}

static int
in_namespace(int scope)
{
	char v[8];
	int fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY), n;

	n = snprintf(v, sizeof(v), "%d\n", scope);
	if (fd < 0 || write(fd, v, (size_t)n) != n) {
		printf("cannot set vm.memfd_noexec: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	printf("vm.memfd_noexec = %d (pid %d in its namespace)\n", scope,
	    (int)getpid());
	try("no flags", 0);
	try("MFD_ALLOW_SEALING", MFD_ALLOW_SEALING);
	try("MFD_EXEC", MFD_EXEC);
	try("MFD_EXEC|MFD_ALLOW_SEALING", MFD_EXEC | MFD_ALLOW_SEALING);
	try("MFD_NOEXEC_SEAL", MFD_NOEXEC_SEAL);
	try("MFD_NOEXEC_SEAL|MFD_EXEC", MFD_NOEXEC_SEAL | MFD_EXEC);
	fflush(stdout);
	return 0;
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0 || unshare(0) < 0)
		return 77;
	for (int scope = 0; scope <= 2; scope++) {
		int st;

		if (fork() == 0) {
			if (unshare(CLONE_NEWPID) < 0) {
				printf("unshare: %s\n", strerror(errno));
				_exit(77);
			}
			if (fork() == 0)
				_exit(in_namespace(scope));
			wait(&st);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
		}
		wait(&st);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	printf("this namespace:\n");
	try("no flags", 0);
	return 0;
}
