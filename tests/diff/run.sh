#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Differential and integration tests of lxrun.
#
#   sh tests/diff/run.sh [NAME...]
#
# Differential test NAME: tests/diff/NAME.c is compiled (cc -O1 -pthread)
# into build/tests/diff/, run natively and twice under lxrun:
#     lxrun --trap=filtered --trace-format=json -o TRACE [args:] PROG
#         (lxrun's default trapping: only what lxrun must see stops, so
#         per-fd trap rules and the untraced fast path are what runs;
#         the trace shows the calls that stopped)
#     lxrun --trace-format=json -o TRACE [args:] PROG
#         (every call stops, as on a NetBSD host)
# each with stdin /dev/null, the same environment and a fresh empty working
# directory under $TMPDIR (or /tmp), under timeout.  stdout, stderr and the
# exit status (as the shell sees it) must equal the native run's, and the
# JSON traces must pass lib/check_trace.py with the expectations of
# tests/diff/NAME.expect:
#     emulated: SYSCALL...       each served "emulated" at least once
#     unsupported: SYSCALL|NR... each served "unsupported" (-ENOSYS)
#     native: SYSCALL...         each served "native" at least once (only
#                                checked in the run that traps everything)
#     args: LXRUN-OPTIONS        extra lxrun options
#     cflags: CC-OPTIONS         extra compiler options (e.g. -static)
#     timeout: SECONDS           default 30
# Lines starting with '#' are comments.  A program that exits 77 in its
# native run could not set up what it needs (a loop mount, say): the test
# is skipped, and the last line of its stderr says why.
#
# Integration test NAME: tests/integration/NAME.sh, run with sh; exit 0 is
# a pass, 77 a skip, anything else a failure.
#
# With no NAME, runs every differential test, then every integration
# test.  Prints one line per test and ends with "N passed, N failed" (and
# ", N skipped").  Exits 1 if any test failed.
#
# Environment: LXRUN (default ./lxrun), CC (default cc), LXRUN_LOADER=elf
# (lxrun's ELF loader; then every trace must show execve served emulated),
# LXTEST_KEEP=1 keeps
# the temporary directories, LXTEST_VERBOSE=1 prints the details of passing
# tests too, LXTEST_TIMEOUT_SCALE=N multiplies each differential test's
# timeout (an emulated VM runs 7-20 times slower; check-vm sets it).

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/diff/lib/common.sh"

DIFF_BUILD="$ROOT/build/tests/diff"
LOGDIR="$ROOT/build/tests/log"
mkdir -p "$DIFF_BUILD" "$LOGDIR" "$LXTEST_BUILD"

npass=0
nfail=0
nskip=0
failed=""

# expect_field NAME KEY: the words after "KEY:" in NAME.expect, if any.
expect_field() {
	_e="$ROOT/tests/diff/$1.expect"
	[ -f "$_e" ] || return 0
	sed -n "s/^[[:space:]]*$2:[[:space:]]*//p" "$_e" | sed 's/#.*//' |
	    tr '\n' ' ' | sed 's/[[:space:]]*$//'
}

