#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun's overhead, as ratios (prints figures; never fails on speed).
#
#   sh bench/run.sh            (make bench)
#
# 1. lxrun default vs native, on syscall-heavy workloads: tar cf /dev/null
#    /usr/include (whole process wall time; tar stats every file, and stat
#    is an emulated family, so it is also run with --emulate=none, where it
#    needs no emulation), dd of 500,000 one-byte blocks (1,000,000 reads and
#    writes that lxrun never sees) and a loop of 1,000,000 getppid() (the
#    loop's own time);
# 2. lxrun --trace -o FILE vs strace -f -o FILE on the same two;
# 3. the cost of one trapped-and-answered syscall: a loop of
#    getrandom(buf, 8, 0), which lxrun answers itself, under lxrun minus
#    natively, divided by the count, in microseconds.
# Each measurement is the median of REPS runs, the columns of a row taken
# round-robin so that drift on a shared machine hits them alike; everything
# is done unpinned and pinned to one CPU (taskset -c 0: tracer and tracee on
# the same CPU, see /work/shared/research/peer-baselines.md).
#
# Knobs (environment): LXBENCH_REPS (5), LXBENCH_N (getppid count,
# 1000000), LXBENCH_RANDOM_N (getrandom count, 200000), LXBENCH_TAR_DIR
# (/usr/include), LXBENCH_PIN (1: also pinned; 0: not), LXBENCH_STRACE (1:
# compare with strace when it is installed), LXBENCH_DIR (scratch space for
# trace files, default a new directory under /tmp), LXRUN.
# Exit status: 0 unless a benchmark could not run or computed a wrong
# result.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
REPS=${LXBENCH_REPS:-5}
N=${LXBENCH_N:-1000000}
RN=${LXBENCH_RANDOM_N:-200000}
TARDIR=${LXBENCH_TAR_DIR:-/usr/include}
PIN=${LXBENCH_PIN:-1}
STRACE=${LXBENCH_STRACE:-1}
B="$ROOT/build/bench"
RES=$(mktemp -d "${TMPDIR:-/tmp}/lxbench.XXXXXX") || exit 1
SCRATCH=${LXBENCH_DIR:-$RES}
trap 'rm -rf "$RES"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$LXRUN" ] || die "no lxrun at $LXRUN (run make first)"
mkdir -p "$B"
for p in getppid getrandom; do
	if [ ! -x "$B/$p" ] || [ "$ROOT/bench/$p.c" -nt "$B/$p" ]; then
		$CC -O2 -Wall -o "$B/$p" "$ROOT/bench/$p.c" ||
		    die "cannot build bench/$p.c"
	fi
done
[ "$STRACE" = 1 ] && ! command -v strace >/dev/null 2>&1 && STRACE=0
[ "$PIN" = 1 ] && ! command -v taskset >/dev/null 2>&1 && PIN=0

# Seconds since an arbitrary point, with nanoseconds (GNU date).
now() {
	date +%s.%N
}

# measure KIND CMD...: run CMD once, print the seconds it took.  KIND loop:
# the program's own "BENCH ... secs=" figure; KIND wall: the whole
# process, start-up included.
measure() {
	_kind=$1
	shift
	_t0=$(now)
	"$@" </dev/null >"$RES/out" 2>"$RES/err"
	_st=$?
	_t1=$(now)
	if [ "$_st" != 0 ] || grep -q 'result=wrong' "$RES/out"; then
		echo "bench: failed (status $_st): $*" >&2
		head -5 "$RES/err" >&2
		echo "FAILED"
		return 1
	fi
	if [ "$_kind" = loop ]; then
		sed -n 's/.*secs=\([0-9.]*\).*/\1/p' "$RES/out"
	else
		echo "$_t0 $_t1" | awk '{ printf "%.6f\n", $2 - $1 }'
	fi
}

# median FILE: the median of the numbers in FILE.
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print "nan"; exit }
	    if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Columns: "id|kind|command".  Every column of a group runs once per
# repetition, round-robin.
ncols=0
column() {
	ncols=$((ncols + 1))
	printf '%s|%s|%s\n' "$1" "$2" "$3" >>"$RES/columns"
}

# Scratch trace files are removed after every run (they get big).
TRACE="$SCRATCH/trace.out"
TAR="tar cf /dev/null $TARDIR"
DD="dd if=/dev/zero of=/dev/null bs=1 count=500000 status=none"

