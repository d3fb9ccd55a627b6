#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# capstone is loaded only by what disassembles (lxrun scan, a crash
# report), never by a plain run: linked in, its load-time relocations
# cost every lxrun start about 5 ms (issue 19, docs/perf-stop.md).
# lxrun is a static PIE, which ld.so's LD_DEBUG does not see, so the
# files lxrun itself opens are taken from strace (lxrun only, not its
# program: strace without -f).
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
command -v strace >/dev/null 2>&1 || { echo "SKIP: no strace"; exit 77; }
tmp=$(lx_tmpdir)
rc=0
# LeakSanitizer cannot run under strace (the sanitizer build's run)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

opens() {	# opens LOG: the libcapstone files lxrun opened
	grep -o 'open[a-z0-9]*([^"]*"[^"]*libcapstone[^"]*"[^=]*= [0-9][0-9]*' \
	    "$1" | grep -o '"[^"]*"' | sort -u
}

strace -o "$tmp/run.log" -e trace=open,openat,openat2 "$LXRUN" /bin/true ||
    { echo "FAIL: lxrun /bin/true failed"; rc=1; }
grep -q '^+++ exited with 0 +++' "$tmp/run.log" 2>/dev/null ||
    { echo "FAIL: no strace account of the run"; exit 1; }
l=$(opens "$tmp/run.log")
if [ -n "$l" ]; then
	echo "FAIL: a plain run loaded capstone: $l"
	rc=1
else
	echo "plain run: capstone not loaded"
fi

strace -o "$tmp/scan.log" -e trace=open,openat,openat2 "$LXRUN" scan \
    /bin/true >"$tmp/scan.out" || { echo "FAIL: lxrun scan failed"; rc=1; }
l=$(opens "$tmp/scan.log")
[ -n "$l" ] || { echo "FAIL: lxrun scan did not load capstone"; rc=1; }
grep -q 'libc.so.6 .* library  *[1-9]' "$tmp/scan.out" ||
    { echo "FAIL: scan found no syscall sites in libc:"; cat "$tmp/scan.out"
      rc=1; }
echo "scan: $l, libc's syscall sites found"
exit $rc
