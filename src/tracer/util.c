/* SPDX-License-Identifier: BSD-2-Clause */
/* lxrun's own messages; a supervisor failure kills the guest first. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracer.h"

void
lx_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("lxrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
lx_die(const char *fmt, ...)
{
	va_list ap;

	tracer_kill_all();
	va_start(ap, fmt);
	fputs("lxrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(125);
}
