/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd benchmark, one measurement per run:
 *   memfd_bench cycle N          N x (memfd_create, ftruncate, mmap, touch,
 *                                munmap, close): prints ns per cycle
 *   memfd_bench rw MIB CHUNK [SEALS]
 *                                write MIB MiB in CHUNK-byte writes to one
 *                                memfd, then read it back; prints MB/s for
 *                                each (SEALS: F_ADD_SEALS value applied
 *                                first, e.g. 2 = F_SEAL_SHRINK)
 *   memfd_bench routes N SEALED  the calls lxrun's watch stops on once a
 *                                sealed memfd exists (SEALED 1; 0: none
 *                                exists): ns per recvmsg with and without
 *                                a control buffer, per open O_WRONLY and
 *                                O_RDONLY, per write to a pipe
 *   memfd_bench seal K N         F_ADD_SEALS while K children forked
 *                                before hold the memfd (blocked in read):
 *                                us per seal, N seals on N memfds
 * bench/memfd/run.sh runs it natively and under lxrun and prints ratios.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cycle(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		int fd = memfd_create("bench", MFD_CLOEXEC);
		char *m;

		if (fd < 0 || ftruncate(fd, 65536) < 0)
			return 1;
		m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    0);
		if (m == MAP_FAILED)
			return 1;
		m[0] = 1;
		munmap(m, 65536);
		close(fd);
	}
	printf("cycle_ns %.0f\n", (now() - t0) * 1e9 / (double)n);
	return 0;
}

static int
rw(long mib, long chunk, int seals)
{
	int fd = memfd_create("bench", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	long total = mib << 20, done;
	char *buf = malloc((size_t)chunk);
	double t0, t1, t2;

	if (fd < 0 || buf == NULL)
		return 1;
	memset(buf, 'b', (size_t)chunk);
	if (seals != 0 && fcntl(fd, F_ADD_SEALS, seals) < 0)
		return 1;
	/* first touch outside the timing: page allocation is not ours */
	for (done = 0; done < total; done += chunk)
		if (write(fd, buf, (size_t)chunk) != chunk)
			return 1;
	lseek(fd, 0, SEEK_SET);
	t0 = now();
	for (done = 0; done < total; done += chunk)
		if (write(fd, buf, (size_t)chunk) != chunk)
			return 1;
	t1 = now();
	lseek(fd, 0, SEEK_SET);
	for (done = 0; done < total; done += chunk)
		if (read(fd, buf, (size_t)chunk) != chunk)
			return 1;
	t2 = now();
	printf("write_MBps %.1f\nread_MBps %.1f\n",
	    (double)total / 1e6 / (t1 - t0), (double)total / 1e6 / (t2 - t1));
	return 0;
}

static double
per_call_ns(double t0, long n)
{
	return (now() - t0) * 1e9 / (double)n;
}

static int
routes(long n, int sealed)
{
	int sv[2], p[2], fd = memfd_create("bench", MFD_ALLOW_SEALING);
	char c = 'x', cbuf[64];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	double t0;

	if (fd < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0 ||
	    pipe(p) < 0)
		return 1;
	if (sealed && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return 1;
	for (int ctl = 1; ctl >= 0; ctl--) {
		msg.msg_control = ctl ? cbuf : NULL;
		msg.msg_controllen = ctl ? sizeof(cbuf) : 0;
		t0 = now();
		for (long i = 0; i < n; i++)
			if (send(sv[0], &c, 1, 0) != 1 ||
			    recvmsg(sv[1], &msg, 0) != 1)
				return 1;
		printf("%s %.0f\n", ctl ? "recvmsg_ctl_ns" : "recvmsg_ns",
		    per_call_ns(t0, n));
	}
	for (int w = 1; w >= 0; w--) {
		t0 = now();
		for (long i = 0; i < n; i++) {
			int o = open("/dev/null", w ? O_WRONLY : O_RDONLY);

			if (o < 0)
				return 1;
			close(o);
		}
		printf("%s %.0f\n", w ? "open_w_ns" : "open_r_ns",
		    per_call_ns(t0, n));
	}
	t0 = now();
	for (long i = 0; i < n; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			return 1;
	printf("pipe_rw_ns %.0f\n", per_call_ns(t0, n));
	return 0;
}

static int
seal_holders(int k, long n)
{
	int p[2], *fds = calloc((size_t)n, sizeof(int));
	double total = 0;

	if (fds == NULL || pipe(p) < 0)
		return 1;
	for (long i = 0; i < n; i++)
		if ((fds[i] = memfd_create("bench", MFD_ALLOW_SEALING)) < 0)
			return 1;
	for (int i = 0; i < k; i++)
		if (fork() == 0) {
			char c;

			close(p[1]);
			_exit(read(p[0], &c, 1) < 0);
		}
	close(p[0]);
	usleep(100000);
	for (long i = 0; i < n; i++) {
		double t0 = now();

		if (fcntl(fds[i], F_ADD_SEALS, F_SEAL_WRITE) < 0)
			return 1;
		total += now() - t0;
	}
	close(p[1]);
	while (wait(NULL) > 0)
		;
	printf("seal_us %.0f\n", total * 1e6 / (double)n);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "routes") == 0)
		return routes(atol(argv[2]), atoi(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "seal") == 0)
		return seal_holders(atoi(argv[2]), atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "cycle") == 0)
		return cycle(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "rw") == 0)
		return rw(atol(argv[2]), atol(argv[3]),
		    argc > 4 ? atoi(argv[4]) : 0);
	fprintf(stderr, "usage: memfd_bench cycle N | rw MIB CHUNK [SEALS] | "
	    "routes N SEALED | seal K N\n");
	return 2;
}
