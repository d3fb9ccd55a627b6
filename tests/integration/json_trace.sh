#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --trace-format=json: every line parses, has the documented keys, and
# says how each call was served: getppid native (and returns lxrun's pid,
# the guest's parent), getrandom emulated, syscall 500 unsupported; counts
# match what the program made; a failed openat carries ret -2 and ENOENT.
# A multi-threaded guest's records carry one pid and many tids.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
prog=$(build_prog calls)
threads=$(build_prog core_threads)
tmp=$(lx_tmpdir)

(cd "$tmp" && exec "$LXRUN" --trace --trace-format=json -o "$tmp/calls.json" \
    -- "$prog") </dev/null >"$tmp/out" 2>"$tmp/err" &
lx=$!
wait $lx
st=$?
[ "$st" = 0 ] || { cat "$tmp/err" >&2; fail "lxrun exit status $st"; }
[ "$(cat "$tmp/out")" = "done" ] || fail "output: $(cat "$tmp/out")"
"$PYTHON" "$CHECK_TRACE" "$tmp/calls.json" --all getppid=native \
    --all getrandom=emulated --all 500=unsupported --native openat ||
    fail "served fields"

"$PYTHON" - "$tmp/calls.json" "$lx" <<'PY' || fail "trace contents"
import json, sys
recs = [r for r in map(json.loads, open(sys.argv[1])) if "nr" in r]
lxpid = int(sys.argv[2])
def count(pred):
    return sum(1 for r in recs if pred(r))
bad = []
for name, n in (("getppid", 10), ("ioprio_set", 1)):
    got = count(lambda r: r["name"] == name)
    if got != n:
        bad.append("%d %s records, expected %d" % (got, name, n))
# glibc's start-up may call getrandom(..., GRND_NONBLOCK) too: count ours.
ours = [r for r in recs if r["name"] == "getrandom" and len(r["args"]) == 3
        and r["args"][1:] == ["8", "0"]]
if len(ours) != 3:
    bad.append("%d getrandom(buf, 8, 0) records, expected 3: %r" % (len(ours), ours))
if count(lambda r: r["nr"] == 500) != 2:
    bad.append("expected 2 records of syscall 500")
for r in recs:
    if r["name"] == "getppid" and r["ret"] != lxpid:
        bad.append("getppid returned %r, lxrun is %d" % (r["ret"], lxpid))
        break
miss = [r for r in recs if r["name"] == "openat" and
        any("/nonexistent/lxrun-test" in a for a in r["args"])]
if len(miss) != 1 or miss[0]["ret"] != -2 or miss[0]["errno"] != "ENOENT":
    bad.append("failed openat: %r" % miss)
for r in ours:
    if r["ret"] != 8 or r["errno"] is not None:
        bad.append("getrandom: %r" % r)
        break
if len({r["pid"] for r in recs}) != 1 or any(r["pid"] != r["tid"] for r in recs):
    bad.append("single-threaded guest: pid and tid must agree")
ts = [r["t"] for r in recs]
if ts != sorted(ts):
    bad.append("start times t go backwards in a single-threaded trace")
for b in bad:
    print("json_trace:", b, file=sys.stderr)
print("%d records checked" % len(recs))
sys.exit(1 if bad else 0)
PY

(cd "$tmp" && exec "$LXRUN" --trace --trace-format=json -o "$tmp/threads.json" \
    -- "$threads") </dev/null >/dev/null 2>"$tmp/err" ||
    fail "core_threads under lxrun"
"$PYTHON" "$CHECK_TRACE" "$tmp/threads.json" || fail "threads trace"
"$PYTHON" - "$tmp/threads.json" <<'PY' || fail "threads trace contents"
import json, sys
recs = [r for r in map(json.loads, open(sys.argv[1])) if "nr" in r]
pids = {r["pid"] for r in recs}
tids = {r["tid"] for r in recs}
print("threads: %d records, %d pids, %d tids" % (len(recs), len(pids), len(tids)))
sys.exit(0 if len(pids) == 1 and len(tids) >= 13 else 1)
PY
