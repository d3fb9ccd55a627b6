#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A guest that stops itself with SIGSTOP really stops (its state is T, or
# t while lxrun holds it in a group-stop with PTRACE_LISTEN), and `kill
# -CONT` from outside continues it: output and status as natively.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog stop_self)
tmp=$(lx_tmpdir)

guest_pid() {
	[ -s "$1/pid" ] && cat "$1/pid"
}

for mode in native lxrun; do
	d="$tmp/$mode"
	mkdir -p "$d/cwd"
	if [ "$mode" = native ]; then
		(cd "$d/cwd" && exec "$prog" "$d/pid") </dev/null \
		    >"$d/out" 2>"$d/err" &
	else
		(cd "$d/cwd" && exec "$LXRUN" -- "$prog" "$d/pid") \
		    </dev/null >"$d/out" 2>"$d/err" &
	fi
	runner=$!
	wait_until 10 guest_pid "$d" || { kill -KILL $runner;
	    fail "$mode: no pid file"; }
	gpid=$(guest_pid "$d")
	if ! wait_until 10 is_stopped "$gpid"; then
		kill -KILL "$runner" "$gpid" 2>/dev/null
		fail "$mode: guest $gpid never stopped (state" \
		    "$(proc_state "$gpid"))"
	fi
	# Stopped for a while: it must stay stopped until continued.
	sleep 0.2
	is_stopped "$gpid" ||
	    fail "$mode: guest left the stop by itself ($(proc_state "$gpid"))"
	echo "$mode: guest $gpid state $(proc_state "$gpid")"
	kill -CONT "$gpid"
	wait $runner
	echo $? >"$d/status"
done
compare_runs "$tmp/native" "$tmp/lxrun" || fail "differs from native"
