/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A strict JSON syntax checker for the trace and report tests: returns
 * true when s is exactly one JSON value (RFC 8259), surrounding
 * whitespace allowed.
 */
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stdbool.h>
#include <string.h>

static inline bool jc_value(const char **s, int depth);

static inline void
jc_ws(const char **s)
{
	while (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')
		(*s)++;
}

static inline bool
jc_string(const char **s)
{
	if (**s != '"')
		return false;
	(*s)++;
	for (;;) {
		unsigned char c = (unsigned char)**s;

		if (c == '"') {
			(*s)++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			(*s)++;
			c = (unsigned char)**s;
			if (c == 'u') {
				for (int i = 1; i <= 4; i++) {
					char h = (*s)[i];
					if (!((h >= '0' && h <= '9') ||
					    (h >= 'a' && h <= 'f') ||
					    (h >= 'A' && h <= 'F')))
						return false;
				}
				*s += 4;
			} else if (!strchr("\"\\/bfnrt", c) || c == 0) {
				return false;
			}
		}
		(*s)++;
	}
}

static inline bool
jc_digits(const char **s)
{
	const char *start = *s;

	while (**s >= '0' && **s <= '9')
		(*s)++;
	return *s > start;
}

static inline bool
jc_number(const char **s)
{
	if (**s == '-')
		(*s)++;
	if (**s == '0')
		(*s)++;
	else if (!jc_digits(s))
		return false;
	if (**s == '.') {
		(*s)++;
		if (!jc_digits(s))
			return false;
	}
	if (**s == 'e' || **s == 'E') {
		(*s)++;
		if (**s == '+' || **s == '-')
			(*s)++;
		if (!jc_digits(s))
			return false;
	}
	return true;
}

static inline bool
jc_word(const char **s, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*s, w, n) != 0)
		return false;
	*s += n;
	return true;
}

static inline bool
jc_container(const char **s, int depth, char close, bool object)
{
	(*s)++;
	jc_ws(s);
	if (**s == close) {
		(*s)++;
		return true;
	}
	for (;;) {
		jc_ws(s);
		if (object) {
			if (!jc_string(s))
				return false;
			jc_ws(s);
			if (**s != ':')
				return false;
			(*s)++;
		}
		if (!jc_value(s, depth + 1))
			return false;
		jc_ws(s);
		if (**s == close) {
			(*s)++;
			return true;
		}
		if (**s != ',')
			return false;
		(*s)++;
	}
}

static inline bool
jc_value(const char **s, int depth)
{
	if (depth > 64)
		return false;
	jc_ws(s);
	switch (**s) {
	case '{': return jc_container(s, depth, '}', true);
	case '[': return jc_container(s, depth, ']', false);
	case '"': return jc_string(s);
	case 't': return jc_word(s, "true");
	case 'f': return jc_word(s, "false");
	case 'n': return jc_word(s, "null");
	}
	return jc_number(s);
}

static inline bool
json_valid(const char *s)
{
	if (!jc_value(&s, 0))
		return false;
	jc_ws(&s);
	return *s == '\0';
}

#endif
