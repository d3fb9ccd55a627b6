/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scratch_guard: after a call lxrun serves with a park (a 2 MiB
 * getrandom goes through the guest between slices), list the anonymous
 * read-write mappings of exactly lxrun's scratch size (512 KiB) and what
 * lies on each side: "scratch N: below B, above A", where B and A are
 * "guard" (a PROT_NONE page), "none" (unmapped) or "rw"/"ro" (writable or
 * not).  Natively there is none; under lxrun each must have a guard on
 * both sides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SCRATCH_LEN (512UL << 10)

struct map {
	unsigned long lo, hi;
	char perm[8];
	int anon;
};

static const char *
kind(const struct map *m)
{
	if (m == NULL)
		return "none";
	if (strncmp(m->perm, "---", 3) == 0)
		return m->hi - m->lo == 4096 ? "guard" : "none";
	return m->perm[1] == 'w' ? "rw" : "ro";
}

int
main(void)
{
	static struct map maps[4096];
	char line[512];
	unsigned char *buf = malloc(2UL << 20);
	int n = 0, found = 0;
	FILE *f;

	if (buf == NULL || syscall(SYS_getrandom, buf, 2UL << 20, 0) < 0)
		return perror("getrandom"), 1;
	if ((f = fopen("/proc/self/maps", "re")) == NULL)
		return perror("maps"), 1;
	while (n < 4096 && fgets(line, sizeof(line), f) != NULL) {
		char path[256] = "";

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &maps[n].lo,
		    &maps[n].hi, maps[n].perm, path) >= 3) {
			maps[n].anon = path[0] == '\0';
			n++;
		}
	}
	fclose(f);
	for (int i = 0; i < n; i++) {
		const struct map *below, *above;

		if (!maps[i].anon || strncmp(maps[i].perm, "rw", 2) != 0 ||
		    maps[i].hi - maps[i].lo != SCRATCH_LEN)
			continue;
		below = i > 0 && maps[i - 1].hi == maps[i].lo ? &maps[i - 1] :
		    NULL;
		above = i + 1 < n && maps[i + 1].lo == maps[i].hi ?
		    &maps[i + 1] : NULL;
		printf("scratch %d: below %s, above %s\n", found++,
		    kind(below), kind(above));
	}
	printf("scratch mappings: %d\n", found);
	free(buf);
	return 0;
}
