/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getrandom, which lxrun answers itself: sizes, flags, bad flags and a bad
 * buffer give what Linux gives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
show(const char *what, long r)
{
	printf("%s: %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int
main(void)
{
	unsigned char buf[512], zero[512];
	long r;

	memset(buf, 0, sizeof(buf));
	memset(zero, 0, sizeof(zero));
	r = syscall(SYS_getrandom, buf, 8, 0);
	show("8 bytes", r);
	show("0 bytes", syscall(SYS_getrandom, buf, 0, 0));
	r = syscall(SYS_getrandom, buf, sizeof(buf), GRND_NONBLOCK);
	show("512 bytes nonblock", r);
	printf("512 bytes not all zero: %d\n", memcmp(buf, zero, 512) != 0);
	show("GRND_RANDOM", syscall(SYS_getrandom, buf, 16, GRND_RANDOM));
	show("GRND_INSECURE", syscall(SYS_getrandom, buf, 16, 0x0004));
	show("bad flags", syscall(SYS_getrandom, buf, 8, 0x100));
	show("RANDOM|INSECURE", syscall(SYS_getrandom, buf, 8, 0x0006));
	show("NULL buffer", syscall(SYS_getrandom, NULL, 8, 0));
	show("bad pointer", syscall(SYS_getrandom, (void *)8, 8, 0));
	show("NULL, 0 bytes", syscall(SYS_getrandom, NULL, 0, 0));
	return 0;
}
