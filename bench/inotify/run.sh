#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# inotify under lxrun vs native:
#   throughput: create and delete N (20000) files in a watched directory,
#               read every event;
#   latency:    write to a watched file, time until the event is read
#               (blocking read, and poll then read).
# Prints each figure natively and under lxrun, and the ratio.
#
#   sh bench/inotify/run.sh [N] [ROUNDS]
# Environment: LXRUN (default ./lxrun), CC (default cc), BENCH_DIR (where
# the files are made; default a fresh directory under /tmp).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
N=${1:-20000}
ROUNDS=${2:-1000}
[ -x "$LXRUN" ] || { echo "no $LXRUN: run make first" >&2; exit 1; }
W=$(mktemp -d "${BENCH_DIR:-/tmp}/lxrun-inotify-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
BIN="$W/inotify_bench"
$CC -O2 -o "$BIN" "$ROOT/bench/inotify/inotify_bench.c" || exit 1

field() { # field LINE-PREFIX WORDNO < output
	awk -v p="$1" -v n="$2" '$1 == p { print $n }'
}

run() { # run native|lxrun
	if [ "$1" = lxrun ]; then
		set -- "$LXRUN" -- "$BIN"
	else
		set -- "$BIN"
	fi
	rm -rf "$W/d"
	"$@" throughput "$W/d" "$N"
	"$@" latency "$W/file" "$ROUNDS"
}

run native >"$W/native.out" || exit 1
run lxrun >"$W/lxrun.out" || exit 1
echo "inotify: $N files created+deleted, $ROUNDS latency rounds"
for what in throughput latency-read latency-poll; do
	n=$(field "$what" 2 <"$W/native.out")
	l=$(field "$what" 2 <"$W/lxrun.out")
	unit=$(field "$what" 3 <"$W/native.out" | tr -d ,)
	awk -v w="$what" -v n="$n" -v l="$l" -v u="$unit" 'BEGIN {
		printf "  %-14s native %10.2f %s  lxrun %10.2f %s  lxrun/native %.2fx\n",
		    w, n, u, l, u, (n > 0 ? l / n : 0) }'
done
grep throughput "$W/native.out" | sed 's/^/  native: /'
grep throughput "$W/lxrun.out" | sed 's/^/  lxrun:  /'
