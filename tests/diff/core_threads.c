/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Twelve threads doing real work and real syscalls at the same time: each
 * hashes a range, writes its result with pwrite into a shared file, passes
 * a token around a ring of pipes, sleeps a little, opens and stats files,
 * and meets the others at a barrier (futex).  Main joins them and prints
 * what they computed, in thread order.  Everything printed is
 * deterministic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 12
#define ROUNDS 50
#define SLOT 64

static pthread_barrier_t barrier;
static int ring[NTHREADS][2];		/* thread i reads ring[i][0] */
static int shared_fd;
static pid_t main_pid;

struct result {
	uint64_t hash;
	int tokens;
	int distinct_tid;
	int same_pid;
	int stat_ok;
};
static struct result results[NTHREADS];

static uint64_t
hash_range(uint64_t seed, int n)
{
	uint64_t h = 1469598103934665603ULL ^ seed;

	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)i * 2654435761U;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Pass a token ROUNDS times around the ring: real blocking reads. */
static int
pass_tokens(int me)
{
	int next = (me + 1) % NTHREADS, got = 0;
	unsigned char b;

	if (me == 0) {
		b = 0;
		if (write(ring[next][1], &b, 1) != 1)
			return -1;
	}
	for (int r = 0; r < ROUNDS; r++) {
		if (read(ring[me][0], &b, 1) != 1)
			return -1;
		got++;
		b++;
		/* The last hop of the last round stops at thread 0. */
		if (me == 0 && r == ROUNDS - 1)
			break;
		if (write(ring[next][1], &b, 1) != 1)
			return -1;
	}
	return got;
}

static void *
worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	struct result *res = &results[me];
	struct timespec ts = { 0, 1000000 * (me % 3) };
	char line[SLOT];
	struct stat st;
	int fd;

	res->distinct_tid = syscall(SYS_gettid) != main_pid;
	res->same_pid = getpid() == main_pid;
	pthread_barrier_wait(&barrier);

	res->hash = hash_range((uint64_t)me, 200000);
	nanosleep(&ts, NULL);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	res->stat_ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	    stat("/", &st) == 0 && S_ISDIR(st.st_mode);
	if (fd >= 0)
		close(fd);

	snprintf(line, sizeof(line), "thread %2d hash %016llx\n", me,
	    (unsigned long long)res->hash);
	if (pwrite(shared_fd, line, strlen(line), (off_t)me * SLOT) < 0)
		res->stat_ok = 0;

	pthread_barrier_wait(&barrier);
	res->tokens = pass_tokens(me);
	pthread_barrier_wait(&barrier);
	return NULL;
}

static int
print_shared_file(void)
{
	char buf[SLOT + 1];

	for (int i = 0; i < NTHREADS; i++) {
		ssize_t n = pread(shared_fd, buf, SLOT, (off_t)i * SLOT);

		if (n <= 0)
			return -1;
		buf[n] = '\0';
		buf[strcspn(buf, "\n") + 1] = '\0';
		fputs(buf, stdout);
	}
	return 0;
}

int
main(void)
{
	pthread_t t[NTHREADS];
	char name[] = "threads-XXXXXX";

	main_pid = getpid();
	shared_fd = mkstemp(name);
	if (shared_fd < 0 || unlink(name) != 0) {
		perror("mkstemp");
		return 1;
	}
	/* Slots are padded with NULs so every pread sees its whole line. */
	if (ftruncate(shared_fd, NTHREADS * SLOT) != 0)
		return 1;
	for (int i = 0; i < NTHREADS; i++)
		if (pipe2(ring[i], O_CLOEXEC) != 0)
			return 1;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		int e = pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);

		if (e != 0) {
			fprintf(stderr, "pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);

	for (int i = 0; i < NTHREADS; i++)
		printf("thread %2d tokens %d own-tid %d same-pid %d stat %d\n",
		    i, results[i].tokens, results[i].distinct_tid,
		    results[i].same_pid, results[i].stat_ok);
	if (print_shared_file() != 0)
		return 1;
	printf("all %d threads joined\n", NTHREADS);
	return 0;
}
