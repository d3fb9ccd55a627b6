#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# epoll under lxrun vs native (prints figures; never fails on speed).
#
#   sh bench/epoll/run.sh
#
# 1. ping-pong over a socketpair, each side in epoll_wait (us per round
#    trip); epoll_wait(timeout 0) with an fd ready and epoll_ctl(MOD): the
#    microseconds one emulated call costs (lxrun minus native); an
#    open/close of /dev/null in a process that has an epoll instance
#    (its opens stop, for /proc fdinfo);
# 2. ptrace stops per epoll_wait: lxrun itself is run under strace, which
#    counts its successful wait4() calls (one per guest stop); the stops of
#    a 0-iteration run are subtracted; the stops per event when two
#    threads wait on one instance (herd.c: the loser's wake-up finds
#    nothing); and lxrun's own syscalls per epoll_ctl (strace -c on lxrun,
#    per name);
# 3. redis-server under lxrun vs the same server natively, loaded by
#    redis-benchmark (SET and GET, 20 clients): requests/s and the ratio.
# Each figure is taken unpinned and with lxrun+guest pinned to CPU 0
# (the load generator on CPU 1), see research/peer-baselines.md.
#
# Knobs: LXBENCH_N (ping-pong round trips, 20000), LXBENCH_CALLS (100000),
# LXBENCH_REDIS_N (requests per test, 200000), LXRUN, CC.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
N=${LXBENCH_N:-20000}
CALLS=${LXBENCH_CALLS:-100000}
RN=${LXBENCH_REDIS_N:-200000}
[ -x "$LXRUN" ] || { echo "no $LXRUN (run make)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "$rpid" ] && kill "$rpid" 2>/dev/null' EXIT
$CC -O2 -o "$tmp/pp" "$ROOT/bench/epoll/pingpong.c" || exit 1
$CC -O2 -pthread -o "$tmp/herd" "$ROOT/bench/epoll/herd.c" || exit 1

num() { sed -n 's/.*: \([0-9.]*\) us each.*/\1/p'; }

echo "== epoll micro-benchmarks (us)"
printf "%-28s %10s %10s %10s %10s\n" "" native lxrun ratio "cost/call"
for pin in "" "taskset -c 0"; do
	for t in "pingpong $N" "wait $CALLS" "ctl $CALLS" "open $CALLS"; do
		# shellcheck disable=SC2086
		nat=$($pin "$tmp/pp" $t | num)
		# shellcheck disable=SC2086
		lx=$($pin "$LXRUN" "$tmp/pp" $t | num)
		label="${t%% *}${pin:+ (pinned cpu0)}"
		awk -v l="$label" -v n="$nat" -v x="$lx" 'BEGIN {
		    printf "%-28s %10.2f %10.2f %9.1fx %10.2f\n", l, n, x,
		    x / n, x - n }'
	done
done

