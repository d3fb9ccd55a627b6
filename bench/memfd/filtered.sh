#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/diff runs every program under --trace, which stops on every
# syscall, so the per-fd trap rules that enforce seals in a normal run
# are never needed there.  This runs the memfd differential programs
# natively and under plain lxrun (the filtered seccomp filter plus the
# rules memfd injects) and compares stdout, stderr and exit status.
#
#   sh bench/memfd/filtered.sh
#
# Environment: LXRUN (default ./lxrun), CC (default cc).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
OUT=$ROOT/build/bench/memfd/filtered
fail=0

mkdir -p "$OUT"
for src in "$ROOT"/tests/diff/memfd_*.c; do
	name=$(basename "$src" .c)
	bin=$OUT/$name
	$CC -O1 -pthread -Wall -o "$bin" "$src" || { fail=1; continue; }
	for side in native lxrun; do
		rm -rf "$OUT/$name.$side" && mkdir -p "$OUT/$name.$side"
		(
			cd "$OUT/$name.$side" || exit 1
			if [ $side = native ]; then
				"$bin" >out 2>err </dev/null
			else
				"$LXRUN" -- "$bin" >out 2>err </dev/null
			fi
			echo $? >status
		)
	done
	if cmp -s "$OUT/$name.native/out" "$OUT/$name.lxrun/out" &&
	    cmp -s "$OUT/$name.native/err" "$OUT/$name.lxrun/err" &&
	    cmp -s "$OUT/$name.native/status" "$OUT/$name.lxrun/status"; then
		echo "PASS $name (filtered)"
	else
		echo "FAIL $name (filtered)"
		diff "$OUT/$name.native/out" "$OUT/$name.lxrun/out" | head -20
		fail=1
	fi
done
exit $fail
