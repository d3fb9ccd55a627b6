#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A real daemon under lxrun (issue 20 item 3): redis-server --daemonize
# yes (Debian's redis-server) forks, its parent exits 0, and the daemon
# goes on serving on epoll.
#   1. lxrun -D returns 0 at once, as the program does natively; the
#      daemon is still traced, answers redis-cli (SET/GET), its epoll
#      calls are served by lxrun ("emulated" in the JSON trace written
#      after the parent exited), and SHUTDOWN ends it and the detached
#      tracer;
#   2. without -D, lxrun waits for the daemon as strace -f does, and
#      "timeout 5 lxrun redis-server --daemonize yes" ends at 5 s: the
#      SIGTERM sent to lxrun reaches the daemon (redis's own shutdown is
#      in its log), lxrun ends, nothing is left.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"
need_lxrun
need_pkg redis-server redis-server
need_pkg redis-cli redis-tools
private_netns
tmp=$(lx_tmpdir)
port=$("$PYTHON" "$PROGTOOL" freeports 1)

redis() {	# redis NAME LXRUN-OPTIONS...: start a daemonizing redis
	n=$1
	shift
	"$@" redis-server --daemonize yes --port "$port" --bind 127.0.0.1 \
	    --dir "$tmp" --pidfile "$tmp/$n.pid" --logfile "$tmp/$n.log" \
	    --save "" --appendonly no
}
cli() {
	timeout -k 5 20 redis-cli -p "$port" "$@"
}

# 1. lxrun -D.
t0=$(now_s)
redis d timeout -k 5 30 "$LXRUN" -D --trap=filtered --trace-format=json \
    -o "$tmp/d.trace" -e trace=epoll_create,epoll_ctl,epoll_wait \
    >"$tmp/d.out" 2>&1
st=$?
took=$(elapsed "$t0")
[ "$st" = 0 ] || { cat "$tmp/d.out"; fail "lxrun -D redis-server: $st"; }
[ -s "$tmp/d.out" ] && fail "lxrun -D said: $(cat "$tmp/d.out")"
echo "lxrun -D redis-server --daemonize yes: exit 0 in $took s"
wait_until 20 test -s "$tmp/d.pid" || fail "no pid file from the daemon"
daemon=$(cat "$tmp/d.pid")
tracer=$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$daemon/status")
[ -n "$tracer" ] && [ "$tracer" != 0 ] || fail "the daemon is not traced"
wait_until 20 sh -c "redis-cli -p $port ping 2>/dev/null | grep -q PONG" ||
    fail "the daemon does not answer"
[ "$(cli set k lxrun)" = OK ] && [ "$(cli get k)" = lxrun ] ||
    fail "SET/GET"
echo "daemon $daemon, traced by $tracer: PING, SET, GET answered"
cli shutdown nosave >/dev/null 2>&1
wait_until 20 is_gone "$daemon" || fail "the daemon did not shut down"
wait_until 20 is_gone "$tracer" || fail "the detached tracer stayed"
"$PYTHON" "$PROGTOOL" served "$tmp/d.trace" epoll_ctl epoll_wait |
    tee "$tmp/d.served"
grep -q '^epoll_wait emulated=[1-9]' "$tmp/d.served" ||
    fail "the daemon's epoll_wait was not served by lxrun"
echo "SHUTDOWN: the daemon and the detached tracer gone; epoll emulated"

# 2. Without -D, under timeout.
t0=$(now_s)
redis w timeout -k 10 5 "$LXRUN" >"$tmp/w.out" 2>&1 &
tpid=$!
bg_forget "$tpid"
wait_until 20 test -s "$tmp/w.pid" || fail "no pid file (without -D)"
daemon=$(cat "$tmp/w.pid")
wait_until 20 sh -c "redis-cli -p $port ping 2>/dev/null | grep -q PONG" ||
    fail "the daemon does not answer (without -D)"
is_gone "$tpid" && fail "lxrun returned while the daemon lives (without -D)"
echo "without -D: lxrun waits while daemon $daemon serves"
wait "$tpid"
st=$?
took=$(elapsed "$t0")
[ "$st" = 124 ] || fail "timeout 5 lxrun: status $st, want 124 (timed out)"
wait_until 10 is_gone "$daemon" || fail "the daemon outlived lxrun's SIGTERM"
grep -q 'Received SIGTERM scheduling shutdown' "$tmp/w.log" ||
    { tail -5 "$tmp/w.log"; fail "the daemon did not get SIGTERM"; }
[ -s "$tmp/w.out" ] && fail "lxrun said: $(cat "$tmp/w.out")"
echo "timeout 5 lxrun: ended after $took s; the SIGTERM reached the daemon," \
    "which shut down"
echo PASS
