#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# memfd benchmark: lxrun vs native.
#
#   sh bench/memfd/run.sh [ROUNDS]
#
# Builds bench/memfd/memfd_bench.c into build/bench/memfd/, runs each
# measurement ROUNDS times (default 11), alternating native and lxrun
# (plain, no tracing: the seccomp filter lets everything but memfd's own
# calls through), keeps the best run of each side, and prints one line
# per figure with the lxrun/native ratio:
#   cycle        memfd_create+ftruncate+mmap+touch+munmap+close, ns/cycle
#                (ratio = native time / lxrun time: 1.0 is native speed)
#   write, read  MB/s of 64 KiB writes/reads on an unsealed memfd
#                (ratio = lxrun / native; the data path must be native)
#   sealed write MB/s on a memfd with F_SEAL_SHRINK: its fd has trap rules,
#                so each write stops once (the price of enforcement)
#   recvmsg, open O_WRONLY, open O_RDONLY, pipe rw
#                ns per call once a sealed memfd exists (lxrun's watch
#                stops on recvmsg and on opens that may write, in every
#                process: the price of closing the routes an fd of a
#                sealed memfd can arrive by); "before" is the same under
#                lxrun with no sealed memfd
#   seal, K holders
#                us per F_ADD_SEALS while K other processes hold the memfd
#                (each gets its rules before the call returns)
# Environment: LXRUN (default ./lxrun), CC (default cc).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
ROUNDS=${1:-11}
OUT=$ROOT/build/bench/memfd
BIN=$OUT/memfd_bench

[ -x "$LXRUN" ] || { echo "run.sh: no lxrun at $LXRUN (run make)" >&2; exit 1; }
mkdir -p "$OUT"
$CC -O2 -Wall -o "$BIN" "$ROOT/bench/memfd/memfd_bench.c" || exit 1

# best FILE HIGHER_IS_BETTER: the best of the numbers in FILE.  The best
# run, not the median: on a shared machine the noise only ever slows a
# run down, and the question is what each side can reach.
best() {
	if [ "$2" = 1 ]; then
		sort -g "$1" | tail -n 1
	else
		sort -g "$1" | head -n 1
	fi
}

# figure NAME KEY UNIT HIGHER_IS_BETTER ARGS...: native and lxrun runs
# alternate, so that drift of the machine hits both sides alike.
figure() {
	_name=$1 _key=$2 _unit=$3 _hib=$4
	shift 4
	: >"$OUT/native" && : >"$OUT/lxrun"
	_i=0
	while [ $_i -lt "$ROUNDS" ]; do
		"$BIN" "$@" | sed -n "s/^$_key //p" >>"$OUT/native"
		"$LXRUN" -- "$BIN" "$@" | sed -n "s/^$_key //p" >>"$OUT/lxrun"
		_i=$((_i + 1))
	done
	_n=$(best "$OUT/native" "$_hib")
	_l=$(best "$OUT/lxrun" "$_hib")
	if [ "$_hib" = 1 ]; then
		_r=$(awk -v a="$_l" -v b="$_n" 'BEGIN { printf "%.3f", a / b }')
	else
		_r=$(awk -v a="$_n" -v b="$_l" 'BEGIN { printf "%.3f", a / b }')
	fi
	printf '%-14s native %10s %-6s lxrun %10s %-6s ratio %s\n' \
	    "$_name" "$_n" "$_unit" "$_l" "$_unit" "$_r"
}

echo "memfd benchmark (best of $ROUNDS alternating runs;" \
    "ratio 1.0 = native speed)"
figure "cycle" cycle_ns ns 0 cycle 5000
figure "write" write_MBps MB/s 1 rw 256 65536
figure "read" read_MBps MB/s 1 rw 256 65536
figure "sealed write" write_MBps MB/s 1 rw 128 65536 2
figure "recvmsg" recvmsg_ctl_ns ns 0 routes 20000 1
figure "  before" recvmsg_ctl_ns ns 0 routes 20000 0
figure "open O_WRONLY" open_w_ns ns 0 routes 20000 1
figure "  before" open_w_ns ns 0 routes 20000 0
figure "open O_RDONLY" open_r_ns ns 0 routes 20000 1
figure "pipe rw" pipe_rw_ns ns 0 routes 20000 1
figure "seal, 1 holder" seal_us us 0 seal 1 20
figure "seal, 8 holders" seal_us us 0 seal 8 20
