/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host entropy, with getentropy(3)'s contract on every host: at most 256
 * bytes a call, all of them or an error.  Linux and NetBSD (>= 10) both
 * have getrandom(2); it is retried on EINTR and short reads, which
 * getrandom may give for large requests or when a signal arrives.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

#include "lxrun/host.h"

int
host_entropy(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t r;

	if (n > 256)
		return -EIO;		/* getentropy(3) says EIO */
	if (n > 0 && buf == NULL)
		return -EFAULT;
	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
