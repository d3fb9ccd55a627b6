#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# How lxrun finds and starts its program, against glibc's execvp (which
# a shell and strace follow too): PATH in order, an entry that cannot be
# executed (EACCES: the search goes on, and is the error if nothing else
# is found), a file without #! (ENOEXEC: /bin/sh runs it), an empty PATH
# entry (the current directory), no PATH at all (/bin:/usr/bin), a name
# with a slash (no search).  And what the program inherits through
# lxrun's spawn (a clone that shares lxrun's memory until the exec): no
# parent-death signal, the caller's signal mask and dispositions (SIGPIPE
# ignored stays ignored), the caller's RLIMIT_NOFILE, no fd of lxrun's.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
tmp=$(lx_tmpdir)
st=$(build_prog spawn_state)
to=$(command -v timeout) || skip "needs timeout"

mkdir -p "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/d"
printf '#!/bin/sh\necho from-a\n' >"$tmp/a/prog"
chmod 644 "$tmp/a/prog"			# found first, not executable
printf '#!/bin/sh\necho from-b "$@"\n' >"$tmp/b/prog"
chmod 755 "$tmp/b/prog"
printf 'echo no-hashbang "$@"\n' >"$tmp/c/plain"
chmod 755 "$tmp/c/plain"		# ENOEXEC: execvp hands it to /bin/sh
cp "$tmp/b/prog" "$tmp/c/here"		# found through an empty PATH entry
printf '#!/bin/sh\necho nope\n' >"$tmp/d/noexec"
chmod 644 "$tmp/d/noexec"

# same WHAT PATH-OR-"unset" FILE ARGS...: in $tmp/c, lxrun prints and
# exits as execvp does; a failure's message is execvp's strerror.
same() {
	what=$1 pathv=$2
	shift 2
	if [ "$pathv" = unset ]; then
		envset="-u PATH"
	else
		envset="PATH=$pathv"
	fi
	# shellcheck disable=SC2086
	(cd "$tmp/c" && env $envset "$st" exec "$@") \
	    >"$tmp/n.out" 2>"$tmp/n.err" </dev/null
	n=$?
	# shellcheck disable=SC2086
	(cd "$tmp/c" && env $envset "$to" -k 5 30 "$LXRUN" -- "$@") \
	    >"$tmp/l.out" 2>"$tmp/l.err" </dev/null
	l=$?
	[ "$n" = "$l" ] ||
	    fail "$what: lxrun exits $l, execvp's way $n ($(cat "$tmp/l.err"))"
	cmp -s "$tmp/n.out" "$tmp/l.out" ||
	    fail "$what: lxrun printed '$(cat "$tmp/l.out")', natively '$(cat "$tmp/n.out")'"
	if [ "$n" -ge 126 ]; then
		grep -qF "$(cat "$tmp/n.err")" "$tmp/l.err" ||
		    fail "$what: lxrun said '$(cat "$tmp/l.err")', execvp's error is '$(cat "$tmp/n.err")'"
	fi
	echo "$what: $l $(head -n 1 "$tmp/l.out")"
}

same "EACCES entry skipped" "$tmp/a:$tmp/b" prog x y z
same "found in the first entry" "$tmp/b:$tmp/a" prog x y z
same "only an EACCES entry" "$tmp/a:$tmp/d" prog x y z
same "only a missing one" "$tmp/d:$tmp/b" noexecx x y z
same "EACCES, then missing" "$tmp/d:/nonexistent" noexec x y z
same "no #! (ENOEXEC): /bin/sh" "$tmp/c" plain x y z
same "empty PATH entry" ":$tmp/a" here x y z
same "PATH unset" unset true x y z
same "a slash: no search" "$tmp/b" ./plain x y z
same "a slash, not executable" "$tmp/b" "$tmp/d/noexec" x y z

# What the program inherits, natively and through lxrun.
"$st" with-state "$st" show >"$tmp/n.show" 2>&1 </dev/null ||
    fail "native show failed: $(cat "$tmp/n.show")"
timeout -k 5 30 "$st" with-state "$LXRUN" -- "$st" show >"$tmp/l.show" \
    2>&1 </dev/null || fail "show under lxrun failed: $(cat "$tmp/l.show")"
grep -q '^blocked: 10$' "$tmp/n.show" ||
    fail "the native run did not get the state: $(cat "$tmp/n.show")"
if ! cmp -s "$tmp/n.show" "$tmp/l.show"; then
	diff "$tmp/n.show" "$tmp/l.show" >&2
	fail "the program inherits another state through lxrun"
fi
sed 's/^/    /' "$tmp/l.show"
echo "inherited state: as native"
