/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * strace's other qualifiers, read as strace reads them: -e status=SET
 * (which completed calls are printed), -e signal=SET (which signals get
 * a "--- SIG... ---" line) and -e quiet=SET (which information lines are
 * left out).  A SET is [!]value[,value]...; "all" and "none" mean what
 * they say and a leading '!' negates the whole set.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trace/print.h"

/* A value's bits, or 0 for a word this qualifier does not know. */
typedef uint64_t word_bits_fn(const char *w);

static int
parse_set(const char *spec, const char *what, uint64_t all,
    word_bits_fn *bits_of, uint64_t *out, char *err, size_t errlen)
{
	char word[64];
	uint64_t set = 0;
	bool negate = false;
	const char *s = spec, *comma;

	while (*s == '!') {
		negate = !negate;
		s++;
	}
	if (*s == '\0') {
		snprintf(err, errlen, "empty %s set", what);
		return -1;
	}
	for (; *s != '\0'; s = *comma ? comma + 1 : comma) {
		size_t n;
		uint64_t b;

		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		n = (size_t)(comma - s);
		if (n == 0)
			continue;
		if (n >= sizeof(word)) {
			snprintf(err, errlen, "invalid %s '%.*s'", what,
			    (int)n, s);
			return -1;
		}
		memcpy(word, s, n);
		word[n] = '\0';
		if (strcmp(word, "all") == 0) {
			set = all;
			continue;
		}
		if (strcmp(word, "none") == 0)
			continue;
		if ((b = bits_of(word)) == 0) {
			snprintf(err, errlen, "invalid %s '%s'", what, word);
			return -1;
		}
		set |= b;
	}
	*out = negate ? all & ~set : set;
	return 0;
}

static uint64_t
status_bits(const char *w)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "successful", LX_STATUS_SUCCESSFUL },
		{ "failed", LX_STATUS_FAILED },
		{ "unfinished", LX_STATUS_UNFINISHED },
		{ "unavailable", LX_STATUS_UNAVAILABLE },
		{ "detached", LX_STATUS_DETACHED },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i].name) == 0)
			return names[i].bit;
	return 0;
}

int
lx_trace_status_parse(const char *spec, char *err, size_t errlen)
{
	uint64_t set;

	if (parse_set(spec, "status", LX_STATUS_ALL, status_bits, &set, err,
	    errlen) < 0)
		return -1;
	lx_opt.status_set = (unsigned)set;
	return 0;
}

/* A signal by number, or by name with or without "SIG", any case. */
static uint64_t
signal_bits(const char *w)
{
	if (isdigit((unsigned char)*w)) {
		char *end;
		long n = strtol(w, &end, 10);

		if (*end != '\0' || n < 1 || n > 64)
			return 0;
		return 1ULL << (n - 1);
	}
	if (strncasecmp(w, "SIG", 3) == 0)
		w += 3;
	for (int sig = 1; sig <= 64; sig++) {
		const char *name = lx_signame(sig);

		if (name != NULL && strcasecmp(w, name + 3) == 0)
			return 1ULL << (sig - 1);
	}
	/* the other names Linux gives the same numbers */
	if (strcasecmp(w, "IOT") == 0)
		return 1ULL << (6 - 1);
	if (strcasecmp(w, "POLL") == 0)
		return 1ULL << (29 - 1);
	return 0;
}

int
lx_trace_signal_parse(const char *spec, char *err, size_t errlen)
{
	return parse_set(spec, "signal", ~(uint64_t)0, signal_bits,
	    &lx_opt.signal_set, err, errlen);
}

static uint64_t
quiet_bits(const char *w)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
		{ "attach", LX_QUIET_ATTACH },
		{ "exit", LX_QUIET_EXIT },
		{ "exits", LX_QUIET_EXIT },
		{ "personality", LX_QUIET_PERSONALITY },
		{ "path-resolution", LX_QUIET_PATH_RESOLUTION },
		{ "thread-execve", LX_QUIET_THREAD_EXECVE },
		{ "superseded", LX_QUIET_THREAD_EXECVE },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i].name) == 0)
			return names[i].bit;
	return 0;
}

int
lx_trace_quiet_parse(const char *spec, char *err, size_t errlen)
{
	uint64_t set;

	if (parse_set(spec, "quiet", LX_QUIET_ALL, quiet_bits, &set, err,
	    errlen) < 0)
		return -1;
	lx_opt.quiet = (unsigned)set;
	return 0;
}

bool
lx_trace_signal_shown(int sig)
{
	return sig >= 1 && sig <= 64 &&
	    (lx_opt.signal_set >> (sig - 1) & 1) != 0;
}
