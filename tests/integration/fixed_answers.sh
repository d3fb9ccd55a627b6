#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Calls whose answer is a fixed errno (rseq as the BSD layers answer it,
# numbers Linux does not implement) get it from the seccomp filter: the
# program never stops for them unless something must see them.  The
# proof is lxrun's own count of stops (strace -c of lxrun, not of its
# program): 2,000 more such calls add no stop.  With --trace (so
# --trap=all) they stop again and the trace shows them answered.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
command -v strace >/dev/null 2>&1 || { echo "SKIP: no strace"; exit 77; }
prog=$(build_prog fixed_answers)
tmp=$(lx_tmpdir)
rc=0

expect="$(printf '%s: -1 38\n' 334 236 400 600)"

# LeakSanitizer cannot run under strace (the sanitizer build's run)
no_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# stops N: how many syscall stops lxrun took for fixed_answers N
stops() {
	ASAN_OPTIONS=$no_lsan strace -o "$tmp/st.$1" -e trace=ptrace \
	    "$LXRUN" "$prog" "$1" >"$tmp/out.$1" ||
	    echo "FAIL: lxrun $prog $1 failed" >>"$tmp/fails"
	[ "$(cat "$tmp/out.$1")" = "$expect" ] ||
	    { echo "FAIL: answers for N=$1:"; cat "$tmp/out.$1"; } \
	    >>"$tmp/fails"
	grep -c 'PTRACE_GET_SYSCALL_INFO' "$tmp/st.$1"
}

s1=$(stops 1)
s500=$(stops 500)
[ -s "$tmp/fails" ] && { cat "$tmp/fails"; rc=1; }
echo "stops: $s1 for 1 call of each, $s500 for 500 of each"
[ "$s1" -gt 0 ] 2>/dev/null ||
    { echo "FAIL: no stop counted at all (strace account missing?)"; rc=1; }
[ "$s500" = "$s1" ] ||
    { echo "FAIL: the fixed answers stopped the program"; rc=1; }

# Someone must see them: they stop and are answered by lxrun.
"$LXRUN" --trace --trace-format=json -o "$tmp/trace.json" "$prog" 3 \
    >"$tmp/out.t" || { echo "FAIL: lxrun --trace failed"; rc=1; }
[ "$(cat "$tmp/out.t")" = "$expect" ] ||
    { echo "FAIL: answers under --trace:"; cat "$tmp/out.t"; rc=1; }
# 3 of the program's own, and glibc's at start
n=$(grep -c '"name":"rseq".*"ret":-38,"errno":"ENOSYS","served":"emulated"' \
    "$tmp/trace.json")
[ "$n" -ge 4 ] ||
    { echo "FAIL: the trace shows $n emulated rseq calls, not >= 4"; rc=1; }
echo "traced: $n rseq calls answered by lxrun"
exit $rc
