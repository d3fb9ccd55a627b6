#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# -u USER, as strace -u: lxrun (root) runs the program with USER's real,
# effective and saved uid and gid and USER's supplementary groups, and
# set-uid programs it runs still gain their privileges (lxrun does not
# set no_new_privs).  Checked with nobody:
#   1. the ids, from /proc/self/status and id(1), and a created file's
#      owner; the exit status passes through; -D -u too;
#   2. emulation still works as the user: epoll_kinds (a differential
#      test program) prints what it prints natively and lxrun served its
#      epoll calls ("emulated"); the only thing lxrun may say is that the
#      process cannot take per-fd seccomp rules (it lost CAP_SYS_ADMIN),
#      so lxrun checks its calls itself;
#   3. a set-uid root copy of id(1) runs with euid 0;
#   1b. a user with supplementary groups gets them all;
#   4. refused: an unknown user, a uid given as a name, and -u when lxrun
#      is not root.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd setpriv id
[ "$(id -u)" = 0 ] || skip "-u needs lxrun to run as root"
uid=$(id -u nobody 2>/dev/null) || skip "no user nobody"
gid=$(id -g nobody)
groups=$(id -G nobody)
tmp=$(lx_tmpdir)
# nobody must reach $tmp: open the per-run base directory for traversal.
chmod 711 "$(dirname "$tmp")"
chmod 777 "$tmp"

# 1. The ids.
out=$(timeout -k 5 30 "$LXRUN" -u nobody -- sh -c \
    'grep "^[UG]id:" /proc/self/status; id -G; touch "$1/made"' sh "$tmp" \
    </dev/null 2>"$tmp/ids.err") || fail "lxrun -u nobody sh: status $?"
[ -s "$tmp/ids.err" ] && fail "-u nobody: stderr: $(cat "$tmp/ids.err")"
want=$(printf 'Uid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s\n%s' \
    "$uid" "$uid" "$uid" "$uid" "$gid" "$gid" "$gid" "$gid" "$groups")
[ "$out" = "$want" ] || fail "-u nobody: ids
$out
want
$want"
[ "$(stat -c %u:%g "$tmp/made")" = "$uid:$gid" ] ||
    fail "-u nobody: a created file is owned by $(stat -c %u:%g "$tmp/made")"
echo "-u nobody: real, effective, saved uid $uid and gid $gid, groups" \
    "'$groups', files made as nobody"

timeout -k 5 30 "$LXRUN" -u nobody sh -c 'exit 7' </dev/null
st=$?
[ "$st" = 7 ] || fail "-u nobody sh -c 'exit 7': status $st"
out=$(timeout -k 5 30 "$LXRUN" -D -u nobody id -u </dev/null) ||
    fail "-D -u nobody id: status $?"
[ "$out" = "$uid" ] || fail "-D -u nobody: uid $out"
echo "-u: the exit status passes through; -D -u nobody runs as nobody"

# 1b. A user with supplementary groups (any member of a group in
# /etc/group, postgres on a machine with PostgreSQL): the groups the name
# service gives, as id(1) reads them.
member=$(awk -F: '$4 != "" { split($4, m, ","); print m[1]; exit }' \
    /etc/group)
if [ -n "$member" ] && id "$member" >/dev/null 2>&1; then
	want=$(id -G "$member")
	out=$(timeout -k 5 30 "$LXRUN" -u "$member" -- id -G </dev/null) ||
	    fail "-u $member id -G: status $?"
	[ "$out" = "$want" ] || fail "-u $member: groups '$out', want '$want'"
	echo "-u $member: groups '$out', as id -G $member says"
else
	echo "no user with supplementary groups here: part 1b not run"
fi

# 2. Emulated objects as the user.
prog=$(build_prog epoll_kinds)
mkdir "$tmp/native" "$tmp/lx"
chmod 777 "$tmp/lx"
(cd "$tmp/native" && exec timeout -k 5 30 "$prog") </dev/null \
    >"$tmp/native.out" 2>&1 || fail "epoll_kinds natively: status $?"
(cd "$tmp/lx" && exec timeout -k 5 60 "$LXRUN" -u nobody \
    --trace-format=json -o "$tmp/lx.json" -- "$prog") </dev/null \
    >"$tmp/lx.out" 2>"$tmp/lx.err" ||
    { cat "$tmp/lx.err" >&2; fail "epoll_kinds under -u nobody: status $?"; }
same_file "epoll_kinds -u nobody" "$tmp/native.out" "$tmp/lx.out" ||
    fail "epoll_kinds -u nobody: not its native output"
grep -v 'cannot take another seccomp rule (it has neither CAP_SYS_ADMIN' \
    "$tmp/lx.err" | grep -q . && fail "-u nobody: stderr: $(cat "$tmp/lx.err")"
"$PYTHON" - "$tmp/lx.json" "$uid" <<'PY' || fail "epoll_kinds: not emulated"
import json, sys
served = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "name" in r:
        served.setdefault(r["name"], set()).add(r["served"])
for name in ("epoll_create1", "epoll_ctl", "epoll_wait"):
    assert "emulated" in served.get(name, ()), (name, served.get(name))
PY
echo "-u nobody: epoll_kinds as natively, epoll emulated$(
    [ -s "$tmp/lx.err" ] && echo ' (in checked mode)')"

# 3. A set-uid program gains its privileges, as under strace -u.
mkdir "$tmp/suid"
chmod 755 "$tmp/suid"
cp "$(command -v id)" "$tmp/suid/id"
chmod 4755 "$tmp/suid/id"
if [ "$(setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    "$tmp/suid/id" -u 2>/dev/null)" != 0 ]; then
	echo "set-uid programs do not gain privileges here (nosuid?): part 3 not run"
else
	out=$(timeout -k 5 30 "$LXRUN" -u nobody -- sh -c \
	    '"$1" -u; "$1" -ru' sh "$tmp/suid/id" </dev/null) ||
	    fail "-u nobody set-uid id: status $?"
	[ "$out" = "0
$uid" ] || fail "-u nobody set-uid id: euid, uid '$out', want 0 and $uid"
	echo "-u nobody: a set-uid root program runs with euid 0"
fi

# 4. Refusals.
"$LXRUN" -u lxrun-no-such-user true >/dev/null 2>"$tmp/bad.err"
st=$?
[ "$st" = 125 ] && grep -q "cannot find user" "$tmp/bad.err" ||
    fail "-u unknown user: status $st, $(cat "$tmp/bad.err")"
# a number is a user's name, not a uid, as for getpwnam and strace -u
"$LXRUN" -u "$uid" true >/dev/null 2>"$tmp/bad.err"
st=$?
[ "$st" = 125 ] && grep -q "cannot find user '$uid'" "$tmp/bad.err" ||
    fail "-u $uid (a number): status $st, $(cat "$tmp/bad.err")"
setpriv --reuid="$uid" --regid="$gid" --clear-groups "$LXRUN" -u nobody \
    true >/dev/null 2>"$tmp/bad.err"
st=$?
[ "$st" = 125 ] && grep -q "needs lxrun to run as root" "$tmp/bad.err" ||
    fail "-u as non-root: status $st, $(cat "$tmp/bad.err")"
echo "-u: an unknown user, a uid for a name and a non-root lxrun are" \
    "refused (125)"
