#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Guest-side runner of make check-vm, in plain POSIX sh (no bash, no GNU
# options, no /proc needed) so that any guest system with a Bourne shell
# can run it:
#
#   sh guest-run.sh SHARE
#
# SHARE is the directory the host shares with the guest (the host copies
# this file and job.env there).  job.env sets:
#   LXVM_ROOT     the lxrun tree, as the guest sees it
#   LXVM_SUITE    words: unit, diff, programs, quick, unit:NAME[,...],
#                 diff:NAME[,NAME...], programs:NAME[,...],
#                 case:NAME[,...] (tests/vm/cases)
#   LXVM_RESULTS  share (default: results.txt in SHARE, and the console)
#                 or console (the console only, for a guest whose share
#                 is read-only or absent)
#   LXVM_SLOW     1 when the VM is emulated (TCG): test timeouts grow
#   LXVM_TIMEOUT_SCALE  multiplies each differential test's time limit
# Every line of the suites goes to stdout (the VM's console).  The result
# lines are rewritten as "lxvm: STATUS SUITE/NAME ..." on the console and
# written without the prefix to SHARE/results.txt:
#   begin SYSNAME RELEASE uptime SECONDS
#   PASS|FAIL|SKIP SUITE/NAME [...]
#   suite SUITE exit STATUS
#   end STATUS
# The host reads results.txt, or the console when results.txt has no end
# line; a run without an end line is a failed run.

SHARE=${1:?usage: guest-run.sh SHARE}
# shellcheck disable=SC1091
. "$SHARE/job.env"
RESULTS="$SHARE/results.txt"
[ "${LXVM_RESULTS:-share}" = console ] && RESULTS=
[ -n "$RESULTS" ] && : >"$RESULTS"

say() {
	printf 'lxvm: %s\n' "$*"
	[ -n "$RESULTS" ] && printf '%s\n' "$*" >>"$RESULTS"
	return 0
}

uptime_s() {
	if [ -r /proc/uptime ]; then
		read -r up _ </proc/uptime
		echo "$up"
	else
		echo "-"
	fi
}

# The selftest's cases: tests/vm/cases/NAME.sh, exit 0 pass, 77 skip;
# ROOT and LXRUN as the suites set them.
run_cases() {
	_rc=0
	ROOT=$LXVM_ROOT
	LXRUN=$ROOT/lxrun
	export ROOT LXRUN
	for _n in "$@"; do
		sh "$LXVM_ROOT/tests/vm/cases/$_n.sh" </dev/null >/tmp/lxvm-case.log 2>&1
		case $? in
		0) echo "PASS $_n" ;;
		77) echo "SKIP $_n ($(tail -n 1 /tmp/lxvm-case.log))" ;;
		*)
			echo "FAIL $_n"
			sed 's/^/    /' /tmp/lxvm-case.log
			_rc=1
			;;
		esac
	done
	return $_rc
}

# The unit tests the host built (make unit-build): build/tests/unit/NAME.
run_unit() {
	_rc=0
	if [ $# = 0 ]; then
		for _b in "$LXVM_ROOT"/build/tests/unit/test_*; do
			[ -x "$_b" ] && set -- "$@" "${_b##*/}"
		done
		[ $# = 0 ] && { echo "FAIL unit (nothing in build/tests/unit: make unit-build)"; return 1; }
	fi
	for _n in "$@"; do
		"$LXVM_ROOT/build/tests/unit/$_n" </dev/null >/tmp/lxvm-unit.log 2>&1
		if [ $? = 0 ]; then
			echo "PASS $_n"
		else
			echo "FAIL $_n"
			grep -Ev '^\[ *(RUN|OK) *\]' /tmp/lxvm-unit.log | sed 's/^/    /'
			_rc=1
		fi
	done
	return $_rc
}

# run_suite SUITE [NAME...]: one suite, its result lines rewritten.
run_suite() {
	_suite=$1
	shift
	case $_suite in
	diff) set -- sh "$LXVM_ROOT/tests/diff/run.sh" "$@" ;;
	programs) set -- sh "$LXVM_ROOT/tests/programs/run.sh" "$@" ;;
	case) set -- run_cases "$@" ;;
	unit) set -- run_unit "$@" ;;
	*)
		say "FAIL $_suite (no such suite)"
		return 1
		;;
	esac
	{
		"$@" 2>&1
		echo "lxvm-suite-exit $?"
	} | while IFS= read -r _line; do
		case $_line in
		"PASS "* | "FAIL "* | "SKIP "*)
			say "${_line%% *} $_suite/${_line#* }"
			;;
		"lxvm-suite-exit "*)
			say "suite $_suite exit ${_line#lxvm-suite-exit }"
			;;
		*)
			printf '%s\n' "$_line"
			;;
		esac
	done
}

# The quick subset: one or two tests of each family and of the tracer.
QUICK="diff:core_exit3,core_forktree,core_sigstop,epoll_errno,epoll_pwait,inotify_file,memfd_seals,misc_statx,misc_waitid,json_trace"

if [ "${LXVM_SLOW:-0}" = 1 ]; then
	LXTEST_INTEGRATION_TIMEOUT=${LXTEST_INTEGRATION_TIMEOUT:-900}
	LXTEST_PROGRAM_TIMEOUT=${LXTEST_PROGRAM_TIMEOUT:-1800}
	export LXTEST_INTEGRATION_TIMEOUT LXTEST_PROGRAM_TIMEOUT
fi
LXTEST_TIMEOUT_SCALE=${LXVM_TIMEOUT_SCALE:-1}
export LXTEST_TIMEOUT_SCALE

say "begin $(uname -s) $(uname -r) uptime $(uptime_s)"
cd "$LXVM_ROOT" || { say "FAIL setup (no tree at $LXVM_ROOT)"; say "end 1"; exit 1; }
words=
for w in ${LXVM_SUITE:-unit diff programs}; do
	[ "$w" = quick ] && w=$QUICK
	words="$words $w"
done
for w in $words; do
	suite=${w%%:*}
	names=
	[ "$suite" != "$w" ] && names=$(echo "${w#*:}" | tr ',' ' ')
	# $names is a list of test names: split on purpose.
	# shellcheck disable=SC2086
	run_suite "$suite" $names
done
say "end 0 uptime $(uptime_s)"
