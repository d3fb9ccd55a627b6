#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A root guest that drops its privileges without no_new_privs can no
# longer install seccomp filters (issue 16 case 7; docs/security.md).  The
# per-fd rules of sealed memfds, inotify fds and epoll registrations must
# still hold: lxrun checks them itself (checked mode) and says so on
# stderr and in the trace.  Natively and under lxrun (both trap modes) the
# program must print the same.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
[ "$(id -u)" = 0 ] || skip "needs root (the guest drops to nobody)"
prog=$(build_prog dropped)
tmp=$(lx_tmpdir)
chmod 755 "$(dirname "$tmp")"
rc=0

mkdir -m 777 "$tmp/native"
(cd "$tmp/native" && "$prog") >"$tmp/native.out" 2>&1
cat "$tmp/native.out"
for mode in filtered all; do
	mkdir -m 777 "$tmp/$mode"
	(cd "$tmp/$mode" && "$LXRUN" --trap=$mode --trace-format=json \
	    -o "$tmp/$mode.json" -- "$prog") >"$tmp/$mode.out" \
	    2>"$tmp/$mode.err"
	same_file "$mode: stdout" "$tmp/native.out" "$tmp/$mode.out" || rc=1
	grep -q "cannot take another seccomp rule" "$tmp/$mode.err" || {
		echo "$mode: lxrun did not say it checks the calls itself" >&2
		rc=1
	}
	grep -q '"event":"note"' "$tmp/$mode.json" || {
		echo "$mode: the trace has no note of checked mode" >&2
		rc=1
	}
	"$PYTHON" "$CHECK_TRACE" "$tmp/$mode.json" --emulated memfd_create \
	    inotify_init1 read epoll_ctl --unsupported --native || rc=1
done
exit $rc