add_columns() {
	_pfx=$1 _pin=$2
	column "$_pfx.tar.native" wall "$_pin$TAR"
	column "$_pfx.tar.lxrun" wall "$_pin$LXRUN $TAR"
	column "$_pfx.tarnoemu.native" wall "$_pin$TAR"
	column "$_pfx.tarnoemu.lxrun" wall "$_pin$LXRUN --emulate=none $TAR"
	column "$_pfx.dd.native" wall "$_pin$DD"
	column "$_pfx.dd.lxrun" wall "$_pin$LXRUN $DD"
	column "$_pfx.getppid.native" loop "$_pin$B/getppid $N"
	column "$_pfx.getppid.lxrun" loop "$_pin$LXRUN $B/getppid $N"
	column "$_pfx.getrandom.native" loop "$_pin$B/getrandom $RN"
	column "$_pfx.getrandom.lxrun" loop "$_pin$LXRUN $B/getrandom $RN"
	if [ "$STRACE" = 1 ]; then
		column "$_pfx.tar.lxtrace" wall \
		    "$_pin$LXRUN --trace -o $TRACE $TAR"
		column "$_pfx.tar.strace" wall "${_pin}strace -f -o $TRACE $TAR"
		column "$_pfx.getppid.lxtrace" loop \
		    "$_pin$LXRUN --trace -o $TRACE $B/getppid $N"
		column "$_pfx.getppid.strace" loop \
		    "${_pin}strace -f -o $TRACE $B/getppid $N"
	fi
}

: >"$RES/columns"
add_columns u ""
[ "$PIN" = 1 ] && add_columns p "taskset -c 0 "

echo "lxrun benchmark: $REPS runs of each command, medians; $(nproc) CPUs," \
    "$(uname -sr)"
echo "commands (u = unpinned, p = pinned; 'loop' = the program's own loop" \
    "time, 'wall' = whole process):"
while IFS='|' read -r id kind cmd; do
	printf '  %-20s %-4s %s\n' "$id" "$kind" "$cmd"
done <"$RES/columns"
echo

failed=0
rep=1
while [ "$rep" -le "$REPS" ]; do
	printf 'run %d/%d ...' "$rep" "$REPS" >&2
	while IFS='|' read -r id kind cmd; do
		# $cmd is a command line: split on purpose.
		# shellcheck disable=SC2086
		v=$(measure "$kind" $cmd) || failed=1
		echo "$v" >>"$RES/$id"
		rm -f "$TRACE"
	done <"$RES/columns"
	echo " done" >&2
	rep=$((rep + 1))
done

# value ID: the median of column ID, or "-" if it did not run.
value() {
	if [ -s "$RES/$1" ] && ! grep -q FAILED "$RES/$1"; then
		median "$RES/$1"
	else
		echo "-"
	fi
}

# ratio A B: A / B, as "1.23x".
ratio() {
	echo "$1 $2" | awk '$1 == "-" || $2 == "-" || $2 == 0 { print "-"; next }
	    { printf "%.2fx\n", $1 / $2 }'
}

echo "| comparison | placement | baseline (s) | lxrun (s) | ratio | target |"
echo "|---|---|---:|---:|---:|---|"
table() {
	_pfx=$1 _place=$2
	for w in tar tarnoemu dd getppid; do
		case $w in
		tar) what="\`$TAR\` (stat emulated)" ;;
		tarnoemu) what="\`$TAR\` with --emulate=none" ;;
		dd) what="\`$DD\`" ;;
		getppid) what="getppid loop x$N" ;;
		esac
		a=$(value "$_pfx.$w.native") b=$(value "$_pfx.$w.lxrun")
		echo "| lxrun vs native: $what | $_place | $a | $b |" \
		    "$(ratio "$b" "$a") | <= 1.05x |"
	done
	[ "$STRACE" = 1 ] || return 0
	for w in tar getppid; do
		case $w in
		tar) what="\`$TAR\`" ;;
		getppid) what="getppid loop x$N" ;;
		esac
		a=$(value "$_pfx.$w.strace") b=$(value "$_pfx.$w.lxtrace")
		echo "| lxrun --trace -o F vs strace -f -o F: $what |" \
		    "$_place | $a | $b | $(ratio "$b" "$a") | <= 1.00x |"
	done
}
table u unpinned
[ "$PIN" = 1 ] && table p "taskset -c 0"
echo
echo "| trapped-and-answered syscall (getrandom(buf, 8, 0) x$RN) |" \
    "placement | native loop (s) | lxrun loop (s) | µs per call |"
echo "|---|---|---:|---:|---:|"
for pfx in u p; do
	[ "$pfx" = p ] && [ "$PIN" != 1 ] && continue
	place=unpinned
	[ "$pfx" = p ] && place="taskset -c 0"
	a=$(value "$pfx.getrandom.native") b=$(value "$pfx.getrandom.lxrun")
	us=$(echo "$a $b $RN" | awk '$1 == "-" || $2 == "-" { print "-"; next }
	    { printf "%.2f\n", ($2 - $1) / $3 * 1e6 }')
	echo "| getrandom | $place | $a | $b | $us |"
done
echo
echo "Spread (min-max seconds per column):"
while IFS='|' read -r id kind cmd; do
	[ -s "$RES/$id" ] || continue
	printf '  %-20s %s\n' "$id" "$(sort -g "$RES/$id" | awk '
	    NR == 1 { lo = $1 } { hi = $1 } END { print lo " - " hi }')"
done <"$RES/columns"
[ "$STRACE" = 1 ] || echo "(strace not installed: no tracing comparison)"
exit $failed
