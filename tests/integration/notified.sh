#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Calls a handler answers at once (getrandom of a slice, epoll_wait with
# timeout 0) are served from a seccomp notification, not a ptrace stop
# (src/tracer/notify.c).  The proof is lxrun's own calls (strace of
# lxrun, not of its program): 500 more of each add about 1,000 answers
# sent on the listener (SECCOMP_IOCTL_NOTIF_SEND) and no stop
# (PTRACE_GET_SYSCALL_INFO); a 2 MiB getrandom is served too.  With
# --no-notify and with --trap=all they all stop, and the trace shows
# them served either way.  A program's own seccomp listener fails with
# EBUSY unless --no-notify is given.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
command -v strace >/dev/null 2>&1 || { echo "SKIP: no strace"; exit 77; }
prog=$(build_prog notified)
tmp=$(lx_tmpdir)
rc=0
no_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# count N OPTIONS...: "SENDS STOPS" of lxrun for notified N
count() {
	_n=$1
	shift
	ASAN_OPTIONS=$no_lsan strace -o "$tmp/st" -e trace=ioctl,ptrace \
	    "$LXRUN" "$@" "$prog" "$_n" >"$tmp/out" 2>"$tmp/err" ||
	    { echo "FAIL: lxrun $* $prog $_n failed"; cat "$tmp/err"; } \
	    >>"$tmp/fails"
	[ -s "$tmp/out" ] &&
	    { echo "FAIL: lxrun $* $prog $_n:"; cat "$tmp/out"; } >>"$tmp/fails"
	echo "$(grep -c 'SECCOMP_IOCTL_NOTIF_SEND' "$tmp/st")" \
	    "$(grep -c 'PTRACE_GET_SYSCALL_INFO' "$tmp/st")"
}

# shellcheck disable=SC2046 # two numbers, split on purpose
set -- $(count 1)
s1=$1 t1=$2
# shellcheck disable=SC2046 # two numbers, split on purpose
set -- $(count 501)
s501=$1 t501=$2
# shellcheck disable=SC2046 # two numbers, split on purpose
set -- $(count 501 --no-notify)
n501=$1 nt501=$2
[ -s "$tmp/fails" ] && { cat "$tmp/fails"; rc=1; }
echo "answers sent: $s1 for 1 call of each, $s501 for 501;" \
    "stops: $t1 and $t501; --no-notify: $n501 answers, $nt501 stops"
[ "$((s501 - s1))" -ge 1000 ] ||
    { echo "FAIL: 1,000 more calls were not answered by notification"; rc=1; }
[ "$((t501 - t1))" -le 2 ] ||
    { echo "FAIL: the notified calls stopped the program"; rc=1; }
[ "$n501" = 0 ] && [ "$((nt501 - t1))" -ge 1000 ] ||
    { echo "FAIL: --no-notify did not serve them at stops"; rc=1; }

# Traced: each call is shown served by lxrun, both ways.
for how in --trap=filtered --trap=all; do
	"$LXRUN" $how --trace-format=json -o "$tmp/trace.json" "$prog" 3 \
	    >"$tmp/out.t" || { echo "FAIL: lxrun $how failed"; rc=1; }
	[ -s "$tmp/out.t" ] && { echo "FAIL: $how:"; cat "$tmp/out.t"; rc=1; }
	r=$(grep -c '"name":"getrandom".*"ret":16,.*"served":"emulated"' \
	    "$tmp/trace.json")
	e=$(grep -c '"name":"epoll_wait".*"ret":1,.*"served":"emulated"' \
	    "$tmp/trace.json")
	b=$(grep -c '"name":"getrandom".*"ret":2097152,.*"served":"emulated"' \
	    "$tmp/trace.json")
	[ "$r" = 3 ] && [ "$e" = 3 ] && [ "$b" = 1 ] ||
	    { echo "FAIL: $how traced $r getrandom, $e epoll_wait, $b long" \
	    "getrandom"; rc=1; }
done

# A filter chain has one listener: lxrun's takes it, so a program's own
# fails with EBUSY (docs/semantics.md), and lxrun says what to do.
lis=$(build_prog own_listener)
[ "$("$lis")" = "listener: made" ] ||
    { echo "SKIP: no seccomp listener natively here"; exit $rc; }
"$LXRUN" "$lis" >"$tmp/lis.out" 2>"$tmp/lis.err"
grep -q 'listener: Device or resource busy' "$tmp/lis.out" &&
    grep -q 'run lxrun with --no-notify' "$tmp/lis.err" ||
    { echo "FAIL: own listener under lxrun:"; cat "$tmp/lis.out" \
    "$tmp/lis.err"; rc=1; }
[ "$("$LXRUN" --no-notify "$lis")" = "listener: made" ] ||
    { echo "FAIL: own listener under lxrun --no-notify"; rc=1; }
exit $rc
