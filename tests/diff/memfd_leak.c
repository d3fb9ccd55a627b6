/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 10,000 memfds created and closed (some sealed, some mapped, some
 * passed through a dup) leave nothing behind: the parent's fd count (under
 * lxrun the parent is lxrun itself, which forks the guest) and the
 * entries that parent made in /dev/shm are the same before and after.  Only "leak" / "no
 * leak" is printed, since the counts differ between the two parents.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Entries of path whose name starts with prefix (every one: ""). */
static int
count_dir_prefix(const char *path, const char *prefix)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
count_dir(const char *path)
{
	return count_dir_prefix(path, "");
}

/*
 * The shm files our parent (lxrun, under lxrun) made: other programs'
 * files come and go in /dev/shm meanwhile.
 */
static int
shm_files(void)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), ".lxrun-memfd-%d-", (int)getppid());
	return count_dir_prefix("/dev/shm", prefix);
}

static int
parent_fds(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)getppid());
	return count_dir(path);
}

int
main(void)
{
	int fds0, shm0, bad = 0;

	/*
	 * One memfd first: a supervisor may keep one handle per traced
	 * process (lxrun's pidfd); what must not grow is per object.
	 */
	close(memfd_create("warm-up", 0));
	fds0 = parent_fds();
	shm0 = shm_files();

	for (int i = 0; i < 10000; i++) {
		int fd = memfd_create("leak", i % 2 ? MFD_ALLOW_SEALING :
		    MFD_CLOEXEC);

		if (fd < 0) {
			bad++;
			continue;
		}
		if (i % 100 == 1) {
			char *m;

			ftruncate(fd, 4096);
			m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
			m[0] = 1;
			munmap(m, 4096);
			fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW);
		}
		if (i % 100 == 3) {
			int d = dup(fd);

			fcntl(d, F_ADD_SEALS, F_SEAL_SHRINK);
			close(d);
		}
		close(fd);
	}
	printf("memfd_create failures: %d\n", bad);
	printf("parent fds: %s\n", fds0 >= 0 && parent_fds() == fds0 ?
	    "no leak" : "leak");
	printf("shm files: %s\n", shm0 >= 0 && shm_files() == shm0 ?
	    "no leak" : "leak");
	return 0;
}
