#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A program that leaves a background child behind: lxrun keeps serving it
# (as strace -f, it returns when every descendant has exited) and no
# signal is swallowed meanwhile (issue 17, issue 20 item 3): SIGTERM,
# SIGHUP or SIGUSR1 to lxrun after the program exited ends the child and
# lxrun, which returns the program's own status.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
tmp=$(lx_tmpdir)

# (not SIGINT: a background command of sh starts with it ignored)
for sig in TERM HUP USR1; do
	"$LXRUN" -- sh -c "sleep 300 & echo \$! >$tmp/child; exit 3" \
	    </dev/null >"$tmp/out" 2>"$tmp/err" &
	lx=$!
	wait_until 10 test -s "$tmp/child" || fail "the background child never ran"
	sleep 0.3
	is_gone "$lx" && fail "lxrun returned while the child still ran"
	kill "-$sig" "$lx"
	wait_until 10 is_gone "$lx" ||
	    { kill -KILL "$lx"; fail "SIG$sig to lxrun was swallowed"; }
	wait "$lx"
	st=$?
	[ "$st" = 3 ] || fail "SIG$sig: lxrun returned $st, not the program's 3"
	is_gone "$(cat "$tmp/child")" || fail "SIG$sig did not reach the child"
	rm -f "$tmp/child"
	echo "SIG$sig after the program exited: child ended, lxrun returned 3"
done
