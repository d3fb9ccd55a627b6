/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -u USER: the user's uid, gid and supplementary groups as the system's
 * name service gives them (getpwnam and getgrouplist would).  lxrun is a
 * static binary, and a static glibc cannot load every NSS module safely
 * (libnss_systemd crashes in one), so the lookup is asked of getent(1),
 * which is dynamic and sees exactly what getpwnam sees: files, systemd,
 * LDAP.  It runs once, before the program starts, and only with -u.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user.h"

extern char **environ;

static const char *const getent_paths[] = {
	"/usr/bin/getent", "/bin/getent", "/usr/sbin/getent",
};

/*
 * Run getent DB KEY: its whole output (malloc'd, NUL-terminated; "" when
 * getent says not found, its exit status 2), or NULL and a message.
 */
static char *
getent(const char *db, const char *key, char *err, size_t errlen)
{
	const char *path = NULL;
	char *argv[4], *buf = NULL;
	posix_spawn_file_actions_t fa;
	size_t used = 0, cap = 0;
	bool oom = false;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	for (size_t i = 0; i < sizeof(getent_paths) / sizeof(*getent_paths);
	    i++)
		if (access(getent_paths[i], X_OK) == 0) {
			path = getent_paths[i];
			break;
		}
	if (path == NULL) {
		snprintf(err, errlen, "no getent(1) to look users up with");
		return NULL;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return NULL;
	}
	argv[0] = (char *)"getent";
	argv[1] = (char *)db;
	argv[2] = (char *)key;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	errno = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (errno != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(p[0]);
		return NULL;
	}
	/* all of it: a user in thousands of groups makes a long line */
	for (;;) {
		if (used + 1 >= cap) {
			size_t want = cap ? 2 * cap : 4096;
			char *b = realloc(buf, want);

			if ((oom = b == NULL))
				break;
			buf = b;
			cap = want;
		}
		if ((n = read(p[0], buf + used, cap - 1 - used)) > 0)
			used += (size_t)n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			free(buf);
			return NULL;
		}
	if (oom) {
		snprintf(err, errlen, "out of memory");
		free(buf);
		return NULL;
	}
	buf[used] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		buf[0] = '\0';	/* not found */
		return buf;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "getent %s %s failed", db, key);
		free(buf);
		return NULL;
	}
	return buf;
}

/* A decimal id ending at a ':', '\n', ' ' or the end; -1 if none. */
static long long
parse_id(const char *s, const char **end)
{
	char *e;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno != 0 || v > 0xfffffffeLL)
		return -1;
	*end = e;
	return v;
}

int
user_lookup(const char *name, struct user_ids *u, char *err, size_t errlen)
{
	char *buf;
	const char *s, *e;
	size_t nl = strlen(name);
	long long v;
	int cap = 64;

	memset(u, 0, sizeof(*u));
	if ((buf = getent("passwd", name, err, errlen)) == NULL)
		return -1;
	/*
	 * name:passwd:uid:gid:...  getent also looks a number up as a uid:
	 * only an entry of that very name is getpwnam's answer.
	 */
	if (strncmp(buf, name, nl) != 0 || buf[nl] != ':' ||
	    (s = strchr(buf + nl + 1, ':')) == NULL ||
	    (v = parse_id(s + 1, &e)) < 0 || *e != ':' ||
	    (u->uid = (uid_t)v, v = parse_id(e + 1, &e)) < 0 || *e != ':') {
		snprintf(err, errlen, "cannot find user '%s'", name);
		free(buf);
		return -1;
	}
	u->gid = (gid_t)v;
	free(buf);
	/* name g1 g2 ...: the supplementary groups, primary first */
	if ((buf = getent("initgroups", name, err, errlen)) == NULL)
		return -1;
	if ((u->groups = calloc((size_t)cap, sizeof(*u->groups))) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(buf);
		return -1;
	}
	u->groups[u->ngroups++] = u->gid;
	s = buf;
	if (strncmp(s, name, nl) == 0 && (s[nl] == ' ' || s[nl] == '\t'))
		s += nl;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '\n')
			break;
		if ((v = parse_id(s, &e)) < 0 ||
		    (*e != ' ' && *e != '\t' && *e != '\n' && *e != '\0')) {
			snprintf(err, errlen, "cannot read the groups of user "
			    "'%s'", name);
			goto fail;
		}
		s = e;
		if ((gid_t)v == u->gid)
			continue;
		if (u->ngroups == cap) {
			gid_t *g = realloc(u->groups,
			    (size_t)cap * 2 * sizeof(*g));

			if (g == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			u->groups = g;
			cap *= 2;
		}
		u->groups[u->ngroups++] = (gid_t)v;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	user_ids_free(u);
	return -1;
}

void
user_ids_free(struct user_ids *u)
{
	free(u->groups);
	u->groups = NULL;
	u->ngroups = 0;
}
