#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# What one stopped system call costs: lxrun against a bare seccomp stop,
# strace and native, in one run (prints figures; never fails on speed).
#
#   sh bench/stopcost/run.sh            (make bench-stopcost)
#
# Cases (bench/stopcost/stopcost.c), each a loop of N calls made with
# syscall():
#   bare       getppid stopped by the benchmark's own minimal tracer (a
#              seccomp filter that traps getppid alone; waitpid +
#              PTRACE_CONT): the floor, "a seccomp stop that does nothing
#              but continue"
#   barepoll   bare, but the tracer wakes as lxrun does (poll on a signalfd
#              for SIGCHLD, read it, waitpid(WNOHANG)): the wake-up's price
#   allowall   the never-trapped getppid control under a one-instruction
#              filter that allows all: what seccomp itself costs a call
#   barenotif  getppid answered by a minimal seccomp user-notification
#              supervisor (poll, RECV, SEND; same-CPU wake-ups): the floor
#              of the calls lxrun serves from notifications
#   trapall    getppid under lxrun --trap=all: lxrun's own stop of a call
#              it lets run natively (no handler, one PTRACE_CONT)
#   getrandom  getrandom(buf, 1, 0), answered by lxrun
#   epwait     epoll_wait(ep, ev, 4, 0) with one fd ready, emulated
#   epmod      epoll_ctl(MOD), emulated
#   stat       newfstatat(AT_FDCWD, "/", ...), translated by lxrun
#   inoattr    fchmod of a file an inotify watch asks IN_ATTRIB of
#   inoread    the same fchmod, then a read of the inotify fd that finds
#              the event queued; the table's "inotify read" row is
#              inoread - inoattr: the read alone
#   getppid    never trapped: lxrun must stay within 1.05x of native
# Columns: native, lxrun, strace -f -o /dev/null (entry and exit stop of
# every call), strace -f --seccomp-bpf -e trace=CALL -o /dev/null (only
# CALL stops, still twice), and the bare tracer.  The figure is the
# overhead per call: (loop time - native loop time) / N, in µs.  Every
# command of a placement runs once per repetition, round-robin, so that
# load on a shared machine hits them alike; medians of REPS runs.
# Placement: unpinned, and everything under taskset -c 0 (supervisor and
# guest on one CPU, like lxrun --pin).
#
# Knobs (environment): LXBENCH_REPS (5), LXBENCH_CALLS (20000; the getppid
# control uses 50x as many), LXBENCH_PIN (1: also pinned), LXRUN, CC,
# LXRUN_BEFORE (another lxrun, say the last release's: its column runs
# interleaved with the others, for before/after figures of one run).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
BEFORE=${LXRUN_BEFORE:-}
CC=${CC:-cc}
REPS=${LXBENCH_REPS:-5}
N=${LXBENCH_CALLS:-20000}
NCTL=$((N * 50))
PIN=${LXBENCH_PIN:-1}
B="$ROOT/build/bench"
RES=$(mktemp -d "${TMPDIR:-/tmp}/lxstopcost.XXXXXX") || exit 1
trap 'rm -rf "$RES"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "stopcost: $*" >&2
	exit 1
}

[ -x "$LXRUN" ] || die "no lxrun at $LXRUN (run make first)"
command -v strace >/dev/null 2>&1 || die "needs strace"
mkdir -p "$B"
if [ ! -x "$B/stopcost" ] || [ "$ROOT/bench/stopcost/stopcost.c" -nt "$B/stopcost" ]; then
	$CC -O2 -Wall -o "$B/stopcost" "$ROOT/bench/stopcost/stopcost.c" ||
	    die "cannot build bench/stopcost/stopcost.c"
fi
[ "$PIN" = 1 ] && ! command -v taskset >/dev/null 2>&1 && PIN=0
S="$B/stopcost"

