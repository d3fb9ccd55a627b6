#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun scan on programs with known syscall sets: a -nostdlib program
# whose syscalls are exactly write, getpid, getppid, exit_group (direct)
# and getuid, getgid (through a wrapper, resolved at its callers); a
# static glibc program whose syscall(SYS_ioprio_get) must be resolved at
# the call into libc's syscall().  Each run under lxrun must make only
# syscalls the scan found; /bin/true follows ld.so to its libraries.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
CHECK="$PYTHON $ROOT/tests/diff/lib/scan_check.py"
tmp=$(lx_tmpdir)

raw=$(build_prog scan_raw -nostdlib -static -fno-stack-protector)
"$LXRUN" scan --format=json -o "$tmp/raw.json" "$raw" ||
    fail "lxrun scan failed on the raw program"
$CHECK "$tmp/raw.json" --objects 1 --max-unresolved 0 \
    --exactly "scan_raw=write,getpid,getuid,getgid,getppid,exit_group" ||
    fail "raw program: wrong set"
$PYTHON - "$tmp/raw.json" <<'PY' || fail "raw program: wrapper calls"
import json, sys
o = json.load(open(sys.argv[1]))["objects"][0]
# 5 syscall instructions at least (raw3 may be inlined in several places),
# the wrapper's own site resolved through its 2 callers
assert o["via_callers"] >= 1 and o["wrapper_calls"] == 2, o
PY
"$LXRUN" --trace-format=json -o "$tmp/raw.trace" "$raw" >"$tmp/raw.out" ||
    fail "the raw program failed under lxrun"
[ "$(cat "$tmp/raw.out")" = raw ] || fail "the raw program's output"
$CHECK "$tmp/raw.json" --observed "$tmp/raw.trace" ||
    fail "raw program: a syscall it made is not in the scan"

st=$(build_prog scan_static -static)
"$LXRUN" scan --format=json -o "$tmp/static.json" "$st" ||
    fail "lxrun scan failed on the static program"
$CHECK "$tmp/static.json" --objects 1 --has "scan_static=ioprio_get" ||
    fail "static program: ioprio_get not found at its syscall() call"
"$LXRUN" --trace-format=json -o "$tmp/static.trace" "$st" \
    >"$tmp/static.out" || fail "the static program failed under lxrun"
$CHECK "$tmp/static.json" --observed "$tmp/static.trace" --summary ||
    fail "static program: a syscall it made is not in the scan"

# A dynamic program: its interpreter and libc are scanned too, found by
# ld.so's search, and what a run makes is in the set.
"$LXRUN" scan --format=json -o "$tmp/true.json" /bin/true ||
    fail "lxrun scan failed on /bin/true"
$PYTHON - "$tmp/true.json" <<'PY' || fail "/bin/true: objects"
import json, sys
d = json.load(open(sys.argv[1]))
roles = [o["role"] for o in d["objects"]]
names = [o["name"] for o in d["objects"]]
assert roles[0] == "program" and "interpreter" in roles, roles
assert "libc.so.6" in names, names
assert not d["missing_libraries"], d["missing_libraries"]
PY
"$LXRUN" --trace-format=json -o "$tmp/true.trace" /bin/true ||
    fail "/bin/true failed under lxrun"
$CHECK "$tmp/true.json" --observed "$tmp/true.trace" --summary ||
    fail "/bin/true: a syscall it made is not in the scan"

# The text form has the verdict lines; a file that is no ELF is refused.
"$LXRUN" scan "$raw" >"$tmp/raw.txt" || fail "text scan"
grep -q '^NetBSD: .* syscalls found' "$tmp/raw.txt" || fail "no verdict"
grep -q '^lxrun serves every missing syscall: yes' "$tmp/raw.txt" ||
    fail "the raw program needs nothing lxrun lacks"
echo "not elf" >"$tmp/notelf"
if "$LXRUN" scan "$tmp/notelf" 2>"$tmp/err"; then
	fail "scan of a text file succeeded"
fi
grep -q 'not an ELF file' "$tmp/err" || fail "no reason for refusing"
exit 0
