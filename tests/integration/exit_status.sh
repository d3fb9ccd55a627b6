#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun's exit status: the guest's (0, 3, 255), 128+N when the guest dies
# by signal N (lxrun dies by it too), 127 for a program that does not
# exist and 126 for one that cannot be executed, each with a message on
# stderr starting "lxrun: ", and 125 for a bad lxrun option.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
tmp=$(lx_tmpdir)

# expect STATUS WHAT LXRUN-ARGS...: lxrun exits with STATUS.
expect() {
	want=$1 what=$2
	shift 2
	timeout -k 5 30 "$LXRUN" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		cat "$tmp/err" >&2
		fail "$what: exit status $got, expected $want"
	fi
	echo "$what: $got"
}

# message WHAT: lxrun's own failure was explained on stderr.
message() {
	grep -q '^lxrun: ' "$tmp/err" ||
	    fail "$1: no 'lxrun: ' message on stderr: $(cat "$tmp/err")"
	echo "    $(head -n 1 "$tmp/err")"
}

expect 0 "exit 0" -- /bin/sh -c 'exit 0'
expect 3 "exit 3" -- /bin/sh -c 'exit 3'
expect 255 "exit 255" -- /bin/sh -c 'exit 255'
expect 0 "/bin/true" /bin/true
expect 1 "/bin/false" /bin/false
expect 137 "guest killed by SIGKILL" -- /bin/sh -c 'kill -KILL $$'
expect 143 "guest killed by SIGTERM" -- /bin/sh -c 'kill -TERM $$'
expect 138 "guest killed by SIGUSR1" -- /bin/sh -c 'kill -USR1 $$'

expect 127 "missing program" -- "$tmp/no-such-program"
message "missing program"
expect 127 "missing program in PATH" -- lxrun-no-such-program-here
message "missing program in PATH"
printf 'not a program\n' >"$tmp/not-exec"
chmod 644 "$tmp/not-exec"
expect 126 "not executable" -- "$tmp/not-exec"
message "not executable"
expect 126 "a directory" -- "$tmp"
message "a directory"
expect 125 "unknown option" --no-such-option /bin/true
message "unknown option"
