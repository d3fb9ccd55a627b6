#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# -X raw|abbrev|verbose: how named constants and flags print.
#  1. The golden program (src/golden.c) against the checked-in
#     trace_golden_raw.expected and trace_golden_verbose.expected, as
#     trace_golden.sh does for the default style (-X abbrev is that one).
#  2. With strace (Debian 12's 6.1) there, lxrun against strace itself on
#     src/consts.c, a static program with a call for each kind of constant:
#     every line that lxrun prints as strace does in the default style must
#     also be strace's in -X raw and in -X verbose.
# LXTEST_REGEN=1 rewrites the expected files from lxrun's output: read
# the diff against strace -X before checking them in.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog="$LXTEST_BUILD/golden"
lx_cc "$prog" "$ROOT/tests/integration/src/golden.c" -nostdlib -static \
    -fno-stack-protector -fno-pie -no-pie
tmp=$(lx_tmpdir)

# Addresses have 8 hex digits or more here (a static, non-PIE program):
# shorter hex numbers are flags (-X raw's O_CLOEXEC is 0x80000) and stay.
normalise() {
	sed -e 's|/\* [0-9][0-9]* vars \*/|/* N vars */|' \
	    -e 's/0x[0-9a-f]\{8,\}/ADDR/g' "$@"
}

# trace NAME PROG LXRUN-OPTIONS...: leaves $tmp/NAME, normalised.
trace() {
	n=$1 p=$2
	shift 2
	mkdir -p "$tmp/$n.cwd"
	cp "$p" "$tmp/$n.cwd/prog"
	(cd "$tmp/$n.cwd" && exec timeout -k 5 30 "$LXRUN" --trace "$@" \
	    -o "$tmp/$n.raw" -- ./prog) </dev/null >/dev/null \
	    2>"$tmp/$n.err" || { cat "$tmp/$n.err" >&2;
	    fail "lxrun $* failed"; }
	[ -s "$tmp/$n.err" ] && fail "$n: stderr: $(cat "$tmp/$n.err")"
	normalise "$tmp/$n.raw" >"$tmp/$n"
}

for style in raw verbose; do
	expected="$ROOT/tests/integration/trace_golden_$style.expected"
	trace "golden_$style" "$prog" -X "$style"
	sed -i 's|"./prog"|"./golden"|g' "$tmp/golden_$style"
	if [ -n "${LXTEST_REGEN:-}" ]; then
		cp "$tmp/golden_$style" "$expected"
		echo "wrote $expected"
		continue
	fi
	same_file "-X $style" "$expected" "$tmp/golden_$style" ||
	    fail "-X $style changed"
	echo "-X $style: the golden trace as expected"
done
trace golden_abbrev "$prog" -X abbrev
sed -i 's|"./prog"|"./golden"|g' "$tmp/golden_abbrev"
same_file "-X abbrev" "$ROOT/tests/integration/trace_golden.expected" \
    "$tmp/golden_abbrev" || fail "-X abbrev is not the default style"
echo "-X abbrev: the default trace"
"$LXRUN" -X nosuch true >/dev/null 2>&1
[ $? = 125 ] || fail "-X nosuch was not refused"

# 2. Against strace.
command -v strace >/dev/null 2>&1 || { echo "no strace: part 2 not run"; exit 0; }
consts="$LXTEST_BUILD/consts"
lx_cc "$consts" "$ROOT/tests/integration/src/consts.c" -static
# strip what differs between two runs and between the two tracers'
# layouts: strace's column padding, lxrun's [served] mark, addresses,
# pids, times, random bytes.
strip() {
	sed -E -e 's/ +=/ =/' -e 's/ \[(native|emulated|unsupported)[^]]*\]$//' \
	    -e 's/0x[0-9a-f]{5,}/ADDR/g' -e 's/(getpid\(\) = |kill\(|si_pid=|set_tid_address\(ADDR\) = )[0-9]+/\1PID/' \
	    -e 's/tv_sec=[0-9]+, tv_nsec=[0-9]+/TIME/' \
	    -e 's/^(getrandom\()"[^"]*"/\1RANDOM/' "$1"
}
for style in abbrev raw verbose; do
	mkdir -p "$tmp/s.$style.cwd" "$tmp/l.$style.cwd"
	(cd "$tmp/s.$style.cwd" && timeout -k 5 30 strace -X $style \
	    -o "$tmp/s.$style.raw" "$consts") </dev/null ||
	    fail "strace -X $style $consts"
	(cd "$tmp/l.$style.cwd" && timeout -k 5 30 "$LXRUN" --trace \
	    -X $style -o "$tmp/l.$style.raw" "$consts") </dev/null ||
	    fail "lxrun -X $style $consts"
	strip "$tmp/s.$style.raw" >"$tmp/s.$style"
	strip "$tmp/l.$style.raw" >"$tmp/l.$style"
	[ "$(wc -l <"$tmp/s.$style")" = "$(wc -l <"$tmp/l.$style")" ] || {
		diff -u "$tmp/s.$style" "$tmp/l.$style" | head -40 >&2
		fail "-X $style: strace and lxrun print different line counts"
	}
done
paste -d '\n' "$tmp/s.abbrev" "$tmp/l.abbrev" "$tmp/s.raw" "$tmp/l.raw" \
    "$tmp/s.verbose" "$tmp/l.verbose" | "$PYTHON" -c '
import sys
lines = sys.stdin.read().split("\n")
same = named = 0
bad = []
for i in range(0, len(lines) - 5, 6):
    sa, la, sr, lr, sv, lv = lines[i:i + 6]
    if sa != la:
        continue        # a decoder difference, not a constant style one
    same += 1
    if "/*" in sv:
        named += 1
    for what, s, l in (("raw", sr, lr), ("verbose", sv, lv)):
        if s != l:
            bad.append("-X %s\n  strace: %s\n  lxrun:  %s" % (what, s, l))
print("%d lines as strace prints them by default, %d of them with "
      "named constants" % (same, named))
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
if same < 30 or named < 25:
    print("too few lines to compare", file=sys.stderr)
    sys.exit(1)
' || fail "-X raw or verbose differs from strace's"
echo "-X raw and -X verbose: as strace prints them"
