#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Signals sent to lxrun reach the guest as if sent to the guest natively:
# `kill -TERM <lxrun pid>` (and HUP, INT) is caught by a guest that handles
# it, and kills a guest that does not, lxrun then dying by the same signal.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog sig_wait)
tmp=$(lx_tmpdir)

# start MODE DIR ACTION: run sig_wait natively or under lxrun in the
# background with SIGINT at its default (an asynchronous command of a
# non-interactive shell starts with SIGINT ignored); set pid to the
# process to signal.
start() {
	_mode=$1 _dir=$2 _action=$3
	if [ "$_mode" = native ]; then
		set -- "$prog" "$_dir/pid" "$_action"
	else
		set -- "$LXRUN" -- "$prog" "$_dir/pid" "$_action"
	fi
	(cd "$tmp" && exec env --default-signal=INT "$@") </dev/null \
	    >"$_dir/out" 2>"$_dir/err" &
	pid=$!
}

# one SIG ACTION: send SIG to the native program and to lxrun; compare.
one() {
	for mode in native lxrun; do
		d="$tmp/$1-$2-$mode"
		mkdir -p "$d"
		start "$mode" "$d" "$2"
		wait_until 10 file_has "$d/out" '^ready' ||
		    { kill -KILL "$pid"; cat "$d/err" >&2;
		      fail "$mode: sig_wait $2 never became ready"; }
		kill -"$1" "$pid"
		wait "$pid"
		echo $? >"$d/status"
	done
	compare_runs "$tmp/$1-$2-native" "$tmp/$1-$2-lxrun" ||
	    fail "SIG$1 to a guest that does '$2' differs from native"
	echo "SIG$1 $2: status $(cat "$tmp/$1-$2-lxrun/status")," \
	    "output: $(tr '\n' ' ' <"$tmp/$1-$2-lxrun/out")"
}

command env --default-signal=INT true 2>/dev/null ||
    skip "env --default-signal is not available"
for sig in TERM HUP INT; do
	one "$sig" handle
	one "$sig" default
done
