/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -e trace=SET, as strace reads it: a comma-separated list of syscall
 * names, %classes, /regexes, "all" and "none"; a leading '!' negates the
 * whole set; a name prefixed with '?' is ignored when unknown.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "trace/print.h"

struct tset {
	uint8_t nr[LX_NR_MAX];
	bool unknown;
};

static void
set_all(struct tset *t, bool on)
{
	memset(t->nr, on, sizeof(t->nr));
	t->unknown = on;
}

static int
add_class(struct tset *t, unsigned cls)
{
	for (long nr = 0; nr < LX_NR_MAX; nr++)
		if (lx_sysent_known(nr) && (lx_sysent(nr)->tclass & cls))
			t->nr[nr] = 1;
	return 0;
}

static int
add_regex(struct tset *t, const char *re, char *err, size_t errlen)
{
	regex_t rx;
	int n = 0;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0) {
		snprintf(err, errlen, "invalid regular expression '%s'", re);
		return -1;
	}
	for (long nr = 0; nr < LX_NR_MAX; nr++) {
		if (!lx_sysent_known(nr))
			continue;
		if (regexec(&rx, lx_sysent(nr)->name, 0, NULL, 0) == 0) {
			t->nr[nr] = 1;
			n++;
		}
	}
	regfree(&rx);
	if (n == 0) {
		snprintf(err, errlen, "no syscall matches '/%s'", re);
		return -1;
	}
	return 0;
}

static int
add_word(struct tset *t, const char *w, char *err, size_t errlen)
{
	bool optional = false;
	const struct lx_sysent *ent;

	if (*w == '?') {
		optional = true;
		w++;
	}
	if (strcmp(w, "all") == 0) {
		set_all(t, true);
		return 0;
	}
	if (strcmp(w, "none") == 0)
		return 0;
	if (*w == '/')
		return add_regex(t, w + 1, err, errlen);
	if (*w == '%') {
		unsigned cls = lx_tclass_by_name(w);

		if (cls == 0) {
			if (optional)
				return 0;
			snprintf(err, errlen, "invalid system call class '%s'",
			    w);
			return -1;
		}
		return add_class(t, cls);
	}
	ent = lx_sysent_by_name(w);
	if (ent != NULL && lx_sysent_known(ent->nr)) {
		t->nr[ent->nr] = 1;
		return 0;
	}
	if (optional)
		return 0;
	snprintf(err, errlen, "invalid system call '%s'", w);
	return -1;
}

int
lx_trace_set_parse(const char *spec, char *err, size_t errlen)
{
	static struct tset t;
	char word[256];
	bool negate = false;
	const char *s = spec, *comma;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	else
		errlen = 0;
	if (strncmp(s, "trace=", 6) == 0)
		s += 6;
	else if (strncmp(s, "t=", 2) == 0)
		s += 2;
	while (*s == '!') {
		negate = !negate;
		s++;
	}
	set_all(&t, false);
	if (*s == '\0') {
		snprintf(err, errlen, "empty syscall set");
		return -1;
	}
	for (; *s != '\0'; s = *comma ? comma + 1 : comma) {
		size_t n;

		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		n = (size_t)(comma - s);
		if (n == 0)
			continue;
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "syscall set element too long");
			return -1;
		}
		memcpy(word, s, n);
		word[n] = '\0';
		if (add_word(&t, word, err, errlen) < 0)
			return -1;
	}
	for (long nr = 0; nr < LX_NR_MAX; nr++)
		lx_opt.trace_set[nr] = (uint8_t)(negate ? !t.nr[nr] : t.nr[nr]);
	lx_opt.trace_unknown = negate ? !t.unknown : t.unknown;
	return 0;
}
