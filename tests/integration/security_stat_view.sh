#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun answers a path stat itself only when it sees what the guest sees
# (issue 16 cases 5, 6 and 8; docs/security.md): a user namespace where
# root's files are unmapped, a chroot made by a sibling thread, a second
# procfs mount.  Each case runs natively and under lxrun in a fresh
# directory and must print the same; the trace must show that lxrun
# served the stat calls.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
[ "$(id -u)" = 0 ] || skip "needs root (chroot, mount, user namespaces)"
need_cmd unshare
prog=$(build_prog statview)
tmp=$(lx_tmpdir)
rc=0

# same CASE [WRAPPER...] -- ARGS...: native and lxrun outputs agree.
same() {
	_case=$1
	shift
	_wrap=
	while [ "$1" != -- ]; do
		_wrap="$_wrap $1"
		shift
	done
	shift
	mkdir "$tmp/$_case.n" "$tmp/$_case.l"
	# $_wrap is a command prefix: split on purpose.
	# shellcheck disable=SC2086
	(cd "$tmp/$_case.n" && $_wrap "$prog" "$@") >"$tmp/$_case.native" 2>&1
	# shellcheck disable=SC2086
	(cd "$tmp/$_case.l" && $_wrap "$LXRUN" --trace-format=json \
	    -o "$tmp/$_case.json" -- "$prog" "$@") >"$tmp/$_case.lxrun" 2>&1
	cat "$tmp/$_case.native"
	same_file "$_case" "$tmp/$_case.native" "$tmp/$_case.lxrun" || rc=1
	"$PYTHON" "$CHECK_TRACE" "$tmp/$_case.json" --emulated newfstatat \
	    statx --unsupported --native || rc=1
}

same userns -- userns
same chroot -- chroot
# The second procfs is mounted where lxrun and its guest both see it: a
# private mount namespace made for the whole run, lxrun included.
mkdir "$tmp/p2"
printf 'mount -t proc proc "%s" && exec "$@"\n' "$tmp/p2" >"$tmp/inns.sh"
same procfs unshare -m --propagation private sh "$tmp/inns.sh" -- procfs \
    "$tmp/p2"
exit $rc
