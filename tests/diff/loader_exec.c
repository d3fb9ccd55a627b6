/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * execve from a running program, as the kernel does it: from the main
 * thread and from another thread of a busy process (same pid after, one
 * thread left), close-on-exec fds closed and the others kept (and no fd
 * of lxrun's left behind), handlers reset, ignored signals still ignored,
 * the blocked mask and a pending signal kept, no alternate signal stack;
 * vfork+exec and posix_spawn; exec by a process that dropped root (it no
 * longer sees files as lxrun does, so lxrun checks them from inside it);
 * and where the program, its interpreter, its stack and its brk land:
 * with ADDR_NO_RANDOMIZE at the kernel's very addresses, else somewhere
 * new each time.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static const char *self;

static void
handler(int sig)
{
	(void)sig;
}

/* What the new image sees of what exec kept. */
static int
after(const char *how)
{
	struct sigaction sa;
	sigset_t mask, pend;
	stack_t ss;
	DIR *d;
	struct dirent *e;
	int nthreads = 0;

	printf("after %s: pid %s\n", how, atoi(getenv("OLDPID")) == getpid() ?
	    "same" : "NEW");
	if ((d = opendir("/proc/self/task")) != NULL) {
		while ((e = readdir(d)) != NULL)
			nthreads += e->d_name[0] != '.';
		closedir(d);
	}
	printf("  threads: %d\n", nthreads);
	printf("  fds:");
	if ((d = opendir("/proc/self/fd")) != NULL) {
		int fds[64], n = 0;

		while ((e = readdir(d)) != NULL && n < 64)
			if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
				fds[n++] = atoi(e->d_name);
		closedir(d);
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				if (fds[j] < fds[i]) {
					int x = fds[i];

					fds[i] = fds[j];
					fds[j] = x;
				}
		for (int i = 0; i < n; i++)
			printf(" %d", fds[i]);
	}
	printf("\n");
	sigaction(SIGUSR1, NULL, &sa);
	printf("  SIGUSR1 (had a handler): %s\n", sa.sa_handler == SIG_DFL ?
	    "default" : "NOT RESET");
	sigaction(SIGUSR2, NULL, &sa);
	printf("  SIGUSR2 (ignored): %s\n", sa.sa_handler == SIG_IGN ?
	    "ignored" : "NOT IGNORED");
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigpending(&pend);
	printf("  SIGHUP blocked: %s, pending: %s\n",
	    sigismember(&mask, SIGHUP) ? "yes" : "no",
	    sigismember(&pend, SIGHUP) ? "yes" : "no");
	sigaltstack(NULL, &ss);
	printf("  alternate stack: %s\n", ss.ss_flags & SS_DISABLE ?
	    "none" : "STILL THERE");
	return 0;
}

/* Set everything exec must keep or drop, then exec as "after HOW". */
static void
exec_after(const char *how)
{
	static char stack[65536];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };
	char pid[32];
	sigset_t set;

	signal(SIGUSR1, handler);
	signal(SIGUSR2, SIG_IGN);
	sigaltstack(&ss, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGHUP);
	snprintf(pid, sizeof(pid), "%d", getpid());
	setenv("OLDPID", pid, 1);
	open("/dev/null", O_RDONLY);			/* kept */
	open("/dev/null", O_RDONLY | O_CLOEXEC);	/* closed */
	dup2(open("/dev/null", O_RDONLY), 9);		/* kept */
	fflush(stdout);
	execl(self, "loader_exec", "after", how, (char *)NULL);
	perror("execl");
	exit(1);
}

static void *
busy(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *
exec_from_thread(void *arg)
{
	(void)arg;
	exec_after("a thread's exec");
	return NULL;
}

/* Run child(how) in a fork and wait for it. */
static void
in_child(void (*child)(const char *), const char *how)
{
	int st;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		child(how);
		_exit(1);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("%s: status %#x\n", how, st);
}

static void
threads_exec(const char *how)
{
	pthread_t t;

	for (int i = 0; i < 3; i++)
		pthread_create(&t, NULL, busy, NULL);
	if (strcmp(how, "main") == 0)
		exec_after("the main thread's exec");
	pthread_create(&t, NULL, exec_from_thread, NULL);
	pause();
}

/* The placement facts of this image. */
static int
layout(const char *how)
{
	char *brk0 = sbrk(0);

	if (strcmp(how, "fixed") == 0) {
		printf("ADDR_NO_RANDOMIZE: program headers at %#lx, "
		    "interpreter at %#lx, entry %#lx\n", getauxval(AT_PHDR),
		    getauxval(AT_BASE), getauxval(AT_ENTRY));
		printf("  argv[0] at %p, AT_EXECFN at %#lx, brk %p\n",
		    (void *)environ[-2], getauxval(AT_EXECFN), (void *)brk0);
	} else {
		printf("%#lx %#lx %p %p\n", getauxval(AT_PHDR),
		    getauxval(AT_BASE), (void *)brk0, (void *)&brk0);
	}
	return 0;
}

static void
layout_child(const char *how)
{
	if (strcmp(how, "fixed") == 0)
		personality(ADDR_NO_RANDOMIZE);
	execl(self, "x", "layout", how, (char *)NULL);
}

/* Two randomized execs: everything must have moved. */
static void
randomized(void)
{
	char a[256] = "", b[256] = "";
	unsigned long x[4], y[4];
	int same = 0;

	for (int k = 0; k < 2; k++) {
		int p[2], st;
		pid_t pid;
		ssize_t n;

		if (pipe(p) < 0)
			return;
		fflush(stdout);
		if ((pid = fork()) == 0) {
			dup2(p[1], 1);
			layout_child("random");
			_exit(1);
		}
		close(p[1]);
		n = read(p[0], k ? b : a, 255);
		(k ? b : a)[n > 0 ? n : 0] = '\0';
		close(p[0]);
		waitpid(pid, &st, 0);
	}
	if (sscanf(a, "%lx %lx %lx %lx", &x[0], &x[1], &x[2], &x[3]) != 4 ||
	    sscanf(b, "%lx %lx %lx %lx", &y[0], &y[1], &y[2], &y[3]) != 4) {
		printf("randomized: no output\n");
		return;
	}
	for (int i = 0; i < 4; i++)
		same += x[i] == y[i];
	printf("randomized: program, interpreter, brk, stack %s\n",
	    same == 0 ? "all moved" : "SOME STAYED");
}

/* exec path in a child; print its errno or exit status. */
static void
run_as(const char *label, const char *path)
{
	int p[2], err = 0, st;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	if ((pid = fork()) == 0) {
		execl(path, "x", "exit5", (char *)NULL);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) == (ssize_t)sizeof(err))
		printf("  %s: %s\n", label, strerrorname_np(err));
	waitpid(pid, &st, 0);
	if (err == 0)
		printf("  %s: exit %d\n", label, WEXITSTATUS(st));
	close(p[0]);
}

