# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=sh
#
# Helpers shared by tests/diff/run.sh and the tests/integration/*.sh
# scripts.  Sourced, never run.  An integration script exits 0 for a pass,
# 77 for a skip and anything else for a failure; it may be run on its own
# (sh tests/integration/NAME.sh) from anywhere.
#
# Set by the caller or guessed here:
#   ROOT    the repository (where ./lxrun lives)
#   LXRUN   the lxrun binary to test (default $ROOT/lxrun)
#   CC      the compiler for test programs (default cc)

if [ -z "${ROOT:-}" ]; then
	ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fi
LXRUN=${LXRUN:-$ROOT/lxrun}
CC=${CC:-cc}
PYTHON=${PYTHON:-python3}
LXTEST_BUILD=${LXTEST_BUILD:-$ROOT/build/tests/integration}
CHECK_TRACE="$ROOT/tests/diff/lib/check_trace.py"
export CHECK_TRACE
export ROOT LXRUN CC PYTHON LXTEST_BUILD

# Temporary directories made by lx_tmpdir live under one base directory
# per process, removed at exit unless LXTEST_KEEP is set.
_lx_tmpbase=$(mktemp -d "${TMPDIR:-/tmp}/lxtest.XXXXXX") || exit 1
_lx_cleanup() {
	if [ -n "${LXTEST_KEEP:-}" ]; then
		echo "kept $_lx_tmpbase" >&2
	else
		rm -rf "$_lx_tmpbase"
	fi
}
trap _lx_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# lx_tmpdir: print the name of a new empty directory.
lx_tmpdir() {
	mktemp -d "$_lx_tmpbase/t.XXXXXX" || exit 1
}

# fail MESSAGE...: report and end the test as failed.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# skip MESSAGE...: end the test as skipped.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# need_lxrun: skip if there is no lxrun to test.
need_lxrun() {
	[ -x "$LXRUN" ] || fail "no lxrun at $LXRUN (run make first)"
}

# need_cmd CMD...: skip unless every command exists.
need_cmd() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "needs $_c"
	done
}

# lx_cc OUT SRC [CFLAGS...]: compile a test program when SRC is newer.
lx_cc() {
	_out=$1 _src=$2
	shift 2
	mkdir -p "$(dirname "$_out")"
	if [ ! -x "$_out" ] || [ "$_src" -nt "$_out" ]; then
		$CC -O1 -pthread -Wall -o "$_out" "$_src" "$@" ||
		    fail "cannot compile $_src"
	fi
}

# build_prog NAME [CFLAGS...]: compile tests/integration/src/NAME.c (or
# tests/diff/NAME.c) into $LXTEST_BUILD and print the binary's path.
build_prog() {
	_n=$1
	shift
	if [ -f "$ROOT/tests/integration/src/$_n.c" ]; then
		_s="$ROOT/tests/integration/src/$_n.c"
	else
		_s="$ROOT/tests/diff/$_n.c"
	fi
	lx_cc "$LXTEST_BUILD/$_n" "$_s" "$@" >&2
	echo "$LXTEST_BUILD/$_n"
}

# proc_state PID: the one-letter state of PID (R S D T t Z ...), or
# nothing when the process is gone.
proc_state() {
	[ -r "/proc/$1/stat" ] || return 0
	# The comm field may hold spaces and parentheses: cut after the last ')'.
	sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null
}

# wait_until SECONDS COMMAND...: poll COMMAND every 20 ms until it
# succeeds; false if it never does.
wait_until() {
	_limit=$(( $1 * 50 ))
	shift
	_i=0
	while [ "$_i" -lt "$_limit" ]; do
		"$@" && return 0
		sleep 0.02
		_i=$((_i + 1))
	done
	return 1
}

# file_has FILE PATTERN: FILE exists and a line matches PATTERN (grep -E).
file_has() {
	[ -f "$1" ] && grep -Eq -- "$2" "$1"
}

# is_stopped PID: PID is in a stopped or traced-stopped state.
is_stopped() {
	case $(proc_state "$1") in
	T|t) return 0 ;;
	esac
	return 1
}

# is_gone PID: PID has exited (gone, or a zombie waiting for its reaper).
is_gone() {
	case $(proc_state "$1") in
	''|Z|X) return 0 ;;
	esac
	return 1
}

