#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# inotify under lxrun vs native (prints figures; never fails on speed):
#   throughput: a child creates and deletes N (20000) files in a watched
#               directory while the parent reads every event; wall
#               seconds, events delivered (of 2N) and IN_Q_OVERFLOWs;
#   latency:    write to a watched file, time until the event is read
#               (blocking read, and poll then read), ROUNDS (1000) times;
#   floor:      the throughput case under bench/inotify/floor.c, a tracer
#               that stops the same calls lxrun stops there (openat,
#               unlink, read) and only continues them: what the stops
#               alone cost on this machine, below which no ptrace
#               supervisor can go; "floor, spinning": the same tracer
#               polling up to 50 µs for the next stop before it sleeps,
#               as lxrun's loop does (--spin);
#   stops:      ptrace stops lxrun takes per file created and deleted (the
#               writer's and the reader's) and per write-to-event round
#               (lxrun run under strace, which counts its successful
#               wait4() calls; a run with 0 files or 0 rounds is
#               subtracted).
# Each figure is the median of REPS runs, native and lxrun alternating so
# that the load of a shared machine hits both alike.
#
#   sh bench/inotify/run.sh [N] [ROUNDS]
# Environment: LXRUN (default ./lxrun), LXRUN_ARGS (options given to it,
# e.g. --trap=all), LXBENCH_REPS (5), CC (default cc), BENCH_DIR (where
# the files are made; default a fresh directory under /tmp).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
N=${1:-20000}
ROUNDS=${2:-1000}
REPS=${LXBENCH_REPS:-5}
[ -x "$LXRUN" ] || { echo "no $LXRUN: run make first" >&2; exit 1; }
W=$(mktemp -d "${BENCH_DIR:-/tmp}/lxrun-inotify-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
BIN="$W/inotify_bench"
FLOOR="$W/floor"
$CC -O2 -o "$BIN" "$ROOT/bench/inotify/inotify_bench.c" || exit 1
$CC -O2 -o "$FLOOR" "$ROOT/bench/inotify/floor.c" || exit 1

run() { # run native|lxrun|floor: one throughput and one latency run
	case $1 in
	lxrun)	# shellcheck disable=SC2086
		set -- "$LXRUN" $LXRUN_ARGS -- "$BIN" ;;
	floor)	rm -rf "$W/d"
		"$FLOOR" "$BIN" throughput "$W/d" "$N"
		return ;;
	floorspin)
		rm -rf "$W/d"
		FLOOR_SPIN_US=50 "$FLOOR" "$BIN" throughput "$W/d" "$N"
		return ;;
	*)	set -- "$BIN" ;;
	esac
	rm -rf "$W/d"
	"$@" throughput "$W/d" "$N" && "$@" latency "$W/file" "$ROUNDS"
}

median() { # the median of the numbers on stdin
	sort -g | awk '{ v[NR] = $1 } END {
	    if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$W/native.out"
: >"$W/lxrun.out"
: >"$W/floor.out"
: >"$W/floorspin.out"
i=0
while [ "$i" -lt "$REPS" ]; do
	run native >>"$W/native.out" || exit 1
	run lxrun >>"$W/lxrun.out" || exit 1
	run floor >>"$W/floor.out" || exit 1
	run floorspin >>"$W/floorspin.out" || exit 1
	i=$((i + 1))
done

echo "inotify: $N files created+deleted, $ROUNDS latency rounds," \
    "median of $REPS runs"
echo "  $LXRUN ${LXRUN_ARGS:-(default: --trap=filtered)}"
for what in throughput latency-read latency-poll; do
	n=$(awk -v p="$what" '$1 == p { print $2 }' "$W/native.out" | median)
	l=$(awk -v p="$what" '$1 == p { print $2 }' "$W/lxrun.out" | median)
	unit=$(awk -v p="$what" '$1 == p { print $3; exit }' "$W/native.out" |
	    tr -d ,)
	awk -v w="$what" -v n="$n" -v l="$l" -v u="$unit" 'BEGIN {
		printf "  %-14s native %10.2f %s  lxrun %10.2f %s  lxrun/native %.2fx\n",
		    w, n, u, l, u, (n > 0 ? l / n : 0) }'
done
n=$(awk '$1 == "throughput" { print $2 }' "$W/native.out" | median)
l=$(awk '$1 == "throughput" { print $2 }' "$W/lxrun.out" | median)
for fl in floor floorspin; do
	f=$(awk '$1 == "throughput" { print $2 }' "$W/$fl.out" | median)
	awk -v n="$n" -v l="$l" -v f="$f" -v w="$fl" 'BEGIN {
		printf "  throughput     %-9s %7.2f s   %s/native %.2fx  " \
		    "lxrun/%s %.2fx\n", w, f, w, (n > 0 ? f / n : 0), w,
		    (f > 0 ? l / f : 0) }'
done
# Events: the worst run of each, and the overflows of all runs.
for who in native lxrun; do
	awk -v w="$who" '$1 == "throughput" {
		if (min == "" || $5 < min) min = $5; ovf += $9; runs++ }
	    END { printf "  %-6s events delivered: at least %d of %d in each " \
		"of %d runs, %d IN_Q_OVERFLOW in all\n", w, min, '"2 * $N"',
		runs, ovf }' "$W/$who.out"
done

if command -v strace >/dev/null 2>&1; then
	stops() { # stops ARGS...: "READER WRITER", the guest stops of one run
		rm -rf "$W/d"
		# shellcheck disable=SC2086
		strace -o "$W/st" -e trace=wait4 "$LXRUN" $LXRUN_ARGS -- \
		    "$BIN" "$@" >/dev/null 2>&1
		# One wait4 per stop, returning the pid; the first is the reader.
		sed -n 's/.* = \([1-9][0-9]*\)$/\1/p' "$W/st" | awk '
		    NR == 1 { first = $1 } { if ($1 == first) r++; else w++ }
		    END { print r + 0, w + 0 }'
	}
	s0=$(stops throughput "$W/d" 0)
	s1=$(stops throughput "$W/d" "$N")
	l0=$(stops latency "$W/file" 0)
	l1=$(stops latency "$W/file" "$ROUNDS")
	echo "$s0 $s1 $l0 $l1" | awk -v n="$N" -v r="$ROUNDS" '{
		printf "  stops per file created and deleted: writer %.2f, " \
		    "reader %.2f\n", ($4 - $2) / n, ($3 - $1) / n
		printf "  stops per write-to-event round: %.2f (the write " \
		    "and the read)\n", ($7 - $5) / (2 * r) }'
fi
