#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Every signal a user can send to lxrun's pid reaches the program, as it
# would reach the program run from a shell (issue 20 item 2): SIGUSR1,
# SIGUSR2, SIGALRM, SIGWINCH, SIGPIPE, SIGURG, real-time signals...  Only
# those that must act on lxrun itself are not passed on (SIGKILL,
# SIGSTOP, the job-control stops, SIGCHLD, the faults; man page).  lxrun
# must survive each and exit 0 with the program after SIGTERM.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog sig_every)
tmp=$(lx_tmpdir)

# number:name as the program prints it (glibc: SIGRTMIN is 34)
sigs="1:HUP 2:INT 3:QUIT 6:ABRT 10:USR1 12:USR2 13:PIPE 14:ALRM 16:STKFLT
18:CONT 23:URG 24:XCPU 25:XFSZ 26:VTALRM 27:PROF 28:WINCH 29:POLL 30:PWR
34:RT0 35:RT1 39:RT5 63:RT29 64:RT30"

"$LXRUN" -- "$prog" "$tmp/pid" </dev/null >"$tmp/out" 2>"$tmp/err" &
lx=$!
wait_until 10 file_has "$tmp/out" '^ready' ||
    { kill -KILL "$lx"; cat "$tmp/err" >&2; fail "the guest never started"; }
for s in $sigs; do
	num=${s%%:*} want=${s#*:}
	kill "-$num" "$lx" || fail "cannot send signal $num"
	wait_until 5 file_has "$tmp/out" "^got $want\$" ||
	    { kill -KILL "$lx"; cat "$tmp/out" "$tmp/err" >&2;
	      fail "SIG$want ($num) sent to lxrun did not reach the program"; }
	is_gone "$lx" && fail "lxrun died of SIG$want"
done
kill -TERM "$lx"
wait "$lx"
st=$?
[ "$st" = 0 ] || { cat "$tmp/err" >&2; fail "exit status $st, not 0"; }
echo "all $(echo $sigs | wc -w) signals reached the program"