# same_file WHAT EXPECTED ACTUAL: compare two files, diff on mismatch.
same_file() {
	if ! cmp -s "$2" "$3"; then
		echo "$1 differs (--- native/expected, +++ lxrun):" >&2
		diff -u "$2" "$3" | head -40 >&2
		return 1
	fi
	return 0
}

# run_native DIR PROG [ARGS...]: run with stdin /dev/null and the fresh,
# empty directory $LXTEST_CWD (default DIR/cwd) as working directory,
# under timeout (LXTEST_TIMEOUT seconds, default 30); leaves
# DIR/out, DIR/err and DIR/status (as the shell sees it: 128+N for a
# death by signal N).
run_native() {
	_dir=$1
	shift
	_cwd=${LXTEST_CWD:-$_dir/cwd}
	mkdir -p "$_cwd"
	(cd "$_cwd" && exec timeout -k 5 "${LXTEST_TIMEOUT:-30}" "$@" \
	    </dev/null >"$_dir/out" 2>"$_dir/err")
	echo $? >"$_dir/status"
}

# lx_snapshot PID: the process tree under PID, each process's state,
# what it waits in, its tracer and its signals (pending, blocked,
# caught), for the log of a run that timed out.
lx_snapshot() {
	for _p in $(ps -e -o pid=,ppid= | awk -v root="$1" '
	    { parent[$1] = $2 }
	    END { for (p in parent) { q = p
		while (q != "" && q != 0 && q != root) q = parent[q]
		if (q == root) print p } }' | sort -n); do
		[ -r "/proc/$_p/status" ] || continue
		printf '%s %s wchan=%s' "$_p" "$(tr '\0' ' ' \
		    <"/proc/$_p/cmdline" 2>/dev/null | cut -c1-60)" \
		    "$(cat "/proc/$_p/wchan" 2>/dev/null)"
		sed -n 's/^\(State\|TracerPid\|SigPnd\|ShdPnd\|SigBlk\|SigCgt\):[[:space:]]*/ \1=/p' \
		    "/proc/$_p/status" 2>/dev/null | tr -d '\n'
		for _t in /proc/$_p/task/*; do
			[ "${_t##*/}" = "$_p" ] && continue
			printf ' [thread %s %s]' "${_t##*/}" \
			    "$(sed -n 's/^State:[[:space:]]*//p' "$_t/status" \
			    2>/dev/null)"
		done
		echo
	done
}

# run_lxrun DIR [LXRUN-OPTIONS...] -- PROG [ARGS...]: the same under lxrun.
# A run that is about to time out leaves DIR/hang: the state of every
# process under lxrun a second before it is killed.
run_lxrun() {
	_dir=$1
	shift
	_cwd=${LXTEST_CWD:-$_dir/cwd}
	mkdir -p "$_cwd"
	rm -f "$_dir/hang" "$_dir/hang.part"
	(cd "$_cwd" && exec timeout -k 5 "${LXTEST_TIMEOUT:-30}" "$LXRUN" "$@" \
	    </dev/null >"$_dir/out" 2>"$_dir/err") &
	_run=$!
	(_i=1; while [ $_i -lt "${LXTEST_TIMEOUT:-30}" ]; do
		sleep 1
		kill -0 "$_run" 2>/dev/null || exit 0
		_i=$((_i + 1))
	done; lx_snapshot "$_run" >"$_dir/hang.part"
	mv "$_dir/hang.part" "$_dir/hang") </dev/null >/dev/null 2>&1 &
	_watch=$!
	wait "$_run"
	echo $? >"$_dir/status"
	# a snapshot under way is let finish
	[ -e "$_dir/hang.part" ] || kill "$_watch" 2>/dev/null
	wait "$_watch" 2>/dev/null
	return 0
}

# compare_runs NATIVE-DIR LXRUN-DIR: stdout, stderr and status equal.
compare_runs() {
	_ok=0
	same_file stdout "$1/out" "$2/out" || _ok=1
	same_file stderr "$1/err" "$2/err" || _ok=1
	if [ "$(cat "$1/status")" != "$(cat "$2/status")" ]; then
		echo "exit status: native $(cat "$1/status")," \
		    "lxrun $(cat "$2/status")" >&2
		_ok=1
	fi
	if [ $_ok -ne 0 ] && [ -s "$2/hang" ]; then
		echo "processes a second before the timeout:" >&2
		sed 's/^/  /' "$2/hang" >&2
	fi
	return $_ok
}
