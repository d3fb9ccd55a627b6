#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --report names the syscalls the run used that a BSD compat layer lacks:
# ioprio_set for NetBSD (once), not getppid (both have it); and
# --report-format=json says the same in JSON.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
prog=$(build_prog calls)
tmp=$(lx_tmpdir)

(cd "$tmp" && exec timeout -k 5 30 "$LXRUN" --report -- "$prog") \
    </dev/null >"$tmp/out" 2>"$tmp/report" || { cat "$tmp/report" >&2;
    fail "lxrun --report failed"; }
[ "$(cat "$tmp/out")" = "done" ] || fail "the guest's stdout changed"
cat "$tmp/report"
grep -qi 'netbsd' "$tmp/report" || fail "the report does not mention NetBSD"
grep -q 'ioprio_set' "$tmp/report" || fail "the report lacks ioprio_set"
# The NetBSD part (up to the first FreeBSD line) names ioprio_set; the
# FreeBSD part does not (the Linuxulator implements it).
awk '/FreeBSD/ { exit } /NetBSD/ { on = 1 } on' "$tmp/report" |
    grep -q 'ioprio_set' || fail "ioprio_set is not listed under NetBSD"
awk '/FreeBSD/ { on = 1 } /NetBSD/ && !/FreeBSD/ { on = 0 } on' \
    "$tmp/report" | grep -q 'ioprio_set' &&
    fail "ioprio_set is listed as missing on FreeBSD, which has it"
grep -Eq '(^|[^a-z_])getppid([^a-z_]|$)' "$tmp/report" &&
    fail "the report lists getppid, which both BSDs implement"

(cd "$tmp" && exec timeout -k 5 30 "$LXRUN" --report \
    --report-format=json -- "$prog") </dev/null >"$tmp/out" \
    2>"$tmp/report.json" || fail "lxrun --report-format=json failed"
"$PYTHON" - "$tmp/report.json" <<'PY' || fail "JSON report"
import json, sys
text = open(sys.argv[1]).read()
# The report is the last JSON value on stderr.
start = text.find("{")
doc = json.loads(text[start:])
found = []
def walk(v, path):
    if isinstance(v, dict):
        if "ioprio_set" in (v.get("name"), v.get("syscall")):
            found.append((path, v))
        for k, x in v.items():
            walk(x, path + [k])
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, path + [str(i)])
walk(doc, [])
netbsd = [(p, v) for p, v in found if any("netbsd" in s.lower() for s in p)
          or "netbsd" in json.dumps(v).lower()]
print("ioprio_set entries:", json.dumps(found))
if not netbsd:
    print("report.json: no NetBSD entry for ioprio_set", file=sys.stderr)
    sys.exit(1)
counts = [v.get("count", v.get("calls")) for p, v in netbsd]
if 1 not in counts:
    print("report.json: ioprio_set count is not 1: %r" % counts, file=sys.stderr)
    sys.exit(1)
free = [p for p, v in found if any("freebsd" in s.lower() for s in p)]
if free:
    print("report.json: ioprio_set listed under FreeBSD: %r" % free, file=sys.stderr)
    sys.exit(1)
if "getppid" in json.dumps(doc):
    print("report.json: lists getppid", file=sys.stderr)
    sys.exit(1)
PY
