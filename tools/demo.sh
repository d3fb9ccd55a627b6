#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# make demo: run a real program under lxrun, print its file and descriptor
# syscalls as strace would and the compatibility report at exit.  Builds
# nothing itself (make demo builds ./lxrun first).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
[ -x "$LXRUN" ] || { echo "demo: no $LXRUN; run make demo" >&2; exit 1; }

TRACE=$(mktemp "${TMPDIR:-/tmp}/lxrun-demo.XXXXXX") || exit 1
trap 'rm -f "$TRACE"' EXIT

# say CMD...: show a command, then run it.
say() {
	echo
	echo "\$ $*"
	"$@"
}

echo "lxrun runs a Linux x86-64 program under a ptrace supervisor that"
echo "answers some of its system calls itself, as a BSD Linux-compat layer"
echo "would, and reports what such a layer would lack for it."

# Real programs: ionice lowers its I/O priority (ioprio_set, which NetBSD's
# compat_linux lacks and lxrun emulates), then execs ls -l (stat, openat,
# getrandom ...).  Shown: their file and descriptor calls and those two.
# (LC_ALL=C keeps the trace free of locale file look-ups.)
IONICE=$(command -v ionice || echo /usr/bin/ionice)
LC_ALL=C
export LC_ALL
say "$LXRUN" --trace -o "$TRACE" -e trace=%file,%desc,ioprio_set,getrandom \
    --report "$IONICE" -c 2 -n 5 /bin/ls -l /etc/hostname
st=$?
echo
echo "--- the trace, from $TRACE:"
cat "$TRACE"

# A shell pipeline with a child or two, the -c summary table.
echo
echo "\$ $LXRUN -c -- sh -c 'ls /usr/include | grep -c \"\\.h\$\"'"
"$LXRUN" -c -- sh -c 'ls /usr/include | grep -c "\.h$"'

# The table lxrun works from, for a few rows.
echo
echo "\$ $LXRUN --list-syscalls | grep -E ' (getrandom|epoll_pwait|ioprio_set) '"
"$LXRUN" --list-syscalls | grep -E ' (getrandom|epoll_pwait|ioprio_set) '
exit $st
