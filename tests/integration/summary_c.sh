#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# -c prints a table at exit like strace -c: a header with calls and errors,
# a row per syscall with the right counts (getppid 10 calls, syscall 500 2
# calls 2 errors, openat's ENOENT counted as an error), how it was served,
# and a total row.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog calls)
tmp=$(lx_tmpdir)

(cd "$tmp" && exec timeout -k 5 30 "$LXRUN" -c -- "$prog") </dev/null \
    >"$tmp/out" 2>"$tmp/table" || { cat "$tmp/table" >&2;
    fail "lxrun -c failed"; }
[ "$(cat "$tmp/out")" = "done" ] || fail "the guest's stdout changed"
cat "$tmp/table"

# row NAME: the table row for NAME (its last field, as in strace -c).
row() {
	awk -v n="$1" '$NF == n || $(NF-1) == n' "$tmp/table"
}
grep -Eq 'calls[[:space:]]+errors' "$tmp/table" ||
    fail "no header with calls and errors"
grep -Eq 'served' "$tmp/table" || fail "no column for how calls were served"
grep -Eq '^-+' "$tmp/table" || fail "no separator lines"
grep -Eq 'total' "$tmp/table" || fail "no total row"
r=$(row getppid)
[ -n "$r" ] || fail "no getppid row"
echo "$r" | grep -Eq '[[:space:]]10[[:space:]]' || fail "getppid: not 10 calls: $r"
echo "$r" | grep -q native || fail "getppid not shown native: $r"
# The program makes 3; glibc's start-up may make one more.
r=$(row getrandom)
echo "$r" | grep -Eq '[[:space:]][34][[:space:]]' ||
    fail "getrandom: not 3 (or 4) calls: $r"
echo "$r" | grep -q emulated || fail "getrandom not shown emulated: $r"
r=$(row openat)
[ -n "$r" ] || fail "no openat row"
echo "$r" | grep -Eq '[[:space:]][1-9][0-9]*[[:space:]]+[1-9][0-9]*[[:space:]]' ||
    fail "openat: the ENOENT is not counted as an error: $r"
r=$(awk '/syscall_0x1f4|syscall_500/' "$tmp/table")
echo "$r" | grep -Eq '[[:space:]]2[[:space:]]+2[[:space:]]' ||
    fail "syscall 500: not 2 calls 2 errors: $r"
echo "$r" | grep -q unsupported || fail "syscall 500 not unsupported: $r"
