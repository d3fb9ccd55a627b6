#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --trace options on the golden program: -tt time stamps, -T durations,
# -y fd paths, -s string cut, and how each call was served (a line for an
# emulated call says so, and so does one for an unknown number).
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog="$LXTEST_BUILD/golden"
lx_cc "$prog" "$ROOT/tests/integration/src/golden.c" -nostdlib -static \
    -fno-stack-protector -fno-pie -no-pie
tmp=$(lx_tmpdir)

# trace NAME LXRUN-OPTIONS...: leaves the trace in $tmp/NAME.
trace() {
	n=$1
	shift
	mkdir -p "$tmp/$n.cwd"
	# A short argv[0], so that -s does not cut it: ./golden.
	cp "$prog" "$tmp/$n.cwd/golden"
	(cd "$tmp/$n.cwd" && exec timeout -k 5 30 "$LXRUN" --trace "$@" \
	    -o "$tmp/$n" -- ./golden) </dev/null >/dev/null 2>"$tmp/$n.err" ||
	    { cat "$tmp/$n.err" >&2; fail "lxrun $* failed"; }
}

# expect NAME ERE WHAT: some line of trace NAME matches ERE.
expect() {
	grep -Eq -- "$2" "$tmp/$1" || { cat "$tmp/$1" >&2;
	    fail "$3: no line matches $2"; }
	echo "$3: ok"
}

trace tt -tt
expect tt '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6} write\(1, "hello' \
    "-tt prefixes HH:MM:SS.micro"
trace ttt -ttt
expect ttt '^[0-9]{10}\.[0-9]{6} write\(1, "hello' \
    "-ttt prefixes epoch seconds"
trace T -T
expect T '^write\(1, "hello, golden\\n", 14\) += 14.* <[0-9]+\.[0-9]{6}>$' \
    "-T appends <seconds>"
trace y -y
expect y "^write\\(3<$tmp/y.cwd/golden.txt>, \"data\\\\n\", 5\\)" \
    "-y shows the fd's path"
expect y '^close\(3<[^>]*golden.txt>\)' "-y on close"
trace s -s 4
expect s '^write\(1, "hell"\.\.\., 14\)' "-s 4 cuts strings"
trace plain
expect plain '^getrandom\(.*emulated' "an emulated call says so"
expect plain '^syscall_0x1f4\(.*ENOSYS.*unsupported' \
    "an unknown number is unsupported"
if grep -E '^(write|openat|close)\(' "$tmp/plain" | grep -Eq 'emulated|unsupported'; then
	fail "a native call is marked emulated or unsupported"
fi

# Before the program runs its process is lxrun's code: a PATH search's
# failed execs and -u's id changes are not the program's calls and are
# not shown (strace searches PATH itself and shows only the exec).
mkdir -p "$tmp/path.cwd"
cp "$prog" "$tmp/path.cwd/golden"
(cd "$tmp/path.cwd" && PATH="$tmp/no-such-dir:$tmp/path.cwd:$PATH" \
    exec timeout -k 5 30 "$LXRUN" --trace -o "$tmp/path" -- golden) \
    </dev/null >/dev/null 2>"$tmp/path.err" ||
    { cat "$tmp/path.err" >&2; fail "lxrun --trace golden (PATH) failed"; }
head -n 1 "$tmp/path" | grep -Eq "^execve\\(\"$tmp/path.cwd/golden\", .* = 0" ||
    { cat "$tmp/path" >&2; fail "a PATH search: not the exec first"; }
grep -q '^execve(.*ENOENT' "$tmp/path" &&
    { cat "$tmp/path" >&2; fail "a PATH search's failed exec is shown"; }
echo "a PATH search: only the exec that ran the program is shown"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$tmp" "$tmp/path.cwd"
	(cd "$tmp/path.cwd" && exec timeout -k 5 30 "$LXRUN" --trace \
	    -o "$tmp/user" -u nobody -- ./golden) </dev/null >/dev/null \
	    2>"$tmp/user.err" || true
	head -n 1 "$tmp/user" | grep -q '^execve("./golden"' ||
	    { cat "$tmp/user" >&2; fail "-u: not the exec first"; }
	echo "-u: lxrun's id changes are not shown"
fi