# run ID CMD...: run CMD once, append its loop seconds to $RES/ID.
run() {
	_id=$1
	shift
	if ! "$@" </dev/null >"$RES/out" 2>"$RES/err" ||
	    ! grep -q 'result=ok' "$RES/out"; then
		echo "stopcost: failed: $*" >&2
		head -5 "$RES/err" >&2
		echo FAILED >>"$RES/$_id"
		return 1
	fi
	sed -n 's/.*secs=\([0-9.]*\).*/\1/p' "$RES/out" >>"$RES/$_id"
}

median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print "-"; exit }
	    if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

value() {
	if [ -s "$RES/$1" ] && ! grep -q FAILED "$RES/$1"; then
		median "$RES/$1"
	else
		echo "-"
	fi
}

# The strace -e name of each case's call.
callname() {
	case $1 in
	getrandom) echo getrandom ;;
	epwait) echo epoll_wait ;;
	epmod) echo epoll_ctl ;;
	stat) echo newfstatat ;;
	inoattr|inoread) echo read ;;
	*) echo getppid ;;
	esac
}

CASES="getrandom epwait epmod stat inoattr inoread"

# One repetition of every command of a placement (P: "" or "taskset -c
# 0"), round-robin.
one_rep() {
	_p=$1 _x=$2
	# shellcheck disable=SC2086
	{
		run "$_x.bare.bare" $_p "$S" bare "$N"
		run "$_x.barepoll.bare" $_p "$S" barepoll "$N"
		run "$_x.barenotif.bare" $_p "$S" barenotif "$N"
		run "$_x.bare.native" $_p "$S" getppid "$N"
		run "$_x.trapall.lxrun" $_p "$LXRUN" --trap=all "$S" getppid "$N"
		[ -n "$BEFORE" ] && run "$_x.trapall.before" $_p "$BEFORE" \
		    --trap=all "$S" getppid "$N"
		for c in $CASES; do
			run "$_x.$c.native" $_p "$S" "$c" "$N"
			run "$_x.$c.lxrun" $_p "$LXRUN" "$S" "$c" "$N"
			[ -n "$BEFORE" ] && run "$_x.$c.before" $_p "$BEFORE" \
			    "$S" "$c" "$N"
			run "$_x.$c.strace" $_p strace -f -o /dev/null \
			    "$S" "$c" "$N"
			run "$_x.$c.sbpf" $_p strace -f --seccomp-bpf \
			    -e trace="$(callname "$c")" -o /dev/null \
			    "$S" "$c" "$N"
		done
		run "$_x.getppid.native" $_p "$S" getppid "$NCTL"
		run "$_x.getppid.lxrun" $_p "$LXRUN" "$S" getppid "$NCTL"
		run "$_x.getppid.allowall" $_p "$S" allowall "$NCTL"
	}
}

echo "stopcost: $REPS runs of each command, medians, $N calls per loop;" \
    "$(nproc) CPUs, $(uname -sr); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
rep=1
while [ "$rep" -le "$REPS" ]; do
	printf 'run %d/%d ...' "$rep" "$REPS" >&2
	one_rep "" u || failed=1
	[ "$PIN" = 1 ] && { one_rep "taskset -c 0" p || failed=1; }
	echo " done" >&2
	rep=$((rep + 1))
done

# us ID: overhead per call of column ID over the native loop of its case.
us() {
	_case=${1#*.}
	_case=${_case%%.*}
	_pfx=${1%%.*}
	_n=$N
	case $_case in trapall|barepoll|barenotif) _case=bare ;; esac
	a=$(value "$_pfx.$_case.native") b=$(value "$1")
	echo "$a $b $_n" | awk '$1 == "-" || $2 == "-" { print "-"; next }
	    { printf "%.2f\n", ($2 - $1) / $3 * 1e6 }'
}

# diff_us P COL: µs per call of inoread over inoattr in column COL.
diff_us() {
	a=$(us "$1.inoread.$2") b=$(us "$1.inoattr.$2")
	echo "$a $b" | awk '$1 == "-" || $2 == "-" { print "-"; next }
	    { printf "%.2f\n", $1 - $2 }'
}

ratio() {
	echo "$1 $2" | awk '$1 == "-" || $2 == "-" || $2 <= 0 { print "-"; next }
	    { printf "%.2fx\n", $1 / $2 }'
}

