#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --trace output of a deterministic program (src/golden.c: no libc, every
# syscall spelled out) against the checked-in trace_golden.expected, after
# normalising what changes from run to run (the program's path, the
# environment size, addresses, pids).  Then -e trace= filtering must give
# exactly the matching lines of the same golden trace.
#
# The expected file follows strace(1)'s conventions (what strace 6.1 prints
# for the same program), with lxrun's [served] mark and without strace's
# column padding.  LXTEST_REGEN=1 rewrites it from lxrun's output: read the
# diff against strace before checking it in.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
golden="$ROOT/tests/integration/trace_golden.expected"
prog="$LXTEST_BUILD/golden"
lx_cc "$prog" "$ROOT/tests/integration/src/golden.c" -nostdlib -static \
    -fno-stack-protector -fno-pie -no-pie
tmp=$(lx_tmpdir)

# normalise: the golden's path, the environment size, addresses, pids.
normalise() {
	sed -e "s|$prog|GOLDEN|g" \
	    -e 's|/\* [0-9][0-9]* vars \*/|/* N vars */|' \
	    -e 's/0x[0-9a-f]\{5,\}/ADDR/g' \
	    -e 's/\[pid  *[0-9][0-9]*\]/[pid N]/' "$@"
}

# trace NAME LXRUN-OPTIONS...: run the golden program; leaves $tmp/NAME.
trace() {
	n=$1
	shift
	mkdir -p "$tmp/$n.cwd"
	# A short argv[0], so that -s does not cut it: ./golden.
	cp "$prog" "$tmp/$n.cwd/golden"
	(cd "$tmp/$n.cwd" && exec timeout -k 5 30 "$LXRUN" "$@" \
	    -o "$tmp/$n.raw" -- ./golden) </dev/null >"$tmp/$n.out" \
	    2>"$tmp/$n.err"
	st=$?
	[ "$st" = 0 ] || { cat "$tmp/$n.err" >&2; fail "$n: exit status $st"; }
	[ "$(cat "$tmp/$n.out")" = "hello, golden" ] ||
	    fail "$n: the program's output changed: $(cat "$tmp/$n.out")"
	[ -s "$tmp/$n.err" ] && fail "$n: stderr: $(cat "$tmp/$n.err")"
	normalise "$tmp/$n.raw" >"$tmp/$n"
}

trace full --trace
if [ -n "${LXTEST_REGEN:-}" ]; then
	cp "$tmp/full" "$golden"
	echo "wrote $golden"
	cat "$golden"
	exit 0
fi
[ -f "$golden" ] || fail "no $golden (LXTEST_REGEN=1 makes one)"
# Under --loader=elf lxrun serves the execve itself: the one difference.
if [ "${LXRUN_LOADER:-}" = elf ]; then
	sed '1s/^\(execve(.*\) \[native\]$/\1 [emulated]/' "$golden" \
	    >"$tmp/golden.expected"
	golden="$tmp/golden.expected"
fi
same_file "golden trace" "$golden" "$tmp/full" || fail "--trace changed"
echo "--trace: $(wc -l <"$tmp/full") lines as expected"

# -e trace=SET prints the same lines, only those of SET.
trace filtered -e trace=openat,unlinkat
grep -E '^(openat|unlinkat)\(|^\+\+\+ ' "$golden" >"$tmp/filtered.want"
same_file "-e trace=openat,unlinkat" "$tmp/filtered.want" "$tmp/filtered" ||
    fail "-e trace= filtering"
echo "-e trace=openat,unlinkat: $(wc -l <"$tmp/filtered") lines"

# As strace: %desc includes the *at calls, which take a directory fd.
trace classes -e trace=%desc
for c in 'write(1,' 'close(3)' 'pipe2(' 'dup3(' 'fcntl(10' 'lseek(0' \
    'mkdirat(' 'unlinkat('; do
	grep -qF "$c" "$tmp/classes" || fail "-e trace=%desc lacks $c"
done
for c in 'rename(' 'access(' 'rt_sigprocmask(' 'nanosleep(' 'getrandom('; do
	grep -qF "$c" "$tmp/classes" && fail "-e trace=%desc shows $c"
done
echo "-e trace=%desc: $(wc -l <"$tmp/classes") lines"
