#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun -D (issue 20 item 3): the program keeps lxrun's pid and the tracer
# runs detached, so lxrun returns the program's status as soon as the
# program exits, while the child it left behind is still traced and its
# emulated objects still served (the JSON trace shows the child's
# epoll_wait served "emulated" after its parent is gone); the detached
# tracer ends when the child does.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog daemonize)
tmp=$(lx_tmpdir)

start=$(date +%s)
"$LXRUN" -D --trace-format=json -o "$tmp/trace.json" -- "$prog" \
    "$tmp/result" >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" = 3 ] || { cat "$tmp/err" >&2; fail "lxrun -D returned $st, not 3"; }
[ $(( $(date +%s) - start )) -le 2 ] ||
    fail "lxrun -D waited for the program's child"
child=$(cat "$tmp/out")
tracer=$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$child/status" \
    2>/dev/null)
[ -n "$tracer" ] && [ "$tracer" != 0 ] ||
    fail "the child left behind is not traced any more"
echo "program returned 3 at once; its child $child is traced by $tracer"
wait_until 10 test -s "$tmp/result" || fail "the child never finished"
cat "$tmp/result"
grep -q "epoll_wait = 1" "$tmp/result" || fail "the child's epoll failed"
wait_until 10 is_gone "$tracer" || fail "the detached tracer outlived it"
"$PYTHON" "$CHECK_TRACE" "$tmp/trace.json" --emulated epoll_create1 \
    epoll_wait --unsupported --native ||
    fail "the child's epoll was not served by lxrun"
