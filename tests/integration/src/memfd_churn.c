/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd_churn READY: make memfds (plain, sealable and sealed, hugetlb)
 * and run a program from one (fexecve of /bin/true in a child) in an
 * endless loop, after writing the pid to READY; for tests that kill lxrun
 * at random moments (memfd_kill9.sh).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static char prog[1 << 16];
	char *args[] = { "true", NULL }, *env[] = { NULL };
	ssize_t len = 0, n;
	FILE *f;
	int in;

	if (argc < 2)
		return 2;
	if ((in = open("/bin/true", O_RDONLY)) >= 0) {
		while ((n = read(in, prog + len, sizeof(prog) - (size_t)len)) > 0)
			len += n;
		close(in);
	}
	if ((f = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	for (unsigned i = 0;; i++) {
		int fd = memfd_create("churn", i % 3 == 0 ? MFD_ALLOW_SEALING :
		    i % 3 == 1 ? MFD_CLOEXEC : MFD_HUGETLB);

		if (fd < 0)
			continue;
		if (i % 3 == 0) {
			(void)!write(fd, "data", 4);
			fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE);
		}
		if (i % 3 == 1 && i % 8 == 1 && len > 0 &&
		    write(fd, prog, (size_t)len) == len && fork() == 0) {
			fexecve(fd, args, env);
			_exit(127);
		}
		close(fd);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}