static void
copy_self(const char *to, mode_t mode)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		(void)!write(out, buf, (size_t)n);
	close(in);
	close(out);
	chmod(to, mode);
}

/* Files exec'd by a process that is not root any more. */
static void
as_nobody(const char *how)
{
	char ok[64], priv[96], script[96], text[128];
	pid_t pid;
	int st, fd;

	(void)how;
	if (getuid() != 0) {
		printf("as nobody: not run (not root)\n");
		exit(0);
	}
	snprintf(ok, sizeof(ok), "/dev/shm/lxrun-loader-exec-%d", getpid());
	snprintf(priv, sizeof(priv), "%s-priv", ok);
	snprintf(script, sizeof(script), "%s-script", ok);
	copy_self(ok, 0755);
	copy_self(priv, 0700);
	snprintf(text, sizeof(text), "#!%s\n", ok);
	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	(void)!write(fd, text, strlen(text));
	close(fd);
	chmod(script, 0755);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) <
		    0 || setresuid(65534, 65534, 65534) < 0)
			_exit(3);
		printf("as nobody:\n");
		run_as("a world-executable copy", ok);
		run_as("a root-only copy", priv);
		run_as("a missing file", "/dev/shm/lxrun-no-such-file");
		run_as("a script", script);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	unlink(ok);
	unlink(priv);
	unlink(script);
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

/*
 * Many arguments (their pointers alone fill more than the 128 KiB exec
 * leaves below them, so the stack mapping ends right under the pointer
 * table) and a program path of 3000 bytes (AT_EXECFN takes that much more
 * room than the stub's own name did): the program must still get them.
 */
static void
many_args(void)
{
	static char *args[100002];
	char path[4096] = ".", cwd[64];
	int ran = 0;

	for (int d = 0; d < 14; d++) {
		strcat(path, "/");
		for (int i = 0; i < 200; i++)
			strcat(path, "d");
		mkdir(path, 0755);
	}
	strcat(path, "/prog");
	copy_self(path, 0755);
	args[0] = "count";
	for (int i = 1; i < 100001; i++)
		args[i] = "x";
	args[100001] = NULL;
	for (int k = 0; k < 20; k++) {
		pid_t pid;
		int st;

		fflush(stdout);
		if ((pid = fork()) == 0) {
			execv(path, args);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		ran += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	(void)cwd;
	printf("100001 arguments, a %zu-byte path: %d of 20 runs got them "
	    "all\n", strlen(path), ran);
}

int
main(int argc, char **argv)
{
	pid_t pid;
	int st;

	self = (const char *)getauxval(AT_EXECFN);
	if (argc == 3 && strcmp(argv[1], "after") == 0)
		return after(argv[2]);
	if (argc == 3 && strcmp(argv[1], "layout") == 0)
		return layout(argv[2]);
	if (argc >= 2 && strcmp(argv[argc - 1], "exit5") == 0)
		return 5;
	if (strcmp(argv[0], "count") == 0)
		return argc == 100001 && strcmp(argv[argc - 1], "x") == 0 ?
		    0 : 1;

	in_child(threads_exec, "main");
	in_child(threads_exec, "thread");
	in_child(exec_after, "a plain exec");

	fflush(stdout);
	if ((pid = vfork()) == 0) {
		execl(self, "v", "exit5", (char *)NULL);
		_exit(1);
	}
	waitpid(pid, &st, 0);
	printf("vfork+exec: exit %d\n", WEXITSTATUS(st));
	{
		char *args[] = { "s", "exit5", NULL };

		if (posix_spawn(&pid, self, NULL, NULL, args, environ) == 0 &&
		    waitpid(pid, &st, 0) == pid)
			printf("posix_spawn: exit %d\n", WEXITSTATUS(st));
		if (posix_spawnp(&pid, "true", NULL, NULL, args, environ) == 0 &&
		    waitpid(pid, &st, 0) == pid)
			printf("posix_spawnp true: exit %d\n", WEXITSTATUS(st));
	}
	in_child(as_nobody, "as nobody");
	many_args();
	in_child(layout_child, "fixed");
	randomized();
	return 0;
}
