#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# -ff -o FILE, as strace: each traced task's lines in FILE.TID (strace
# keeps one file per task, threads included), with no "[pid N]" prefix,
# each ending with that task's exit line; FILE itself is not written.
# src/ff_tasks.c has a main thread, a second thread and a child, each
# opening a file named after itself.  Also: -ff without -o is -f (one
# stream, prefixed lines), -ff with -c is refused as strace refuses it,
# --report with -ff goes to FILE, and the JSON trace splits the same way.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
prog=$(build_prog ff_tasks)
tmp=$(lx_tmpdir)

# ff NAME LXRUN-OPTIONS...: run ff_tasks in $tmp/NAME.cwd; leaves
# $tmp/NAME.out (its stdout) and $tmp/NAME.err.
ff() {
	n=$1
	shift
	mkdir -p "$tmp/$n.cwd"
	(cd "$tmp/$n.cwd" && exec timeout -k 5 30 "$LXRUN" "$@" -- "$prog") \
	    </dev/null >"$tmp/$n.out" 2>"$tmp/$n.err"
	st=$?
	[ "$st" = 0 ] || { cat "$tmp/$n.err" >&2; fail "$n: exit status $st"; }
}

task() {	# task NAME WHO: the tid ff_tasks printed for WHO
	sed -n "s/^$2 //p" "$tmp/$1.out"
}

# check_files NAME BASE EXT: the three files BASE.TID, nothing else.
check_files() {
	n=$1 base=$2
	main=$(task "$n" main) thread=$(task "$n" thread) child=$(task "$n" child)
	[ -n "$main" ] && [ -n "$thread" ] && [ -n "$child" ] ||
	    fail "$n: ff_tasks did not say its tids: $(cat "$tmp/$n.out")"
	[ -e "$base" ] && fail "$n: -ff wrote $base itself"
	got=$(cd "$(dirname "$base")" && ls | grep "^$(basename "$base")\." |
	    sort | tr '\n' ' ')
	want=$(for t in $main $thread $child; do
	    echo "$(basename "$base").$t"; done | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "$n: files '$got', want '$want'"
	for who in main thread child; do
		t=$(task "$n" $who)
		f="$base.$t"
		grep -q "$who-marker" "$f" ||
		    fail "$n: $who's call is not in $f"
		for other in main thread child; do
			[ $other = $who ] && continue
			grep -q "$other-marker" "$f" &&
			    fail "$n: $other's call is in $who's file $f"
		done
	done
}

ff text -ff -o "$tmp/trace"
check_files text "$tmp/trace"
main=$(task text main) thread=$(task text thread) child=$(task text child)
grep -q '^\[pid' "$tmp"/trace.* && fail "a per-task file has [pid N] prefixes"
grep -q '^execve(' "$tmp/trace.$main" || fail "the main file lacks execve"
for t in $main $thread; do
	[ "$(tail -n 1 "$tmp/trace.$t")" = "+++ exited with 0 +++" ] ||
	    fail "trace.$t does not end with its exit: $(tail -n 1 \
	    "$tmp/trace.$t")"
done
[ "$(tail -n 1 "$tmp/trace.$child")" = "+++ exited with 3 +++" ] ||
    fail "the child's file does not end with its exit status 3"
grep -q '^wait4(\|^waitid(' "$tmp/trace.$child" &&
    fail "the parent's wait is in the child's file"
[ -s "$tmp/text.err" ] && fail "stderr: $(cat "$tmp/text.err")"
echo "-ff -o: trace.$main, trace.$thread (thread), trace.$child (child)," \
    "each with its own calls and exit line"

# --output-separately is the long form; JSON lines split the same way,
# each record's tid the file's.
ff json --output-separately -o "$tmp/j" --trace-format=json
check_files json "$tmp/j"
for f in "$tmp"/j.*; do
	t=${f##*.}
	"$PYTHON" - "$f" "$t" <<'PY' || fail "JSON records of $f"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["tid"] == int(sys.argv[2]), r
PY
done
echo "--output-separately --trace-format=json: one JSON file per task"

# -ff without -o: strace's -f, one stream with [pid N] prefixes.
ff noo --trace -ff
grep -q "^\[pid *$(task noo child)\] openat(AT_FDCWD, \"child-marker\"" \
    "$tmp/noo.err" || fail "-ff without -o: no prefixed child line"
ls "$tmp/noo.cwd" | grep -q . && fail "-ff without -o wrote files"
echo "-ff without -o: one stream, [pid N] prefixes"

# --report with -ff: the report goes to FILE, the trace to FILE.TID.
ff rep -ff --report -o "$tmp/r"
check_files_report() {
	grep -q "NetBSD" "$tmp/r" || fail "--report -ff: no report in FILE"
	grep -q "child-marker" "$tmp/r" && fail "--report -ff: trace in FILE"
	grep -q "child-marker" "$tmp/r.$(task rep child)" ||
	    fail "--report -ff: no per-task trace"
}
check_files_report
echo "--report -ff -o FILE: the report in FILE"

# -c and -ff: refused, as strace refuses them.
"$LXRUN" -c -ff -o "$tmp/c" true >/dev/null 2>"$tmp/c.err"
st=$?
[ "$st" = 125 ] || fail "-c -ff: exit $st, want 125"
grep -q "mutually exclusive" "$tmp/c.err" || fail "-c -ff: $(cat "$tmp/c.err")"
echo "-c -ff: refused"

# A pid used twice in one run (pid numbers wrap on a long run): the
# second task's lines are appended to FILE.PID, not written over the
# first's.  ff_reuse forces the reuse in a pid namespace of its own.
reuse=$(build_prog ff_reuse)
mkdir "$tmp/reuse.cwd"
if [ "$(id -u)" != 0 ] || ! unshare -pf --mount-proc true 2>/dev/null; then
	echo "no pid namespace here: pid reuse not checked"
	exit 0
fi
(cd "$tmp/reuse.cwd" && exec timeout -k 5 30 unshare -pf --mount-proc \
    "$LXRUN" -ff -o "$tmp/reuse" -- "$reuse") </dev/null \
    >"$tmp/reuse.out" 2>"$tmp/reuse.err" ||
    { cat "$tmp/reuse.out" "$tmp/reuse.err" >&2; fail "ff_reuse: status $?"; }
pid=$(sed -n 's/^reused //p' "$tmp/reuse.out")
[ -n "$pid" ] || fail "ff_reuse: $(cat "$tmp/reuse.out")"
grep -q first-marker "$tmp/reuse.$pid" &&
    grep -q second-marker "$tmp/reuse.$pid" ||
    fail "pid $pid used twice: reuse.$pid lacks a task's lines"
[ "$(grep -c '^+++ exited with 0 +++$' "$tmp/reuse.$pid")" = 2 ] ||
    fail "reuse.$pid does not have both exit lines"
echo "-ff: pid $pid used twice, both tasks' lines in reuse.$pid"
