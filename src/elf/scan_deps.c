/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which file ld.so would load for a DT_NEEDED name, in glibc's order
 * (ld.so(8)): a name with a slash as it is; else DT_RPATH of the object
 * that needs it and of each object that loaded that one, up to the
 * program (only while the needing object has no DT_RUNPATH); then
 * LD_LIBRARY_PATH; then the needing object's DT_RUNPATH; then
 * /etc/ld.so.cache; then the default directories (not with
 * -z nodeflib).  $ORIGIN, $LIB and $PLATFORM are expanded; a file that is
 * not an x86-64 ELF object is skipped, as ld.so skips it.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/scan_int.h"

#define LDCACHE_PATH "/etc/ld.so.cache"
#define LDCACHE_NEW "glibc-ld.so.cache1.1"
#define LDCACHE_OLD "ld.so-1.7.0"
#define LDCACHE_X86_64_LIBC6 0x0303	/* FLAG_X8664_LIB64 | FLAG_ELF_LIBC6 */

/* Debian's multiarch directories first, as its ld.so has them. */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static const char *
cache_str(const uint8_t *base, size_t len, uint32_t off)
{
	if (off >= len || memchr(base + off, 0, len - off) == NULL)
		return NULL;
	return (const char *)base + off;
}

/*
 * The new format: a 48-byte header (magic and version, nlibs, string
 * length, flags, extension offset) and 24-byte entries (flags, key,
 * value, osversion, hwcap); string offsets count from the header.  The
 * old format may come first: then the new header follows its entries.
 * An entry without hwcap bits is preferred: it is the baseline build.
 */
const char *
ldcache_lookup(const uint8_t *cache, size_t len, const char *name)
{
	const uint8_t *h = cache;
	size_t hlen = len;
	const char *found = NULL;
	uint32_t n;

	if (len >= 16 && memcmp(cache, LDCACHE_OLD, 11) == 0) {
		size_t skip = 16 + (size_t)rd32(cache + 12) * 12;

		skip = (skip + 7) & ~(size_t)7;
		if (skip >= len)
			return NULL;
		h = cache + skip;
		hlen = len - skip;
	}
	if (hlen < 48 || memcmp(h, LDCACHE_NEW, 20) != 0)
		return NULL;
	n = rd32(h + 20);
	if (n > (hlen - 48) / 24)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = h + 48 + 24 * (size_t)i;
		const char *key, *val;

		if ((int32_t)rd32(e) != LDCACHE_X86_64_LIBC6)
			continue;
		key = cache_str(h, hlen, rd32(e + 4));
		if (key == NULL || strcmp(key, name) != 0)
			continue;
		if ((val = cache_str(h, hlen, rd32(e + 8))) == NULL)
			continue;
		if (rd64(e + 16) == 0)
			return val;
		if (found == NULL)
			found = val;
	}
	return found;
}

static const char *
cache_find(const char *name)
{
	static uint8_t *cache;
	static size_t len;
	static bool tried;

	if (!tried) {
		FILE *f = fopen(LDCACHE_PATH, "re");
		struct stat st;

		tried = true;
		if (f != NULL && fstat(fileno(f), &st) == 0 && st.st_size > 0 &&
		    st.st_size < (64 << 20) &&
		    (cache = malloc((size_t)st.st_size)) != NULL) {
			len = fread(cache, 1, (size_t)st.st_size, f);
		}
		if (f != NULL)
			fclose(f);
	}
	return cache != NULL ? ldcache_lookup(cache, len, name) : NULL;
}

/* An x86-64 ELF object ld.so would take. */
static bool
usable(const char *path)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) &&
	    memcmp(h, "\177ELF", 4) == 0 && h[4] == 2 && h[5] == 1 &&
	    h[18] == 62 && h[19] == 0;
	close(fd);
	return ok;
}

/* The directory of an object, for $ORIGIN. */
static void
origin_of(const struct sobj *o, char *buf, size_t len)
{
	char real[PATH_MAX];
	char *slash;

	if (realpath(o->path, real) == NULL)
		snprintf(real, sizeof(real), "%s", o->path);
	snprintf(buf, len, "%s", real);
	if ((slash = strrchr(buf, '/')) != NULL)
		*(slash == buf ? slash + 1 : slash) = '\0';
	else
		snprintf(buf, len, ".");
}

/* One search directory with $ORIGIN, $LIB and $PLATFORM expanded. */
static void
expand(const char *dir, size_t dlen, const struct sobj *o, char *out,
    size_t olen)
{
	static const struct { const char *tok, *braced; } toks[] = {
		{ "$ORIGIN", "${ORIGIN}" }, { "$LIB", "${LIB}" },
		{ "$PLATFORM", "${PLATFORM}" },
	};
	size_t n = 0;

	for (size_t i = 0; i < dlen && n + 1 < olen;) {
		const char *val = NULL;
		size_t used = 0;
		char origin[PATH_MAX];

		for (size_t t = 0; t < 3 && val == NULL; t++) {
			const char *cand[2] = { toks[t].tok, toks[t].braced };

			for (int c = 0; c < 2; c++) {
				size_t l = strlen(cand[c]);

				if (dlen - i >= l && memcmp(dir + i, cand[c], l) == 0) {
					used = l;
					if (t == 0) {
						origin_of(o, origin,
						    sizeof(origin));
						val = origin;
					} else {
						val = t == 1 ?
						    "lib/x86_64-linux-gnu" :
						    "x86_64";
					}
					break;
				}
			}
		}
		if (val == NULL) {
			out[n++] = dir[i++];
			continue;
		}
		n += (size_t)snprintf(out + n, olen - n, "%s", val);
		if (n >= olen)
			n = olen - 1;
		i += used;
	}
	out[n] = '\0';
}

/* Try name in each directory of a ':'-separated list. */
static char *
try_list(const char *list, const char *name, const struct sobj *o)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *colon = strchr(p, ':');
		size_t dlen = colon != NULL ? (size_t)(colon - p) : strlen(p);
		char dir[PATH_MAX], path[PATH_MAX * 2];

		expand(p, dlen, o, dir, sizeof(dir));
		/* an empty entry is the current directory, as in ld.so */
		snprintf(path, sizeof(path), "%s/%s", dir[0] ? dir : ".", name);
		if (usable(path))
			return strdup(path);
		p = colon != NULL ? colon + 1 : NULL;
	}
	return NULL;
}

char *
deps_find(const char *name, struct sobj *const *chain, int nchain)
{
	const struct sobj *by = chain[0];
	const char *env = getenv("LD_LIBRARY_PATH"), *c;
	char *r;

	if (strchr(name, '/') != NULL)
		return usable(name) ? strdup(name) : NULL;
	if (by->runpath == NULL)
		for (int i = 0; i < nchain; i++)
			if (chain[i]->rpath != NULL && chain[i]->runpath == NULL &&
			    (r = try_list(chain[i]->rpath, name, chain[i])) != NULL)
				return r;
	if (env != NULL && (r = try_list(env, name, by)) != NULL)
		return r;
	if (by->runpath != NULL && (r = try_list(by->runpath, name, by)) != NULL)
		return r;
	if (by->nodeflib)
		return NULL;
	if ((c = cache_find(name)) != NULL && usable(c))
		return strdup(c);
	for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]);
	    i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", default_dirs[i], name);
		if (usable(path))
			return strdup(path);
	}
	return NULL;
}
