#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# capstone is loaded only by what disassembles (lxrun scan, a crash
# report), never by a plain run: linked in, its load-time relocations
# cost every lxrun start about 5 ms (issue 19, docs/perf-stop.md).
# ld.so's own account (LD_DEBUG=libs) says which libraries each run
# loaded.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
tmp=$(lx_tmpdir)
rc=0

loads() {	# loads LOG: the libcapstone files ld.so opened
	grep -o 'calling init: [^ ]*libcapstone[^ ]*' "$1" | sort -u
}

LD_DEBUG=libs LD_DEBUG_OUTPUT="$tmp/run" "$LXRUN" /bin/true ||
    { echo "FAIL: lxrun /bin/true failed"; rc=1; }
cat "$tmp"/run.* >"$tmp/run.log" 2>/dev/null
grep -q 'calling init: .*libc\.so' "$tmp/run.log" ||
    { echo "FAIL: no ld.so account of the run (LD_DEBUG=libs)"; exit 1; }
l=$(loads "$tmp/run.log")
if [ -n "$l" ]; then
	echo "FAIL: a plain run loaded capstone: $l"
	rc=1
else
	echo "plain run: capstone not loaded"
fi

LD_DEBUG=libs LD_DEBUG_OUTPUT="$tmp/scan" "$LXRUN" scan /bin/true \
    >"$tmp/scan.out" || { echo "FAIL: lxrun scan failed"; rc=1; }
cat "$tmp"/scan.* >"$tmp/scan.log" 2>/dev/null
l=$(loads "$tmp/scan.log")
[ -n "$l" ] || { echo "FAIL: lxrun scan did not load capstone"; rc=1; }
grep -q 'libc.so.6 .* library  *[1-9]' "$tmp/scan.out" ||
    { echo "FAIL: scan found no syscall sites in libc:"; cat "$tmp/scan.out"
      rc=1; }
echo "scan: $l, libc's syscall sites found"
exit $rc
