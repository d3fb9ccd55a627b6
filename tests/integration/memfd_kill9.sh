#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Nothing of a memfd outlives lxrun (issue 17): lxrun is killed with
# SIGKILL at a random moment of a loop of memfd_create (and exec of a
# memfd) 200 times; after each, the guest is gone and /dev/shm holds no
# backing file of that run (once, files named .lxrun-memfd-LXRUNPID-*
# were left when the kill came between the guest's open and unlink).
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm"
prog=$(build_prog memfd_churn)
tmp=$(lx_tmpdir)
RUNS=${MEMFD_KILL9_RUNS:-200}
BATCH=4

# one_run I: start, kill at a random moment, check; a line in $tmp/bad.I
# for each thing left behind.
one_run() {
	ready="$tmp/ready.$1"
	"$LXRUN" -- "$prog" "$ready" </dev/null >/dev/null 2>"$tmp/err.$1" &
	lx=$!
	if ! wait_until 20 test -s "$ready"; then
		kill -KILL "$lx" 2>/dev/null
		echo "run $1: the guest did not start: $(cat "$tmp/err.$1")" \
		    >>"$tmp/bad.$1"
		return
	fi
	# 0 to 39 ms into the loop
	sleep "$(printf '0.%03d' $(( $(od -An -N1 -tu1 /dev/urandom) % 40 )))"
	kill -KILL "$lx"
	wait "$lx" 2>/dev/null
	guest=$(cat "$ready")
	wait_until 5 is_gone "$guest" ||
	    echo "run $1: guest $guest outlived lxrun" >>"$tmp/bad.$1"
	for f in $(ls -a /dev/shm | grep "^\.lxrun-memfd-$lx-"); do
		echo "run $1 (lxrun $lx): /dev/shm/$f left" >>"$tmp/bad.$1"
		rm -f "/dev/shm/$f"
	done
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	b=0
	while [ "$b" -lt "$BATCH" ] && [ "$i" -lt "$RUNS" ]; do
		one_run "$i" &
		i=$((i + 1))
		b=$((b + 1))
	done
	wait
done
if ls "$tmp"/bad.* >/dev/null 2>&1; then
	cat "$tmp"/bad.* >&2
	fail "$(cat "$tmp"/bad.* | wc -l) things outlived lxrun"
fi
echo "$RUNS runs killed: no guest and no backing file left"
