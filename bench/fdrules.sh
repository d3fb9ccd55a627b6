#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# What the per-fd rules of lxrun's objects cost every other syscall
# (issue 20, item 1): a program moves K inotify fds to K distinct fd
# numbers, then times 1,000,000 getppid() calls, natively and under lxrun,
# for K = 0, 100, 1000 and 3000.  Prints ns per call, the seccomp filters
# the process carries, and lxrun's ratio to native (median of
# LXBENCH_REPS runs, default 5, interleaved).  Never fails on speed.
#
#   sh bench/fdrules.sh            (LXRUN=... to measure another build)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
REPS=${LXBENCH_REPS:-5}
B="$ROOT/build/bench"
mkdir -p "$B"
${CC:-cc} -O2 -o "$B/fdrules" "$ROOT/bench/fdrules.c" ||
    { echo "fdrules: build failed" >&2; exit 1; }
[ -x "$LXRUN" ] || { echo "fdrules: no lxrun at $LXRUN" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

printf '%6s %12s %12s %8s %8s\n' K native_ns lxrun_ns ratio filters
for k in 0 100 1000 3000; do
	: >"$B/fdrules.n"; : >"$B/fdrules.l"; f=?
	for r in $(seq "$REPS"); do
		"$B/fdrules" "$k" | field ns_per_call >>"$B/fdrules.n"
		out=$("$LXRUN" "$B/fdrules" "$k" 2>/dev/null)
		echo "$out" | field ns_per_call >>"$B/fdrules.l"
		f=$(echo "$out" | field filters)
	done
	n=$(median <"$B/fdrules.n"); l=$(median <"$B/fdrules.l")
	printf '%6s %12s %12s %8s %8s\n' "$k" "$n" "$l" \
	    "$(awk -v a="$l" -v b="$n" 'BEGIN { if (b > 0) printf "%.2fx", a / b }')" "$f"
done
