#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Traffic on a file registered in an epoll instance must not wake the
# supervisor once the instance is known to be ready (its marker byte is
# in): the loop's watch of the instance goes off until a harvest takes
# the byte out (src/epoll/epoll_inst.c, ep_fire).  A busy server's
# clients otherwise woke lxrun once per packet (redis-benchmark: more
# wake-ups than requests).  The proof is lxrun's own calls (strace of
# lxrun, not of its program): 200 more writes, 2 ms apart, while the
# program does not wait, add almost none of the loop's polls; the one
# epoll_wait after them still reports the data.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
command -v strace >/dev/null 2>&1 || { echo "SKIP: no strace"; exit 77; }
prog=$(build_prog epoll_quiet)
tmp=$(lx_tmpdir)
rc=0
no_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# wakes N: lxrun's polls (each one a wake-up of its loop) for N writes
wakes() {
	ASAN_OPTIONS=$no_lsan strace -o "$tmp/st" -e trace=poll,ppoll \
	    "$LXRUN" "$prog" "$1" >"$tmp/out" 2>"$tmp/err" ||
	    { echo "FAIL: lxrun $prog $1:"; cat "$tmp/out" "$tmp/err"; } \
	    >>"$tmp/fails"
	grep -c '^poll\|^ppoll' "$tmp/st"
}

w1=$(wakes 1)
w201=$(wakes 201)
[ -s "$tmp/fails" ] && { cat "$tmp/fails"; rc=1; }
echo "lxrun's polls: $w1 for 1 write, $w201 for 201"
# natively 0 wake-ups; allow a few for timing (the first write's)
[ "$((w201 - w1))" -le 20 ] ||
    { echo "FAIL: the writes woke the supervisor"; rc=1; }
# ... and lxrun's epoll served the calls (with the native one, nothing
# would wake lxrun either)
"$LXRUN" --trap=filtered --trace-format=json -o "$tmp/trace.json" \
    "$prog" 21 >"$tmp/out.t" || { echo "FAIL: traced run"; rc=1; }
for c in '"name":"epoll_create1".*"served":"emulated"' \
    '"name":"epoll_ctl".*"ret":0,.*"served":"emulated"' \
    '"name":"epoll_wait".*"ret":1,.*"served":"emulated"'; do
	grep -q "$c" "$tmp/trace.json" ||
	    { echo "FAIL: no $c in the trace"; rc=1; }
done
exit $rc
