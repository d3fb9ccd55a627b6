/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The absolute paths of the watched directories, as the supervisor sees
 * them (the /proc link of each watch's fd): a traced call whose path is
 * DIR/NAME with DIR one of them needs no lookup of DIR, only one readlink
 * that proves the watch is still there.  A guess, never trusted alone: a
 * call placed this way (a pending one, calls.c) makes its events only
 * once the watched directory itself shows its change; a guest that sees
 * the file system otherwise (a chroot) and names another directory the
 * same way is not seen changing it, and its change comes through the
 * host's notes as anyone else's would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"

#define DC_BUCKETS 256

struct dc_ent {
	struct dc_ent *next;
	struct ino_watch *w;
	char path[];
};

static struct dc_ent *tab[DC_BUCKETS];

static unsigned
hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h % DC_BUCKETS;
}

/* The watch's directory's path now, or false. */
static bool
path_of(const struct ino_watch *w, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	if (w->self.fd < 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", w->self.fd);
	n = readlink(link, buf, len - 1);
	if (n <= 0 || buf[0] != '/')
		return false;
	buf[n] = '\0';
	return strstr(buf, " (deleted)") == NULL;
}

void
ino_dircache_del(struct ino_watch *w)
{
	struct dc_ent **pp, *e;

	for (int i = 0; i < DC_BUCKETS; i++)
		for (pp = &tab[i]; (e = *pp) != NULL;) {
			if (e->w == w) {
				*pp = e->next;
				free(e);
				continue;
			}
			pp = &e->next;
		}
}

void
ino_dircache_add(struct ino_watch *w)
{
	char path[INO_PATH_MAX];
	struct dc_ent *e;
	size_t len;
	unsigned h;

	if (!w->isdir || !path_of(w, path, sizeof(path)))
		return;
	len = strlen(path);
	h = hash(path);
	for (e = tab[h]; e != NULL; e = e->next)
		if (e->w == w && strcmp(e->path, path) == 0)
			return;
	if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
		return;
	memcpy(e->path, path, len + 1);
	e->w = w;
	e->next = tab[h];
	tab[h] = e;
}

struct ino_watch *
ino_dircache_find(const char *dir)
{
	char now[INO_PATH_MAX];
	struct dc_ent *e;

	if (dir[0] != '/')
		return NULL;
	for (e = tab[hash(dir)]; e != NULL; e = e->next)
		if (strcmp(e->path, dir) == 0)
			break;
	if (e == NULL)
		return NULL;
	if (!e->w->dead && !e->w->released && path_of(e->w, now, sizeof(now)) &&
	    strcmp(now, dir) == 0)
		return e->w;
	/* Moved (or gone): forget the old path, learn the new one. */
	{
		struct ino_watch *w = e->w;

		ino_dircache_del(w);
		if (!w->dead && !w->released)
			ino_dircache_add(w);
	}
	return NULL;
}

static void
learn_one(struct ino_watch *w, void *arg)
{
	(void)arg;
	ino_dircache_del(w);
	ino_dircache_add(w);
}

void
ino_dircache_learn(const struct ino_look *p)
{
	if (p->err == 0)
		ino_each_dir_watch(p->dev, p->ino, learn_one, NULL);
}
