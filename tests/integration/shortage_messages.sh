#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# When lxrun's own resources run out, the program gets the error Linux
# gives for that kind of shortage and lxrun says, once, which limit of
# its own ran out and how to raise it (issue 20 item 7).  Here: lxrun
# started with a hard RLIMIT_NOFILE of 160 and a program that makes 120
# epoll instances with a socket registered in each: natively that fits
# (123 fds), but lxrun holds fds of its own for each instance, so it runs
# out first.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog many_regs)
tmp=$(lx_tmpdir)
rc=0

# natively, with the same limit: every registration works
native=$(sh -c "ulimit -n 160 && exec '$prog' 120")
echo "native: $native"
[ "$native" = "ok 120" ] || { echo "FAIL: native run: $native"; exit 1; }

sh -c "ulimit -n 160 && exec '$LXRUN' --trace-format=json \
    -o '$tmp/trace.json' '$prog' 120" >"$tmp/out" 2>"$tmp/err"
echo "lxrun: $(cat "$tmp/out")"
sed 's/^/  stderr: /' "$tmp/err"
case $(cat "$tmp/out") in
"ok 120")
	echo "FAIL: lxrun did not run out (the test needs a tighter limit)"
	rc=1 ;;
"ok "*", then epoll_ctl ENOSPC"|"ok "*", then epoll_create1 ENOMEM")
	;;
*)
	echo "FAIL: not an error Linux gives when it runs short (epoll_ctl ENOSPC, epoll_create1 ENOMEM)"
	rc=1 ;;
esac
n=$(grep -c "lxrun: lxrun ran out of file descriptors of its own" \
    "$tmp/err")
[ "$n" = 1 ] || { echo "FAIL: the message came $n times, not once"; rc=1; }
grep -q "ulimit -Hn" "$tmp/err" ||
    { echo "FAIL: the message does not say how to raise the limit"; rc=1; }
grep -q '"event":"note"' "$tmp/trace.json" ||
    { echo "FAIL: no note in the JSON trace"; rc=1; }
grep -q '"epoll_create1".*"emulated"' "$tmp/trace.json" ||
    { echo "FAIL: the trace does not show epoll served by lxrun"; rc=1; }
exit $rc
