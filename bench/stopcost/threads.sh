#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A multi-threaded program under lxrun, with notifications (the default)
# and with --no-notify: bench/stopcost/threads.c, 2 threads, 2,000
# getrandom calls each with WORK iterations of arithmetic between them
# (prints figures; never fails on speed).  Same-CPU wake-ups, a gain for
# one thread, must not pull threads that have work of their own onto one
# CPU (issue 19: never a loss of more than 5% on a multi-threaded
# program).  Medians of LXBENCH_REPS (5) alternating runs.
#
#   sh bench/stopcost/threads.sh [WORK...]     (default: 2000 20000 200000)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
REPS=${LXBENCH_REPS:-5}
B="$ROOT/build/bench"
[ -x "$LXRUN" ] || { echo "threads: no lxrun at $LXRUN" >&2; exit 1; }
mkdir -p "$B"
${CC:-cc} -O2 -pthread -o "$B/threads" "$ROOT/bench/stopcost/threads.c" ||
    exit 1
[ $# -gt 0 ] || set -- 2000 20000 200000
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| work | native s | lxrun s | lxrun --no-notify s | lxrun / --no-notify |"
echo "|---:|---:|---:|---:|---:|"
for w in "$@"; do
	: >"$B/t.n"; : >"$B/t.l"; : >"$B/t.x"
	i=0
	while [ "$i" -lt "$REPS" ]; do
		"$B/threads" 2 2000 "$w" >>"$B/t.n"
		"$LXRUN" "$B/threads" 2 2000 "$w" >>"$B/t.l"
		"$LXRUN" --no-notify "$B/threads" 2 2000 "$w" >>"$B/t.x"
		i=$((i + 1))
	done
	n=$(med <"$B/t.n") l=$(med <"$B/t.l") x=$(med <"$B/t.x")
	echo "$w $n $l $x" | awk '{ printf "| %s | %s | %s | %s | %.2fx |\n",
	    $1, $2, $3, $4, $3 / $4 }'
done
