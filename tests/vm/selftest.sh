#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# make check-vm-selftest: the VM harness tested on itself.  Boots the guest
# of VM_SELFTEST_KERNEL (default debian12) three times with the cases of
# tests/vm/cases/ and checks what the host makes of each run:
#   broken     pass, fail (broken on purpose) and skip, results through the
#              share: exit 1, the row says 1 passed, 1 failed, 1 skipped,
#              and the summary names case/fail
#   console    pass only, results through the serial console alone (no
#              results.txt in the share): exit 0, 1 passed, 0 failed
#   halt       pass, then a case that powers the VM off mid-run: exit 1,
#              failed counted, the note says the VM stopped with no end line
# plus one check without a VM: an unknown guest name is an error, exit 1.
# Prints one line per check and ends with "N passed, N failed".

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${VM_SELFTEST_KERNEL:-debian12}
BASE="$ROOT/build/vm/selftest"
export VM_CACHE="${VM_CACHE:-$ROOT/build/vm}"
export VM_TIMEOUT="${VM_TIMEOUT:-900}"
npass=0
nfail=0

# vm NAME SUITE [VAR=VALUE...]: run check-vm into $BASE/NAME; sets RC and
# ROW (passed failed skipped seconds note of the kernel's row).
vm() {
	_n=$1 _s=$2
	shift 2
	rm -rf "${BASE:?}/$_n"
	env "$@" VM_KERNELS="$KERNEL" VM_SUITE="$_s" VM_OUT="$BASE/$_n" \
	    VM_QUIET=1 sh "$ROOT/tools/vm/check-vm.sh" >"$BASE/$_n.log" 2>&1
	RC=$?
	ROW=$(awk -F '\t' -v k="$KERNEL" '$1 == k { print $2, $3, $4, $6 }' \
	    "$BASE/$_n/summary.tsv" 2>/dev/null)
}

# check NAME CONDITION-DESCRIPTION: report the last test's verdict.
check() {
	if [ "$ok" = 1 ]; then
		npass=$((npass + 1))
		echo "PASS $1"
	else
		nfail=$((nfail + 1))
		echo "FAIL $1: $2"
		sed 's/^/    /' "$BASE/$1.log" | tail -n 30
	fi
}

mkdir -p "$BASE"

vm broken "case:pass,fail,skip"
ok=0
[ "$RC" = 1 ] && [ "$ROW" = "1 1 1 ok" ] &&
    grep -q '^FAIL case/fail ' "$BASE/broken/summary.txt" && ok=1
check broken "want exit 1 and '1 1 1 ok' with FAIL case/fail; got exit $RC, '$ROW'"

vm console "case:pass" VM_RESULTS=console
ok=0
[ "$RC" = 0 ] && [ "$ROW" = "1 0 0 ok" ] &&
    [ ! -e "$BASE/console/$KERNEL/share/results.txt" ] && ok=1
check console "want exit 0, '1 0 0 ok' and no results.txt in the share; got exit $RC, '$ROW'"

vm halt "case:pass,halt,pass"
ok=0
case $ROW in
"1 1 0 no end line"*) [ "$RC" = 1 ] && ok=1 ;;
esac
check halt "want exit 1 and '1 1 0 no end line...'; got exit $RC, '$ROW'"

rm -rf "$BASE/unknown"
VM_KERNELS=no-such-guest VM_OUT="$BASE/unknown" \
    sh "$ROOT/tools/vm/check-vm.sh" >"$BASE/unknown.log" 2>&1
RC=$?
ok=0
[ "$RC" = 1 ] && grep -q "unknown guest" "$BASE/unknown.log" && ok=1
check unknown "want exit 1 and 'unknown guest'; got exit $RC"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
