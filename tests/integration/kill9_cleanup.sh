#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# If lxrun dies (SIGKILL), its guest and every descendant die with it
# (PTRACE_O_EXITKILL) within a second and nothing is left stopped, whether
# they were idle or in the middle of trapped syscalls.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog spawner)
tmp=$(lx_tmpdir)
NCHILD=3
NPROC=$((1 + 2 * NCHILD))

have_all_pids() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$NPROC" ]
}

all_gone() {
	for p in $(cat "$1"); do
		is_gone "$p" || return 1
	done
	return 0
}

# round NAME LXRUN-OPTIONS...: start the tree, SIGKILL lxrun, check.
round() {
	name=$1
	shift
	pids="$tmp/$name.pids"
	"$LXRUN" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	lx=$!
	if ! wait_until 10 have_all_pids "$pids"; then
		kill -KILL "$lx"
		# shellcheck disable=SC2046
		[ -f "$pids" ] && kill -KILL $(cat "$pids") 2>/dev/null
		cat "$tmp/$name.err" >&2
		fail "$name: the guest tree did not start"
	fi
	kill -KILL "$lx"
	wait "$lx"
	st=$?
	[ "$st" = 137 ] || echo "$name: lxrun exit status $st, not 137" >&2
	if ! wait_until 1 all_gone "$pids"; then
		for p in $(cat "$pids"); do
			s=$(proc_state "$p")
			[ -n "$s" ] && echo "$name: pid $p left in state $s" >&2
			kill -KILL "$p" 2>/dev/null
			kill -CONT "$p" 2>/dev/null
		done
		fail "$name: guest processes outlived lxrun"
	fi
	for p in $(cat "$pids"); do
		case $(proc_state "$p") in
		T|t) fail "$name: pid $p left stopped" ;;
		esac
	done
	echo "$name: all $NPROC guest processes gone after lxrun's SIGKILL"
}

round idle -- "$prog" "$tmp/idle.pids" "$NCHILD" idle
round busy -- "$prog" "$tmp/busy.pids" "$NCHILD" busy
round busy-trap-all --trap=all -- "$prog" "$tmp/busy-trap-all.pids" \
    "$NCHILD" busy
round busy-trace --trace -o "$tmp/trace" -- "$prog" "$tmp/busy-trace.pids" \
    "$NCHILD" busy
