#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A root lxrun never acts on a file the guest does not hold (issue 16,
# cases 1-3; docs/security.md).  The guest drops to nobody (setpriv) and:
#  - makes memfd, epoll and inotify objects from a thread with a private
#    fd table, where the same numbers in the leader's table are a root
#    file (must keep its mode), a file open for writing (must not grow)
#    and a 0700 directory (its names must not reach the guest);
#  - races another thread that dup2s a root file (or the 0700 directory)
#    onto the number the injected call just returned.
# Each object must still work as on Linux, and the JSON trace must show
# that lxrun served the calls.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
[ "$(id -u)" = 0 ] || skip "needs root (the attacks target a root lxrun)"
need_cmd setpriv
prog=$(build_prog attack)
tmp=$(lx_tmpdir)
chmod 755 "$(dirname "$tmp")" "$tmp"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
rc=0
# Without PIDFD_THREAD (Linux < 6.9) lxrun cannot take fds from a thread's
# private table: epoll and inotify creation run natively there and an
# inotify_add_watch fails (docs/security.md); only the safety is checked.
thread_pidfds=yes
"$PYTHON" -c 'import os; os.pidfd_open(os.getpid(), 0x80)' 2>/dev/null ||
    thread_pidfds=no
echo "thread pidfds: $thread_pidfds"

echo data >"$tmp/victim"
chmod 644 "$tmp/victim"
: >"$tmp/wvictim"
chown 65534 "$tmp/wvictim"
mkdir "$tmp/secret" "$tmp/pub"
chmod 700 "$tmp/secret"
chmod 777 "$tmp/pub" "$tmp"

bad() {
	echo "FAIL: $*" >&2
	rc=1
}

# served TRACE NAME...: each NAME appears in TRACE as "emulated".
served() {
	_t=$1
	shift
	"$PYTHON" "$CHECK_TRACE" "$_t" --emulated "$@" --unsupported \
	    --native || bad "$_t: not served by lxrun: $*"
}

# watch_names NAME CMD...: run CMD (which writes $tmp/ready once its
# watch is set), then create a name in the secret and in the public
# directory; CMD's output is in $tmp/NAME.out.
watch_names() {
	_n=$1
	shift
	rm -f "$tmp/ready" "$tmp/secret/"* "$tmp/pub/"*
	"$@" >"$tmp/$_n.out" 2>"$tmp/$_n.err" &
	_pid=$!
	wait_until 20 test -f "$tmp/ready" || bad "$_n: the guest never got ready"
	touch "$tmp/secret/leaked-name" "$tmp/pub/visible"
	wait "$_pid"
	cat "$tmp/$_n.out"
	grep -q "event name leaked-name" "$tmp/$_n.out" &&
	    bad "$_n: a name from the 0700 directory reached the guest"
	[ -n "${only_safety:-}" ] || grep -q "event name visible" \
	    "$tmp/$_n.out" ||
	    bad "$_n: the watch on the public directory reported nothing"
	only_safety=
}

# 1. private fd tables
"$LXRUN" --trace-format=json -o "$tmp/t1.json" -- $NOBODY "$prog" \
    fdtable-memfd "$tmp/victim" >"$tmp/m.out" 2>&1 || bad "fdtable-memfd failed"
cat "$tmp/m.out"
[ "$(stat -c %a "$tmp/victim")" = 644 ] ||
    bad "memfd: lxrun changed the mode of a root file to $(stat -c %a "$tmp/victim")"
grep -q "memfd mode 777" "$tmp/m.out" || bad "memfd: mode is not Linux's 0777"
grep -q "memfd reads hello" "$tmp/m.out" || bad "memfd: does not work"
served "$tmp/t1.json" memfd_create

"$LXRUN" --trace-format=json -o "$tmp/t2.json" -- $NOBODY "$prog" \
    fdtable-epoll "$tmp/wvictim" >"$tmp/e.out" 2>&1 || bad "fdtable-epoll failed"
cat "$tmp/e.out"
[ "$(stat -c %s "$tmp/wvictim")" = 0 ] ||
    bad "epoll: lxrun wrote into an unrelated file"
grep -q "epoll_wait = 1" "$tmp/e.out" || bad "epoll: the event was lost"
[ $thread_pidfds = yes ] && served "$tmp/t2.json" epoll_create1 epoll_ctl \
    epoll_wait

[ $thread_pidfds = no ] && only_safety=1
watch_names fdtable-inotify "$LXRUN" --trace-format=json -o "$tmp/t3.json" \
    -- $NOBODY --no-new-privs "$prog" fdtable-inotify "$tmp/secret" \
    "$tmp/pub" "$tmp/ready"
served "$tmp/t3.json" inotify_add_watch

# 2. and 3. races on the number an injected call returned
"$LXRUN" -- $NOBODY --no-new-privs "$prog" race-memfd "$tmp/victim" 2 ||
    bad "race-memfd failed"
[ "$(stat -c %a "$tmp/victim")" = 644 ] ||
    bad "memfd race: lxrun changed the mode of a root file"
watch_names race-inotify "$LXRUN" -- $NOBODY --no-new-privs "$prog" \
    race-inotify "$tmp/secret" "$tmp/pub" "$tmp/ready" 2

# lxrun itself run as nobody: the same programs work as natively
$NOBODY "$LXRUN" --trace-format=json -o "$tmp/t4.json" -- "$prog" \
    fdtable-memfd "$tmp/victim" >"$tmp/m2.out" 2>&1 ||
    bad "fdtable-memfd under a nobody lxrun failed"
grep -q "memfd reads hello" "$tmp/m2.out" || bad "memfd under a nobody lxrun"
[ $thread_pidfds = no ] && only_safety=1
watch_names nobody-lxrun $NOBODY "$LXRUN" -- "$prog" fdtable-inotify \
    "$tmp/secret" "$tmp/pub" "$tmp/ready"
exit $rc
