#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --spin (src/tracer/loop.c): after resuming a stopped thread lxrun polls
# for its next stop before it sleeps.  The proof is lxrun's own calls
# (strace of lxrun, not of its program), for 300 getppid stops under
# --trap=all: with a long spin the loop sleeps (poll with timeout -1, or
# sigwaitinfo) about never and polls without sleeping instead; with
# --spin=0, with --pin and when lxrun's affinity allows one CPU, it
# sleeps once a stop and never spins (the first case needs two CPUs).
# A bad value is a usage error.
# The timing gain is bench/stopcost's (docs/perf-stop.md, "Spinning").
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
command -v strace >/dev/null 2>&1 || { echo "SKIP: no strace"; exit 77; }
prog=$(build_prog spin_loop)
tmp=$(lx_tmpdir)
rc=0
no_lsan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# count [PREFIX...] -- OPTIONS...: "SLEEPS SPINS" of lxrun for 300 stops
count() {
	_pre=
	while [ "$1" != -- ]; do
		_pre="$_pre $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # the prefix is words on purpose
	ASAN_OPTIONS=$no_lsan $_pre strace -o "$tmp/st" \
	    -e trace=poll,rt_sigtimedwait "$LXRUN" --trap=all "$@" \
	    "$prog" 300 >"$tmp/out" 2>"$tmp/err" ||
	    { echo "FAIL: lxrun $* failed"; cat "$tmp/err"; } >>"$tmp/fails"
	echo "$(grep -cE 'poll\(.*, -1\)|rt_sigtimedwait' "$tmp/st")" \
	    "$(grep -cE 'poll\(.*, 0\)' "$tmp/st")"
}

check() { # check WHAT SLEEPS SPINS: sleeps about once a stop, no spin
	if [ "$2" -lt 300 ] || [ "$3" != 0 ]; then
		echo "FAIL: $1: $2 sleeps, $3 spins (want >= 300 and 0)"
		rc=1
	fi
}

# One CPU: the guest needs it, lxrun never spins (checked below).
if [ "$(nproc)" -ge 2 ]; then
	# shellcheck disable=SC2046 # two numbers, split on purpose
	set -- $(count -- --spin=1000000)
	echo "--spin=1000000: $1 sleeps, $2 spinning polls"
	if [ "$1" -gt 30 ] || [ "$2" -lt 300 ]; then
		echo "FAIL: a long spin still slept at stops"
		rc=1
	fi
else
	echo "one CPU here: the spinning case is left out"
fi
# shellcheck disable=SC2046
set -- $(count -- --spin=0)
check --spin=0 "$1" "$2"
# shellcheck disable=SC2046
set -- $(count -- --pin)
check --pin "$1" "$2"
if command -v taskset >/dev/null 2>&1; then
	# shellcheck disable=SC2046
	set -- $(count taskset -c 0 --)
	check "one CPU (taskset -c 0), default spin" "$1" "$2"
fi

"$LXRUN" --spin=soon true >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" = 125 ] && grep -q -- "--spin takes microseconds" "$tmp/err" ||
    { echo "FAIL: --spin=soon: status $st"; cat "$tmp/err"; rc=1; }
[ -s "$tmp/fails" ] && { cat "$tmp/fails"; rc=1; }
exit $rc