echo
echo "Overhead per call in µs ((loop - native loop) / $N); ratios against" \
    "the bare stop and against strace -f:"
echo
echo "| call | placement | native ns/call | bare stop | lxrun | strace -f |" \
    "strace -f --seccomp-bpf | lxrun / bare | lxrun / strace -f |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for x in u p; do
	[ "$x" = p ] && [ "$PIN" != 1 ] && continue
	place=unpinned
	[ "$x" = p ] && place="taskset -c 0"
	bare=$(us "$x.bare.bare")
	nat=$(value "$x.bare.native")
	ta=$(us "$x.trapall.lxrun")
	echo "| getppid stopped, let run (lxrun --trap=all) | $place |" \
	    "$(echo "$nat" | awk -v n="$N" '{ printf "%.0f", $1 / n * 1e9 }') |" \
	    "$bare | $ta | - | - | $(ratio "$ta" "$bare") | - |"
	bp=$(us "$x.barepoll.bare")
	echo "| getppid stopped by a bare tracer woken via signalfd + poll |" \
	    "$place | - | $bare | $bp | - | - | $(ratio "$bp" "$bare") | - |"
	bn=$(us "$x.barenotif.bare")
	echo "| getppid answered by a bare seccomp-notification supervisor |" \
	    "$place | - | $bare | $bn | - | - | $(ratio "$bn" "$bare") | - |"
	for c in $CASES; do
		nat=$(value "$x.$c.native")
		lx=$(us "$x.$c.lxrun") st=$(us "$x.$c.strace") sb=$(us "$x.$c.sbpf")
		echo "| $c ($(callname "$c")) | $place |" \
		    "$(echo "$nat" | awk -v n="$N" '$1 != "-" { printf "%.0f", $1 / n * 1e9 }') |" \
		    "$bare | $lx | $st | $sb | $(ratio "$lx" "$bare") |" \
		    "$(ratio "$lx" "$st") |"
	done
	# the read alone: inoread's loop less inoattr's, per column
	lx=$(diff_us "$x" lxrun) st=$(diff_us "$x" strace) sb=$(diff_us "$x" sbpf)
	echo "| inotify read, an event queued (inoread - inoattr) | $place |" \
	    "- | $bare | $lx | $st | $sb | $(ratio "$lx" "$bare") |" \
	    "$(ratio "$lx" "$st") |"
done
echo
if [ -n "$BEFORE" ]; then
	echo "Before/after (µs per call; before = $BEFORE):"
	echo
	echo "| call | placement | before | after | after / before |"
	echo "|---|---|---:|---:|---:|"
	for x in u p; do
		[ "$x" = p ] && [ "$PIN" != 1 ] && continue
		place=unpinned
		[ "$x" = p ] && place="taskset -c 0"
		for c in trapall $CASES; do
			a=$(us "$x.$c.before") b=$(us "$x.$c.lxrun")
			echo "| $c | $place | $a | $b | $(ratio "$b" "$a") |"
		done
		a=$(diff_us "$x" before) b=$(diff_us "$x" lxrun)
		echo "| inotify read (inoread - inoattr) | $place | $a | $b |" \
		    "$(ratio "$b" "$a") |"
	done
	echo
fi
echo "Never-trapped control (getppid x$NCTL, loop seconds; target <= 1.05x):"
for x in u p; do
	[ "$x" = p ] && [ "$PIN" != 1 ] && continue
	a=$(value "$x.getppid.native") b=$(value "$x.getppid.lxrun")
	c=$(value "$x.getppid.allowall")
	echo "  $x: native $a lxrun $b ratio $(ratio "$b" "$a");" \
	    "any filter (one 'ret ALLOW') $c ratio $(ratio "$c" "$a")"
done
echo
echo "Spread (min - max loop seconds per column):"
for f in "$RES"/[up].*; do
	printf '  %-22s %s\n' "${f##*/}" "$(sort -g "$f" | awk '
	    NR == 1 { lo = $1 } { hi = $1 } END { print lo " - " hi }')"
done
exit $failed
