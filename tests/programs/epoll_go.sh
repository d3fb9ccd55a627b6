#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A Go program (stdlib only: HTTP server and 200 concurrent clients, timers,
# os/exec, os/signal) gives the same output natively and under lxrun, and
# lxrun served its epoll calls itself.  Exit 0 pass, 77 skip (no go).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LXRUN=${LXRUN:-$ROOT/lxrun}
command -v go >/dev/null 2>&1 || { echo "go not installed"; exit 77; }
[ -x "$LXRUN" ] || { echo "no $LXRUN"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOCACHE="$tmp/cache" GOPATH="$tmp/gopath" GOFLAGS= GOTOOLCHAIN=local
(cd "$ROOT/tests/programs/go_http" && go build -o "$tmp/go_http" .) ||
    { echo "go build failed"; exit 1; }
"$tmp/go_http" >"$tmp/native.out" 2>&1
echo "native exit $?" >>"$tmp/native.out"
cat "$tmp/native.out"
# Plain (only the emulated calls stop), then with -c (every call stops).
"$LXRUN" "$tmp/go_http" >"$tmp/lxrun.out" 2>&1
echo "native exit $?" >>"$tmp/lxrun.out"
"$LXRUN" -c -o "$tmp/summary" "$tmp/go_http" >"$tmp/lxrun_c.out" 2>&1
echo "native exit $?" >>"$tmp/lxrun_c.out"
for o in lxrun lxrun_c; do
	if ! diff -u "$tmp/native.out" "$tmp/$o.out"; then
		echo "FAIL: output differs ($o)"
		exit 1
	fi
done
# The summary must count epoll calls; they are served by lxrun's handlers.
if ! grep -q "epoll_pwait\|epoll_wait" "$tmp/summary"; then
	echo "FAIL: no epoll call in the -c summary"
	cat "$tmp/summary"
	exit 1
fi
grep "epoll" "$tmp/summary"
echo PASS