# run_diff NAME LOG: one differential test; its details go to LOG.
run_diff() {
	_name=$1
	_src="$ROOT/tests/diff/$_name.c"
	_bin="$DIFF_BUILD/$_name"
	_work="$DIFF_BUILD/$_name.run"
	rm -rf "$_work"
	mkdir -p "$_work/native" "$_work/filtered" "$_work/all"

	# The cflags field is a list of options: split on purpose.
	# shellcheck disable=SC2046
	if ! $CC -O1 -pthread -Wall -o "$_bin" "$_src" \
	    $(expect_field "$_name" cflags); then
		echo "cannot compile $_src"
		return 1
	fi
	# Under LXRUN_LOADER=elf every run starts with lxrun's own exec.
	_loader_exec=
	[ "${LXRUN_LOADER:-}" = elf ] && _loader_exec=execve
	_to=$(expect_field "$_name" timeout)
	_to=$((${_to:-30} * ${LXTEST_TIMEOUT_SCALE:-1}))
	_args=$(expect_field "$_name" args)

	LXTEST_CWD=$(lx_tmpdir) LXTEST_TIMEOUT=$_to \
	    run_native "$_work/native" "$_bin"
	if [ "$(cat "$_work/native/status")" = 77 ]; then
		tail -n 1 "$_work/native/err"
		return 77
	fi
	_rc=0
	for _mode in filtered all; do
		_trace="$_work/trace-$_mode.json"
		_trap=
		_native=
		if [ $_mode = filtered ]; then
			_trap=--trap=filtered
		else
			_native=$(expect_field "$_name" native)
		fi
		echo "== lxrun $_trap (trace: $_trace)"
		# $_args is a list of options: split on purpose.
		# shellcheck disable=SC2086
		LXTEST_CWD=$(lx_tmpdir) LXTEST_TIMEOUT=$_to \
		    run_lxrun "$_work/$_mode" $_trap --trace-format=json \
		    -o "$_trace" $_args -- "$_bin"
		compare_runs "$_work/native" "$_work/$_mode" || _rc=1
		[ "$(cat "$_work/$_mode/status")" = 124 ] &&
		    echo "lxrun run timed out after ${_to}s"
		# shellcheck disable=SC2046
		"$PYTHON" "$CHECK_TRACE" "$_trace" \
		    --emulated $(expect_field "$_name" emulated) $_loader_exec \
		    --unsupported $(expect_field "$_name" unsupported) \
		    --native $_native || _rc=1
	done
	return $_rc
}

# run_integration NAME LOG: one tests/integration script, within 120 s
# or the script's own "# lxtest-timeout: SECONDS" line (a test that builds
# a Go program or starts a browser needs more on a loaded machine);
# LXTEST_INTEGRATION_TIMEOUT overrides both.
run_integration() {
	_to=$(sed -n 's/^# lxtest-timeout: *\([0-9][0-9]*\).*/\1/p' \
	    "$ROOT/tests/integration/$1.sh" | head -n 1)
	timeout -k 5 "$(( ${LXTEST_INTEGRATION_TIMEOUT:-${_to:-120}} * \
	    ${LXTEST_TIMEOUT_SCALE:-1} ))" \
	    sh "$ROOT/tests/integration/$1.sh" </dev/null
}

# report NAME STATUS LOG: print the result line, and the log if it failed.
report() {
	case $2 in
	0)
		npass=$((npass + 1))
		echo "PASS $1"
		[ -n "${LXTEST_VERBOSE:-}" ] && sed 's/^/    /' "$3"
		;;
	77)
		nskip=$((nskip + 1))
		echo "SKIP $1 ($(tail -n 1 "$3"))"
		;;
	*)
		nfail=$((nfail + 1))
		failed="$failed $1"
		echo "FAIL $1"
		sed 's/^/    /' "$3" | head -60
		;;
	esac
}

# run_one NAME: a differential test if tests/diff/NAME.c exists, else an
# integration test.
run_one() {
	_n=${1%.c}
	_n=${_n%.sh}
	_n=${_n##*/}
	_log="$LOGDIR/$_n.log"
	if [ -f "$ROOT/tests/diff/$_n.c" ]; then
		run_diff "$_n" >"$_log" 2>&1
		report "$_n" $? "$_log"
	elif [ -f "$ROOT/tests/integration/$_n.sh" ]; then
		run_integration "$_n" >"$_log" 2>&1
		report "$_n" $? "$_log"
	else
		echo "no test named $_n" >"$_log"
		report "$_n" 1 "$_log"
	fi
}

if [ ! -x "$LXRUN" ]; then
	echo "run.sh: no lxrun at $LXRUN (run make first)" >&2
	exit 1
fi
command -v "$PYTHON" >/dev/null 2>&1 ||
    { echo "run.sh: needs $PYTHON" >&2; exit 1; }

if [ $# -gt 0 ]; then
	for t in "$@"; do
		run_one "$t"
	done
else
	for t in "$ROOT"/tests/diff/*.c "$ROOT"/tests/integration/*.sh; do
		[ -f "$t" ] && run_one "$t"
	done
fi

if [ "$nskip" -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ "$nfail" -eq 0 ]
