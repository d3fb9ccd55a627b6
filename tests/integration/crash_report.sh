#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Crash reports: a NULL dereference, ud2 and a division by zero each give
# a report naming the signal and si_code, with the faulting instruction
# disassembled at "=>" (mov from the pointer, ud2, idiv), the registers,
# the mapping of the pc and the last syscalls (the emulated getrandom
# among them); lxrun still dies of the guest's signal.  A handler that
# re-raises shows the original fault; a fault the program recovers from
# gives no report.  In a JSON trace the report is one "crash" record.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
prog=$(build_prog crash -O0)
tmp=$(lx_tmpdir)

# crash KIND SIGNAL CODE INSN: run it with -c (so every call is seen).
crash() {
	_k=$1 _sig=$2 _code=$3 _insn=$4
	(cd "$tmp" && exec "$LXRUN" -c -o "$tmp/$_k.txt" "$prog" "$_k") \
	    >"$tmp/$_k.out" 2>"$tmp/$_k.err"
	_st=$?
	cat "$tmp/$_k.txt"
	[ "$_st" -gt 128 ] || fail "$_k: lxrun exited $_st, not by a signal"
	grep -q "^--- lxrun: crash: .*: $_sig ($_code)" "$tmp/$_k.txt" ||
	    fail "$_k: no report of $_sig ($_code)"
	grep -Eq "^  => 0x[0-9a-f]+: .* $_insn" "$tmp/$_k.txt" ||
	    fail "$_k: the instruction at the pc is not $_insn"
	grep -Eq '^     0x[0-9a-f]+: ' "$tmp/$_k.txt" ||
	    fail "$_k: no instruction before the pc"
	grep -q "^  pc 0x[0-9a-f]*: .*r-xp .*/crash$" "$tmp/$_k.txt" ||
	    fail "$_k: the pc's mapping is not the program's code"
	grep -q '^  rip    0x' "$tmp/$_k.txt" || fail "$_k: no registers"
	# a handler's own calls come after it: only a direct crash has it
	[ "$_k" = reraise ] || grep -q 'getrandom(.*\[emulated\]' \
	    "$tmp/$_k.txt" || fail "$_k: last syscalls lack the emulated getrandom"
}

crash null SIGSEGV SEGV_MAPERR 'mov[lq]? \(%r[a-z0-9]+\)'
grep -q '^  fault address 0x0: in no mapping' "$tmp/null.txt" ||
    fail "null: fault address"
[ "$(kill -l $(( $(cd "$tmp" && "$LXRUN" "$prog" null >/dev/null 2>&1;
    echo $?) - 128 )))" = SEGV ] || fail "lxrun did not die of SIGSEGV"
crash ud2 SIGILL ILL_ILLOPN 'ud2'
crash div SIGFPE FPE_INTDIV 'idiv[lq]? '

# The handler raises SIGSEGV again: the report shows the NULL load.
crash reraise SIGSEGV SEGV_MAPERR 'mov[lq]? \(%r[a-z0-9]+\)'
grep -q 'raised again by the program' "$tmp/reraise.txt" ||
    fail "reraise: not said"

# Recovered: no report, exit 0.
(cd "$tmp" && exec "$LXRUN" "$prog" recover) >"$tmp/rec.out" \
    2>"$tmp/rec.err" || fail "recover: lxrun failed"
grep -q recovered "$tmp/rec.out" || fail "recover: output"
grep -q 'crash' "$tmp/rec.err" && fail "recover: a crash report"

# Without -o the report goes to stderr; with a JSON trace, one record.
(cd "$tmp" && exec "$LXRUN" "$prog" ud2) >/dev/null 2>"$tmp/plain.err"
grep -q '^--- lxrun: crash: .*SIGILL' "$tmp/plain.err" ||
    fail "no report on stderr"
(cd "$tmp" && exec "$LXRUN" --trace-format=json -o "$tmp/t.json" "$prog" \
    div) >/dev/null 2>&1
"$PYTHON" - "$tmp/t.json" <<'PY' || fail "JSON crash record"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
c = [r for r in recs if r.get("event") == "crash"]
assert len(c) == 1, c
c = c[0]
assert c["signal"] == "SIGFPE" and c["si_code"] == "FPE_INTDIV", c
assert re.match(r"idiv", c["insn"]), c["insn"]
assert [i for i in c["code"] if i["pc"]][0]["insn"] == c["insn"]
assert c["regs"]["rip"] == c["pc"]
assert any(s["name"] == "getrandom" and s["served"] == "emulated"
           for s in c["last_syscalls"]), c["last_syscalls"]
PY
exit 0
