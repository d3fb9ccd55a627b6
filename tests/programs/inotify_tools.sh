#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# inotifywait -m (inotify-tools) and tail -f / tail -F (coreutils) under
# lxrun print what they print natively for a scripted sequence of file
# operations, and the JSON trace shows their inotify calls emulated.
# Exit 0: pass, 77: skip (a tool is missing), else failure.
#
# The sequence avoids what lxrun cannot see (docs/semantics.md, inotify):
# the IN_OPEN / IN_CLOSE_WRITE of the open that creates a file, and a
# rename from an unwatched directory.  Each step is given time to be
# reported before the next, as a person or a build tool would.

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LXRUN=${LXRUN:-$ROOT/lxrun}
for t in inotifywait tail python3; do
	command -v $t >/dev/null 2>&1 || { echo "skip: no $t"; exit 77; }
done
[ -x "$LXRUN" ] || { echo "no $LXRUN"; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

step() {
	sleep 0.3
	sh -c "$1"
}

# wait_for FILE TEXT: until FILE contains TEXT (5 s at most)
wait_for() {
	for _i in $(seq 50); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# inotifywait_run MODE: MODE is native or lxrun
inotifywait_run() {
	w="$TMP/$1/w"
	tag=$2
	rm -rf "$TMP/$1"
	mkdir -p "$w"
	echo one > "$w/existing"
	if [ "$1" = lxrun ]; then
		set -- "$LXRUN" --trace-format=json -o "$TMP/iw.trace" \
		    -e trace=inotify_init,inotify_init1,inotify_add_watch,read \
		    -- inotifywait
	else
		set -- inotifywait
	fi
	"$@" -m --format '%e %f' -e create,delete,moved_from,moved_to,attrib \
	    -e modify,close_write,delete_self "$w" >"$w.out" 2>"$w.err" &
	pid=$!
	wait_for "$w.err" "Watches established" || echo "no start" >>"$w.out"
	step "mkdir '$w/sub'"
	step "echo two >> '$w/existing'"
	step "chmod 600 '$w/existing'"
	step "mv '$w/existing' '$w/renamed'"
	step "rm '$w/renamed'"
	step "ln -s target '$w/link'"
	step "rm '$w/link'"
	step "rm -r '$w/sub'"
	step "rmdir '$w'"
	sleep 0.5
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cp "$w.out" "$TMP/iw.$tag"
}

inotifywait_run native n
inotifywait_run lxrun l
if ! cmp -s "$TMP/iw.n" "$TMP/iw.l"; then
	echo "inotifywait -m: output differs (native, lxrun):"
	diff "$TMP/iw.n" "$TMP/iw.l"
	fail=1
fi
echo "inotifywait -m native output:"
sed 's/^/    /' "$TMP/iw.n"

# tail_run MODE FLAG
tail_run() {
	d="$TMP/t$1"
	flag=$2
	rm -rf "$d"
	mkdir -p "$d"
	echo first > "$d/log"
	if [ "$1" = lxrun ]; then
		set -- "$LXRUN" --trace-format=json -o "$TMP/tail$2.trace" \
		    -e trace=inotify_init,inotify_init1,inotify_add_watch \
		    -- tail "$2" "$d/log"
	else
		set -- tail "$2" "$d/log"
	fi
	# -s 30: a tail that fell back to polling would miss the lines.
	"$@" -s 30 >"$d/out" 2>"$d/err" &
	pid=$!
	wait_for "$d/out" first
	step "echo second >> '$d/log'"
	step "echo third >> '$d/log'"
	if [ "$flag" = -F ]; then
		step "mv '$d/log' '$d/log.1'"
		step "echo fourth > '$d/log'"
		step "echo fifth >> '$d/log'"
	fi
	sleep 1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# tail's messages name the file: make the path the same.
	sed "s|$d|DIR|g" "$d/out" "$d/err"
}

for flag in -f -F; do
	tail_run native "$flag" >"$TMP/tail.n"
	tail_run lxrun "$flag" >"$TMP/tail.l"
	if ! cmp -s "$TMP/tail.n" "$TMP/tail.l"; then
		echo "tail $flag: output differs (native, lxrun):"
		diff "$TMP/tail.n" "$TMP/tail.l"
		fail=1
	fi
	echo "tail $flag native output:"
	sed 's/^/    /' "$TMP/tail.n"
done

# The trace must show the inotify calls answered by lxrun.
for t in iw tail-f tail-F; do
	python3 - "$TMP/$t.trace" <<'PY' || fail=1
import json, sys
seen = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    try:
        r = json.loads(line)
    except ValueError:
        continue
    name = r.get("syscall") or r.get("name")
    if name:
        seen.setdefault(name, set()).add(r.get("served"))
ok = any(n in seen and "emulated" in seen[n]
         for n in ("inotify_init", "inotify_init1"))
ok = ok and "emulated" in seen.get("inotify_add_watch", set())
if not ok:
    print(sys.argv[1] + ": inotify calls not served emulated: " +
          repr({k: sorted(v) for k, v in seen.items()}))
    sys.exit(1)
PY
done
exit $fail
