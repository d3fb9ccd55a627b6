/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * -X raw|abbrev|verbose (strace's --const-print-style): how a named
 * constant or a set of flags prints.  A printer marks where a constant's
 * text starts, prints it as it always does (abbrev), and closes the mark
 * with the raw value; the close then leaves the names (abbrev), puts the
 * number in their place (raw), or puts the number followed by the names
 * as a comment (verbose), as strace does: AT_FDCWD, -100, or -100 with
 * AT_FDCWD in a comment; O_RDONLY|O_CLOEXEC, 0x80000, or 0x80000 with
 * O_RDONLY|O_CLOEXEC in a comment.
 *
 * Marks nest: a printer made of others (open flags are an access mode and
 * flags) marks the whole and the inner marks do nothing, so the whole
 * value gets one number.  Text without a name (a number the tables do not
 * know) stays as it is.  The trace is printed by the supervisor's one
 * thread, so the nesting depth is a plain static.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/print.h"

static int depth;

size_t
lx_const_begin(struct lx_sbuf *b)
{
	depth++;
	return b->len;
}

/* Does the text name something?  Numbers print lowercase hex only. */
static bool
has_name(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s >= 'A' && *s <= 'Z') || *s == '_')
			return true;
	return false;
}

void
lx_const_end(struct lx_sbuf *b, size_t at, uint64_t v, enum lx_const_fmt fmt)
{
	char num[32];
	char *names;

	if (depth > 0)
		depth--;
	if (depth > 0 || lx_opt.xstyle == LX_XSTYLE_ABBREV || at > b->len)
		return;
	switch (fmt) {
	case LX_CONST_DEC:
		snprintf(num, sizeof(num), "%lld", (long long)v);
		break;
	case LX_CONST_UDEC:
		snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
		break;
	case LX_CONST_OCT:
		snprintf(num, sizeof(num), "%#03llo", (unsigned long long)v);
		break;
	case LX_CONST_HEX:
	default:
		snprintf(num, sizeof(num), "%#llx", (unsigned long long)v);
		break;
	}
	/* nothing named (a number the tables do not know): as it is */
	if (!has_name(b->s + at))
		return;
	if (lx_opt.xstyle == LX_XSTYLE_RAW) {
		b->len = at;
		b->s[at] = '\0';
		sb_puts(b, num);
		return;
	}
	if ((names = strdup(b->s + at)) == NULL)
		abort();	/* as sb_grow: the supervisor needs memory */
	b->len = at;
	b->s[at] = '\0';
	sb_printf(b, "%s /* %s */", num, names);
	free(names);
}
