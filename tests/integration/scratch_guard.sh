#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun's scratch mapping in the guest sits between two PROT_NONE guard
# pages, so that a program writing past the end of its own mapping faults
# as it would natively instead of writing through lxrun's slots into the
# next mapping (docs/semantics.md, "A scratch mapping").  A 2 MiB
# getrandom makes lxrun park the call between slices, which needs the
# scratch mapping; the program then lists what lies on each side of it.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog scratch_guard)
tmp=$(lx_tmpdir)
rc=0

"$LXRUN" --trace-format=json -o "$tmp/trace.json" "$prog" >"$tmp/out" ||
    { echo "FAIL: the program failed under lxrun"; cat "$tmp/out"; exit 1; }
cat "$tmp/out"
grep -q '"getrandom".*"emulated"' "$tmp/trace.json" ||
    { echo "FAIL: getrandom was not served by lxrun"; rc=1; }
n=$(sed -n 's/^scratch mappings: //p' "$tmp/out")
[ "${n:-0}" -ge 1 ] ||
    { echo "FAIL: no scratch mapping found (the test needs one)"; rc=1; }
grep '^scratch [0-9]' "$tmp/out" | grep -v 'below guard, above guard$' |
    grep . && { echo "FAIL: a scratch mapping without its guard pages"; rc=1; }
exit $rc
