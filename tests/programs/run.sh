#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Real programs under lxrun: runs every tests/programs/*.sh (or the names
# given) with sh; exit 0 is a pass, 77 a skip, anything else a failure.
# Each script can source tests/diff/lib/common.sh for LXRUN, ROOT, fail,
# skip and the run/compare helpers.  Prints one line per program and ends
# with "N passed, N failed" (", N skipped").  Exits 1 if any failed.
#
# Environment: LXRUN (default ./lxrun), LXTEST_VERBOSE=1 prints the log of
# passing programs too, LXTEST_PROGRAM_TIMEOUT (seconds, default 300).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
LOGDIR="$ROOT/build/tests/programs"
export ROOT LXRUN
mkdir -p "$LOGDIR"

npass=0
nfail=0
nskip=0

run_one() {
	n=${1##*/}
	n=${n%.sh}
	s="$ROOT/tests/programs/$n.sh"
	log="$LOGDIR/$n.log"
	if [ ! -f "$s" ]; then
		echo "FAIL $n (no $s)"
		nfail=$((nfail + 1))
		return
	fi
	timeout -k 5 "${LXTEST_PROGRAM_TIMEOUT:-300}" sh "$s" </dev/null \
	    >"$log" 2>&1
	case $? in
	0)
		npass=$((npass + 1))
		echo "PASS $n"
		[ -n "${LXTEST_VERBOSE:-}" ] && sed 's/^/    /' "$log"
		;;
	77)
		nskip=$((nskip + 1))
		echo "SKIP $n ($(tail -n 1 "$log"))"
		;;
	*)
		nfail=$((nfail + 1))
		echo "FAIL $n"
		sed 's/^/    /' "$log" | tail -n 60
		;;
	esac
}

if [ ! -x "$LXRUN" ]; then
	echo "programs/run.sh: no lxrun at $LXRUN (run make first)" >&2
	exit 1
fi
if [ $# -gt 0 ]; then
	for t in "$@"; do
		run_one "$t"
	done
else
	for t in "$ROOT"/tests/programs/*.sh; do
		[ "$t" = "$ROOT/tests/programs/run.sh" ] && continue
		[ -f "$t" ] && run_one "$t"
	done
fi
if [ "$nskip" -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ "$nfail" -eq 0 ]
