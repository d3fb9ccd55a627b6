# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=sh
#
# Helpers shared by tests/programs/syncthing.sh, nebula.sh and
# report_syncthing.sh.  Sourced, never run.  Builds on
# tests/diff/lib/common.sh (ROOT, LXRUN, PYTHON, fail, skip, lx_tmpdir,
# wait_until, ...).
#
# Every process a test starts in the background is started through
# bg_start, which remembers its pid; at exit (pass, fail or signal) the
# remembered pids and the processes they started themselves are sent
# SIGTERM and, a few seconds later, SIGKILL, by pid.  Other cleanups (network
# namespaces, veths) are added with at_cleanup.

if [ -z "${ROOT:-}" ]; then
	ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fi
. "$ROOT/tests/diff/lib/common.sh"
PROGLIB="$ROOT/tests/programs/lib"
PROGTOOL="$PROGLIB/progtool.py"

_pl_pids=""
_pl_cleanups=""

# at_cleanup COMMAND: run the shell command COMMAND at exit (last added
# runs first).  Its failures are ignored.
at_cleanup() {
	_pl_cleanups="$1
$_pl_cleanups"
}

# bg_start OUTFILE COMMAND [ARGS...]: start COMMAND in the background with
# stdin /dev/null and stdout and stderr to OUTFILE; sets BG_PID.
bg_start() {
	_out=$1
	shift
	"$@" </dev/null >"$_out" 2>&1 &
	BG_PID=$!
	_pl_pids="$_pl_pids $BG_PID"
}

# bg_forget PID: PID was reaped by the test itself.
bg_forget() {
	_n=""
	for _p in $_pl_pids; do
		[ "$_p" = "$1" ] || _n="$_n $_p"
	done
	_pl_pids=$_n
}

# tree_pids PID: PID and its descendants (from /proc), one a line.
tree_pids() {
	"$PYTHON" "$PROGTOOL" tree "$1" 2>/dev/null
}

# kill_tree SIG PID: send SIG to PID's descendants and PID, by pid.
kill_tree() {
	for _k in $(tree_pids "$2"); do
		kill "-$1" "$_k" 2>/dev/null
	done
}

_pl_cleanup() {
	_st=$?
	trap - EXIT INT TERM
	_live=""
	for _p in $_pl_pids; do
		is_gone "$_p" && continue
		_live="$_live $(tree_pids "$_p" | tr '\n' ' ')"
	done
	if [ -n "$_live" ]; then
		for _p in $_live; do
			kill -TERM "$_p" 2>/dev/null
		done
		_i=0
		while [ $_i -lt 30 ]; do
			_any=""
			for _p in $_live; do
				is_gone "$_p" || _any=1
			done
			[ -z "$_any" ] && break
			sleep 0.1
			_i=$((_i + 1))
		done
		for _p in $_live; do
			is_gone "$_p" || kill -KILL "$_p" 2>/dev/null
		done
	fi
	wait 2>/dev/null
	# Run the registered cleanups one line at a time.
	printf '%s\n' "$_pl_cleanups" | while IFS= read -r _c; do
		[ -n "$_c" ] && eval "$_c" >/dev/null 2>&1
	done
	_lx_cleanup
	exit $_st
}
trap _pl_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# private_netns: when root and unshare(1) works, re-run this script in a
# new network namespace that has only lo (so nothing the program does can
# leave the machine) and bring lo up there.  Call it after need_pkg (apt
# needs the network) and before starting anything; the script takes no
# arguments.
private_netns() {
	if [ -n "${LXTEST_IN_NETNS:-}" ]; then
		ip link set lo up || fail "cannot bring lo up in the private netns"
		echo "running in a private network namespace (lo only)"
		return 0
	fi
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
	    unshare -n true 2>/dev/null || return 0
	# exec skips the EXIT trap: drop this process's (still empty) temp
	# base; the new shell makes its own.
	rmdir "$_lx_tmpbase" 2>/dev/null
	trap - EXIT
	LXTEST_IN_NETNS=1 exec unshare -n -- sh "$0"
}

# need_root: skip unless running as root.
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# need_pkg CMD PACKAGE: skip unless CMD exists, installing the Debian
# PACKAGE first when CMD is missing and we are root with apt-get.
need_pkg() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing $2 (for $1)"
		DEBIAN_FRONTEND=noninteractive timeout 600 \
		    apt-get install -y "$2" >/dev/null 2>&1 ||
		    { DEBIAN_FRONTEND=noninteractive timeout 300 \
		    apt-get update -qq >/dev/null 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive timeout 600 \
		    apt-get install -y "$2" >/dev/null 2>&1; }
	fi
	command -v "$1" >/dev/null 2>&1 ||
	    skip "needs $1 (Debian package $2; install as root)"
}

# row_status NAME: lxrun's status for syscall NAME (emulated, native,
# partial, missing), from --list-syscalls=json.  "native" for a row of
# epoll, inotify or memfd means that family is still pending.
row_status() {
	"$PYTHON" "$PROGTOOL" rowstatus "$LXRUN" "$1"
}

# now_s: seconds since the epoch with fractions.
now_s() {
	date +%s.%N
}

# elapsed T0: seconds since T0 (a now_s value), 2 decimals.
elapsed() {
	"$PYTHON" -c 'import sys, time
print("%.2f" % (time.time() - float(sys.argv[1])))' "$1"
}

# cpu_ticks PID: utime+stime (clock ticks) of PID and its descendants.
cpu_ticks() {
	"$PYTHON" "$PROGTOOL" cpu "$1"
}

# wait_exit SECONDS PID: wait for our background child PID to exit within
# SECONDS; sets WAIT_STATUS (its status, or "timeout").
# shellcheck disable=SC2034
wait_exit() {
	_lim=$(($1 * 10))
	_i=0
	while [ $_i -lt $_lim ]; do
		if is_gone "$2"; then
			wait "$2"
			WAIT_STATUS=$?
			bg_forget "$2"
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	WAIT_STATUS=timeout
	return 1
}
