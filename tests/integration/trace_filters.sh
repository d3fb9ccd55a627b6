#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# strace's filters of what --trace prints, on the golden program (whose
# full trace is trace_golden.expected) and on a shell that signals
# itself:
#   -e status=SET (-z, -Z): only calls that ended so (successful, failed,
#     unfinished: exit_group never returns), and !SET;
#   -e signal=SET: only those signals' "--- SIG... ---" lines (names with
#     or without SIG, any case, numbers, !SET, none);
#   -q (nothing of lxrun's to leave out: it prints no attach or detach
#     lines), -qq and -e quiet=exit: no "+++ exited with N +++" line.
# Each must print exactly the matching lines of the full trace.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
golden="$ROOT/tests/integration/trace_golden.expected"
prog="$LXTEST_BUILD/golden"
lx_cc "$prog" "$ROOT/tests/integration/src/golden.c" -nostdlib -static \
    -fno-stack-protector -fno-pie -no-pie
tmp=$(lx_tmpdir)

normalise() {
	sed -e 's|/\* [0-9][0-9]* vars \*/|/* N vars */|' \
	    -e 's/0x[0-9a-f]\{5,\}/ADDR/g' "$@"
}

# trace NAME LXRUN-OPTIONS...: the golden program; leaves $tmp/NAME.
trace() {
	n=$1
	shift
	mkdir -p "$tmp/$n.cwd"
	cp "$prog" "$tmp/$n.cwd/golden"
	(cd "$tmp/$n.cwd" && exec timeout -k 5 30 "$LXRUN" --trace "$@" \
	    -o "$tmp/$n.raw" -- ./golden) </dev/null >/dev/null \
	    2>"$tmp/$n.err" || { cat "$tmp/$n.err" >&2;
	    fail "lxrun $* failed"; }
	[ -s "$tmp/$n.err" ] && fail "$n: stderr: $(cat "$tmp/$n.err")"
	normalise "$tmp/$n.raw" >"$tmp/$n"
}

# want NAME ERE: the golden lines matching ERE are NAME's expectation.
want() {
	grep -E -- "$2" "$golden" >"$tmp/$1.want" || true
	same_file "$1" "$tmp/$1.want" "$tmp/$1" || fail "$1: wrong lines"
	echo "$1: $(wc -l <"$tmp/$1") lines, as expected"
}

ok=' = [^-?]|^\+\+\+ '		# returned a value
err=' = -1 |^\+\+\+ '		# returned an error
unf=' = \?|^\+\+\+ '		# never returned
[ "$(grep -cE ' = [^-?]' "$golden")" -gt 10 ] &&
    [ "$(grep -cE ' = -1 ' "$golden")" -ge 3 ] ||
    fail "the golden trace lacks the calls this test needs"

trace successful -e status=successful
want successful "$ok"
trace z -z
want z "$ok"
trace failed -e status=failed
want failed "$err"
trace Z -Z
want Z "$err"
trace unfinished -e status=unfinished
want unfinished "$unf"
trace not_failed -e 'status=!failed'
want not_failed "$ok| = \\?"
trace two -e status=failed,unfinished
want two "$err| = \\?"
trace all -e status=all
want all '.'

# -qq and -e quiet=exit leave out the exit line, and only that.
trace qq -qq
want qq '^[^+]'
trace quiet_exit -e quiet=exit
want quiet_exit '^[^+]'
trace q -q
want q '.'

# Bad sets are refused as strace refuses them.
for bad in status=nosuch signal=SIGNOSUCH quiet=nosuch status= \
    signal=65 nosuchqual=1; do
	"$LXRUN" -e "$bad" true >/dev/null 2>"$tmp/bad.err" && \
	    fail "-e $bad was accepted"
	[ $? = 125 ] || fail "-e $bad: not exit 125"
done
echo "bad -e sets: refused"

# -e signal=: a shell that catches and sends itself SIGUSR1 and SIGUSR2.
sigtrace() {
	n=$1
	shift
	timeout -k 5 30 "$LXRUN" --trace "$@" -o "$tmp/$n" -- sh -c \
	    'trap : USR1 USR2; kill -USR1 $$; kill -USR2 $$; kill -USR1 $$' \
	    </dev/null >/dev/null 2>"$tmp/$n.err" || fail "sh under lxrun $*"
	grep -o '^--- SIG[A-Z0-9_]*' "$tmp/$n" | tr '\n' ' ' >"$tmp/$n.sigs"
}
sigwant() {
	[ "$(cat "$tmp/$1.sigs")" = "$2" ] ||
	    fail "$1: signal lines '$(cat "$tmp/$1.sigs")', want '$2'"
	grep -q '^kill(.*SIGUSR2)' "$tmp/$1" || fail "$1: the calls are gone"
	echo "$1: signal lines '$2'"
}
sigtrace sig_all
sigwant sig_all '--- SIGUSR1 --- SIGUSR2 --- SIGUSR1 '
sigtrace sig_usr2 -e signal=SIGUSR2
sigwant sig_usr2 '--- SIGUSR2 '
sigtrace sig_short -e signal=usr1
sigwant sig_short '--- SIGUSR1 --- SIGUSR1 '
sigtrace sig_not -e 'signal=!USR1'
sigwant sig_not '--- SIGUSR2 '
sigtrace sig_num -e signals=12
sigwant sig_num '--- SIGUSR2 '
sigtrace sig_none -e signal=none
sigwant sig_none ''
sigtrace sig_long --signal=SIGUSR1,SIGUSR2
sigwant sig_long '--- SIGUSR1 --- SIGUSR2 --- SIGUSR1 '
