#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun scan's time (issue 14's benchmark: under 2 s each): syncthing (a
# 21 MB Go binary, with ld.so and libc) and python3 with its libraries
# (those it needs, and the extension modules it dlopens for json, socket,
# ssl, hashlib and sqlite3).  Five runs each; prints the median wall time
# and the median CPU time (user + system), which the machine's other load
# disturbs less.  Never fails on speed.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LXRUN=${LXRUN:-$ROOT/lxrun}
RUNS=${RUNS:-5}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

py=/usr/bin/python3
dyn=$("$py" -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))' \
    2>/dev/null)
pyargs=""
for m in _json _socket select _ssl _hashlib _sqlite3 math _random; do
	for f in "$dyn"/lib-dynload/$m.cpython-*.so; do
		[ -f "$f" ] && pyargs="$pyargs --dlopen $f"
	done
done

# bench NAME ARGS...: RUNS scans, median wall and CPU seconds.
bench() {
	_n=$1
	shift
	: >"$tmp/$_n"
	_i=0
	while [ "$_i" -lt "$RUNS" ]; do
		# %e wall, %U user, %S system
		/usr/bin/time -f '%e %U %S' -o "$tmp/t" "$LXRUN" scan -o /dev/null \
		    "$@" || return
		cat "$tmp/t" >>"$tmp/$_n"
		_i=$((_i + 1))
	done
	awk '{ w[NR] = $1; c[NR] = $2 + $3 }
	    function med(a, n,  i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)] }
	    END { printf "%-28s wall %.2f s  cpu %.2f s  (median of %d)\n",
		name, med(w, NR), med(c, NR), NR }' name="$_n" "$tmp/$_n"
}

[ -x /usr/bin/time ] || { echo "bench/scan: needs /usr/bin/time (Debian package time)"; exit 0; }
echo "lxrun scan: $LXRUN scan -o /dev/null PROGRAM"
[ -x /usr/bin/syncthing ] && bench syncthing /usr/bin/syncthing
# shellcheck disable=SC2086
[ -x "$py" ] && bench "python3 (with dlopen'ed)" $pyargs "$py"
[ -x "$py" ] && bench python3 "$py"
exit 0
