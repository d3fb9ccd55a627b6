#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun -p PID (issue 20 item 5): attach to a running process and trace
# its calls, as strace -p does; SIGINT to lxrun detaches and leaves the
# process running, untraced; lxrun also ends when the process does; a pid
# that cannot be attached is an error on stderr with status 125.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
tmp=$(lx_tmpdir)

# A process that keeps making calls: writes and a child every 0.1 s.
sh -c 'while :; do echo tick >/dev/null; sleep 0.1; done' &
victim=$!
sleep 0.3
"$LXRUN" -p "$victim" -o "$tmp/trace" 2>"$tmp/err" &
lx=$!
wait_until 10 file_has "$tmp/trace" 'write\(1, "tick\\n", 5\) = 5' ||
    { kill "$victim"; kill -KILL "$lx"; cat "$tmp/err" >&2;
      fail "no write of the attached process traced"; }
grep -q "Process $victim attached" "$tmp/err" || fail "no attach message"
kill -INT "$lx"
wait "$lx"
st=$?
[ "$st" = 0 ] || { kill "$victim"; fail "lxrun -p returned $st after SIGINT"; }
is_gone "$victim" && fail "the attached process died with lxrun"
tracer=$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$victim/status")
[ "$tracer" = 0 ] || { kill "$victim"; fail "still traced after detach"; }
grep -q "clone\|execve" "$tmp/trace" ||
    { kill "$victim"; fail "the process's children were not followed"; }
kill "$victim"
wait "$victim" 2>/dev/null
echo "attached, traced writes and children, detached on SIGINT"

# lxrun ends when the attached process does.
sh -c 'sleep 0.5; exit 3' &
victim=$!
"$LXRUN" -p "$victim" -o "$tmp/trace2" 2>"$tmp/err2"
st=$?
[ "$st" = 0 ] || fail "lxrun -p returned $st when the process exited"
grep -q "exited with 3" "$tmp/trace2" || fail "no exit line in the trace"
echo "ended with the process (its exit traced)"

# A process that cannot be attached.
"$LXRUN" -p 99999999 2>"$tmp/err4"
st=$?
[ "$st" = 125 ] || fail "an invalid pid gave status $st, not 125"
echo "an invalid pid: status 125, $(cat "$tmp/err4")"
