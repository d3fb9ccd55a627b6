/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spawn_state exec FILE ARGS...: execvp(FILE, ARGS) (the native oracle
 * for how lxrun finds and starts its program); on failure prints
 * strerror(errno) on stderr and exits 126 or 127 as a shell would.
 *
 * spawn_state show: prints what a started program inherits and what lxrun
 * must not leave behind: the parent-death signal, the signal mask, the
 * dispositions of SIGPIPE and SIGINT, RLIMIT_NOFILE, no_new_privs, and
 * the fds open beyond 2.
 *
 * spawn_state with-state CMD ARGS...: runs CMD with SIGUSR1 blocked,
 * SIGINT and SIGPIPE ignored and RLIMIT_NOFILE's soft limit at 512, a
 * state the program must get as it is, through lxrun too.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static int
show(void)
{
	struct sigaction sa;
	struct rlimit rl;
	sigset_t mask;
	struct dirent *d;
	DIR *dir;
	int pd = -1;

	prctl(PR_GET_PDEATHSIG, &pd);
	printf("pdeathsig %d\n", pd);
	printf("no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	sigprocmask(SIG_BLOCK, NULL, &mask);
	printf("blocked:");
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&mask, s))
			printf(" %d", s);
	printf("\n");
	sigaction(SIGPIPE, NULL, &sa);
	printf("SIGPIPE %s\n", sa.sa_handler == SIG_DFL ? "default" :
	    sa.sa_handler == SIG_IGN ? "ignored" : "caught");
	sigaction(SIGINT, NULL, &sa);
	printf("SIGINT %s\n", sa.sa_handler == SIG_DFL ? "default" :
	    sa.sa_handler == SIG_IGN ? "ignored" : "caught");
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("nofile %llu %llu\n", (unsigned long long)rl.rlim_cur,
	    (unsigned long long)rl.rlim_max);
	printf("fds:");
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			int fd = atoi(d->d_name);

			if (d->d_name[0] != '.' && fd > 2 && fd != dirfd(dir))
				printf(" %d", fd);
		}
		closedir(dir);
	}
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "show") == 0)
		return show();
	if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "%s\n", strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	if (argc >= 3 && strcmp(argv[1], "with-state") == 0) {
		struct rlimit rl;
		sigset_t m;

		sigemptyset(&m);
		sigaddset(&m, SIGUSR1);
		sigprocmask(SIG_BLOCK, &m, NULL);
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = 512;
		setrlimit(RLIMIT_NOFILE, &rl);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	fprintf(stderr, "usage: spawn_state exec FILE ARGS... | show\n");
	return 2;
}
