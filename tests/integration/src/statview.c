/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Path lookups whose answer depends on who looks (issue 16 cases 5, 6,
 * 8): lxrun may answer a stat itself only when it would see what the
 * guest sees.  Run natively and under lxrun from the same directory; the
 * output must be the same.
 *
 *   userns     a child in a new user namespace, where root's files are
 *              unmapped, stats a file in a 0700 root directory (EACCES)
 *   chroot     thread B looked paths up before thread A chroots (which
 *              moves B's root too): B must now see the jail
 *   procfs MNT a second procfs mounted at MNT: MNT/self is the caller,
 *              MNT/self/fdinfo/N its own fd
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
show(const char *what, const char *path)
{
	struct stat st;
	struct statx x;
	int r = stat(path, &st), e = errno;
	int rx = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &x), ex = errno;

	printf("%s: stat %s, statx %s\n", what, r < 0 ? strerrorname_np(e) :
	    "ok", rx < 0 ? strerrorname_np(ex) : "ok");
}

static int
userns(void)
{
	pid_t pid;
	int st;

	/* owned by nobody: root reaches it by CAP_DAC_READ_SEARCH only */
	mkdir("private", 0700);
	close(open("private/f", O_CREAT | O_WRONLY, 0600));
	if (chown("private", 65534, 65534) < 0)
		printf("chown: %s\n", strerrorname_np(errno));
	show("as root", "private/f");
	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWUSER) < 0) {
			printf("unshare: %s\n", strerrorname_np(errno));
			_exit(0);
		}
		show("in a new user namespace", "private/f");
		show("its directory", "private");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return 0;
}

static pthread_barrier_t bar;

static void *
jailer(void *arg)
{
	pthread_barrier_wait(&bar);	/* B has looked paths up */
	if (chroot("jail") < 0)
		printf("chroot: %s\n", strerrorname_np(errno));
	pthread_barrier_wait(&bar);
	return NULL;
}

static int
chroot_sibling(void)
{
	pthread_t a;

	mkdir("jail", 0755);
	close(open("jail/inside", O_CREAT | O_WRONLY, 0644));
	close(open("outside", O_CREAT | O_WRONLY, 0644));
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&a, NULL, jailer, NULL);
	show("before: /inside", "/inside");
	show("before: outside", "outside");
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);	/* A has chrooted us both */
	show("after: /inside", "/inside");
	show("after: /jail", "/jail");
	show("after: outside (cwd is outside the jail)", "outside");
	pthread_join(a, NULL);
	return 0;
}

static int
procfs(const char *mnt)
{
	char path[256], mine[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/self", mnt);
	snprintf(mine, sizeof(mine), "%s/%d", mnt, (int)getpid());
	if (stat(path, &a) == 0 && stat(mine, &b) == 0)
		printf("%s is %s\n", "MNT/self", a.st_ino == b.st_ino ?
		    "the caller" : "another process");
	else
		printf("stat MNT/self: %s\n", strerrorname_np(errno));
	dup2(0, 50);
	snprintf(path, sizeof(path), "%s/self/fdinfo/50", mnt);
	show("MNT/self/fdinfo/50", path);
	show("/proc/self/fdinfo/50", "/proc/self/fdinfo/50");
	close(50);
	show("/proc/self/fdinfo/50 after close", "/proc/self/fdinfo/50");
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "userns") == 0)
		return userns();
	if (argc == 2 && strcmp(argv[1], "chroot") == 0)
		return chroot_sibling();
	if (argc == 3 && strcmp(argv[1], "procfs") == 0)
		return procfs(argv[2]);
	fprintf(stderr, "usage: statview userns|chroot|procfs MNT\n");
	return 2;
}
