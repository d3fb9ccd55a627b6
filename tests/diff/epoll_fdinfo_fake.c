/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A file of the program's own, named "fdinfo", whose text looks like a
 * procfs fdinfo file ("flags:" and "ino:" lines), must read back as it
 * was written: lxrun replaces an opened file with an epoll fd's fdinfo
 * text only when the file is procfs's.  The "ino:" values tried cover
 * the inode numbers around a pipe made just before the epoll instance
 * (pipefs numbers are handed out in order), so that one of them is the
 * inode of lxrun's stand-in for the instance.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPAN	1024

int
main(void)
{
	char dir[] = "/tmp/epoll_fdinfo_fake.XXXXXX", path[64], text[128];
	char back[128];
	struct epoll_event ev = { .events = EPOLLIN };
	struct stat st;
	int p[2], ep, bad = 0;

	if (mkdtemp(dir) == NULL || pipe(p) < 0 || fstat(p[0], &st) < 0) {
		perror("setup");
		return 1;
	}
	if ((ep = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("epoll");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/fdinfo", dir);
	for (long d = -SPAN; d <= SPAN; d++) {
		int len = snprintf(text, sizeof(text),
		    "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t%lld\n",
		    (long long)st.st_ino + d), fd;
		ssize_t n;

		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
		    write(fd, text, (size_t)len) != len || close(fd) < 0 ||
		    (fd = open(path, O_RDONLY)) < 0) {
			perror(path);
			return 1;
		}
		n = read(fd, back, sizeof(back));
		close(fd);
		if (n != len || memcmp(back, text, (size_t)len) != 0)
			bad++;
	}
	unlink(path);
	rmdir(dir);
	printf("%d of %d files read back otherwise than written\n", bad,
	    2 * SPAN + 1);
	return bad != 0;
}