if command -v strace >/dev/null 2>&1; then
	echo "== ptrace stops per epoll_wait (ping-pong, both sides)"
	stops() {
		strace -o "$tmp/st" -e trace=wait4 "$LXRUN" "$tmp/pp" \
		    pingpong "$1" >"$tmp/out" 2>&1
		grep -c ' = [1-9]' "$tmp/st"
	}
	s0=$(stops 0)
	s1=$(stops 2000)
	w=$(sed -n 's/.*, \([0-9]*\) epoll_wait/\1/p' "$tmp/out")
	awk -v a="$s0" -v b="$s1" -v w="$w" 'BEGIN {
	    printf "%d epoll_wait, %d stops: %.2f stops per epoll_wait " \
	    "(1 if the byte of the peer came during the entry stop, " \
	    "2 if the wait parked)\n", w, b - a,
	    (b - a) / w }'
	s1=$(strace -o "$tmp/st" -e trace=wait4 "$LXRUN" "$tmp/pp" wait 2000 \
	    >/dev/null 2>&1; grep -c ' = [1-9]' "$tmp/st")
	s0=$(strace -o "$tmp/st" -e trace=wait4 "$LXRUN" "$tmp/pp" wait 0 \
	    >/dev/null 2>&1; grep -c ' = [1-9]' "$tmp/st")
	awk -v a="$s0" -v b="$s1" 'BEGIN {
	    printf "events ready: %.2f stops per epoll_wait\n", (b - a) / 2000 }'
	# Two waiters parked on one instance, one byte at a time: the
	# waiter that loses finds nothing and parks again.
	s1=$(strace -o "$tmp/st" -e trace=wait4 "$LXRUN" "$tmp/herd" 400 \
	    >/dev/null 2>&1; grep -c ' = [1-9]' "$tmp/st")
	s0=$(strace -o "$tmp/st" -e trace=wait4 "$LXRUN" "$tmp/herd" 0 \
	    >/dev/null 2>&1; grep -c ' = [1-9]' "$tmp/st")
	awk -v a="$s0" -v b="$s1" 'BEGIN {
	    printf "two waiters, 400 bytes one at a time: %.2f stops per " \
	    "byte (both waiters)\n", (b - a) / 400 }'
	echo "== lxrun's own syscalls per epoll_ctl(MOD) (strace -c on lxrun)"
	# lxrun alone is traced (no -f: the guest is lxrun's tracee); the
	# calls of a 0-iteration run are subtracted, per syscall name.
	count() {
		strace -c -o "$tmp/c$1" "$LXRUN" "$tmp/pp" ctl "$1" \
		    >/dev/null 2>&1
		awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" &&
		    $4 ~ /^[0-9]+$/ { print $NF, $4 }' \
		    "$tmp/c$1" | sort
	}
	count 0 >"$tmp/n0"
	count 2000 >"$tmp/n1"
	join -a 2 -e 0 -o 0,1.2,2.2 "$tmp/n0" "$tmp/n1" | awk '
	    { d = ($3 - $2) / 2000; if (d >= 0.05) {
		printf "  %-18s %6.2f\n", $1, d; t += d } }
	    END { printf "  %-18s %6.2f\n", "total", t }'
fi

if command -v redis-server >/dev/null 2>&1 &&
    command -v redis-benchmark >/dev/null 2>&1; then
	echo "== redis-server, redis-benchmark -t set,get -c 20 -n $RN"
	rps() {	# port -> "SET GET"
		$bpin redis-benchmark -p "$1" -t set,get -c 20 -n "$RN" -q 2>/dev/null |
		    tr '\r' '\n' | awk '/requests per second/ {
		    for (i = 1; i <= NF; i++) if ($i == "requests") v = $(i-1);
		    printf "%s ", v }'
	}
	start() {	# port cmd... ; waits until it answers
		port=$1; shift
		"$@" --port "$port" --save "" --appendonly no \
		    --daemonize no >/dev/null 2>&1 &
		rpid=$!
		i=0
		until redis-cli -p "$port" ping >/dev/null 2>&1; do
			sleep 0.1; i=$((i + 1)); [ $i -gt 100 ] && return 1
		done
		return 0
	}
	stop() { redis-cli -p "$1" shutdown nosave >/dev/null 2>&1;
	    wait "$rpid" 2>/dev/null; rpid=; }
	for pin in "" "taskset -c 0"; do
		bpin=${pin:+taskset -c 1}
		# shellcheck disable=SC2086
		start 16391 $pin redis-server || { echo "redis did not start"; break; }
		nat=$(rps 16391)
		stop 16391
		# shellcheck disable=SC2086
		start 16392 $pin "$LXRUN" redis-server || { echo "redis under lxrun did not start"; break; }
		lx=$(rps 16392)
		stop 16392
		echo "$nat $lx" | awk -v p="${pin:+pinned cpu0}" '{
		    printf "%-14s SET native %9.0f lxrun %9.0f ratio %.2fx\n",
		    p == "" ? "unpinned" : p, $1, $3, $3 / $1
		    printf "%-14s GET native %9.0f lxrun %9.0f ratio %.2fx\n",
		    p == "" ? "unpinned" : p, $2, $4, $4 / $2 }'
	done
else
	echo "== redis: redis-server or redis-benchmark not installed, skipped"
fi
