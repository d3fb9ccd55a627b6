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

# Which of lxrun's calls runs short first depends on how its fd table
# is laid out when the limit is reached (F_DUPFD failing, or every number
# below the limit already taken), so the run is repeated with 0 to 6 more
# fds inherited: each way must fail as Linux would and say so once.
for extra in 0 1 2 3 4 5 6; do
	redir=
	i=0
	while [ $i -lt $extra ]; do
		redir="$redir exec $((i + 3))</dev/null &&"
		i=$((i + 1))
	done
	sh -c "ulimit -n 160 &&$redir exec '$LXRUN' --trace-format=json \
	    -o '$tmp/trace.json' '$prog' 120" >"$tmp/out" 2>"$tmp/err"
	echo "lxrun, $extra more fds: $(cat "$tmp/out")"
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
done
exit $rc
