#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A memfd under lxrun is a file in /dev/shm (issue 16 case 4;
# docs/security.md), one with no name (O_TMPFILE) since issue 17: no other
# user may open it, whatever they do to watch the directory, and names
# someone else holds there never make memfd_create fail.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
[ "$(id -u)" = 0 ] || skip "needs root (two users: guest and snooper)"
need_cmd setpriv
[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm"
prog=$(build_prog attack)
tmp=$(lx_tmpdir)
ls -a /dev/shm | grep '^\.lxrun-memfd-' >"$tmp/before" || :
chmod 777 "$(dirname "$tmp")" "$tmp"
rc=0

bad() {
	echo "FAIL: $*" >&2
	rc=1
}

# snoop AS-UID LXRUN-PREFIX...: uid 1 (daemon) watches /dev/shm and opens
# every new file while the guest makes memfds holding a secret.  Only the
# files of this lxrun (its pid is in their names) count: other programs
# may use /dev/shm meanwhile.
snoop() {
	_name=$1
	shift
	rm -f "$tmp/ready"
	setpriv --reuid=1 --regid=1 --clear-groups "$prog" snoop /dev/shm 4 \
	    "$tmp/ready" >"$tmp/$_name.snoop" 2>&1 &
	_pid=$!
	wait_until 10 test -f "$tmp/ready" || bad "$_name: no snooper"
	"$@" "$prog" memfd-loop 2 >"$tmp/$_name.out" 2>&1 &
	_lx=$!
	wait "$_lx" || bad "$_name: memfd-loop failed: $(cat "$tmp/$_name.out")"
	wait "$_pid"
	cat "$tmp/$_name.out"
	tail -n 1 "$tmp/$_name.snoop"
	if grep -q "^opened \.lxrun-memfd-$_lx-" "$tmp/$_name.snoop"; then
		bad "$_name: another user opened a memfd's backing file"
	fi
}

snoop root-guest "$LXRUN" --
snoop nobody-guest "$LXRUN" -- setpriv --reuid=65534 --regid=65534 \
    --clear-groups --no-new-privs
snoop nobody-lxrun setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$LXRUN" --

# Names lxrun could once be made to collide on.
"$LXRUN" --trace-format=json -o "$tmp/t.json" -- "$prog" precreate \
    >"$tmp/p.out" 2>&1
cat "$tmp/p.out"
grep -q "after precreate: ok" "$tmp/p.out" ||
    bad "pre-created names made memfd_create fail"
"$PYTHON" "$CHECK_TRACE" "$tmp/t.json" --emulated memfd_create \
    --unsupported --native || bad "memfd_create was not served by lxrun"

# Nothing of lxrun's is left behind (a name another run makes at this
# moment is gone a second later).
sleep 1
left=$(ls -a /dev/shm | grep '^\.lxrun-memfd-' | grep -cvxF -f "$tmp/before")
[ "$left" = 0 ] || bad "$left memfd backing files left in /dev/shm"
exit $rc
