#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# --list-syscalls: the JSON form parses and has one row per syscall of the
# data file (383), with numbers and names that match it and a status for
# lxrun and both BSDs; text and md forms have as many rows.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
tmp=$(lx_tmpdir)
data="$ROOT/data/compat-status-x86_64.tsv"
nrows=$(($(wc -l <"$data") - 1))

"$LXRUN" --list-syscalls=json >"$tmp/json" 2>"$tmp/err" ||
    fail "--list-syscalls=json: $(cat "$tmp/err")"
"$PYTHON" - "$tmp/json" "$data" <<'PY' || fail "--list-syscalls=json"
import json, sys
doc = json.load(open(sys.argv[1]))
rows = doc if isinstance(doc, list) else next(
    v for v in doc.values() if isinstance(v, list))
want = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    f = line.split("\t")
    want[int(f[0])] = f[1]
bad = []
if len(rows) != len(want):
    bad.append("%d rows, expected %d" % (len(rows), len(want)))
seen = {}
for r in rows:
    nr = r.get("nr", r.get("number"))
    seen[nr] = r
    if want.get(nr) != r.get("name"):
        bad.append("row %r: name %r, data file says %r"
                   % (nr, r.get("name"), want.get(nr)))
    text = json.dumps(r).lower()
    if "netbsd" not in text or "freebsd" not in text:
        bad.append("row %r lacks the BSD columns: %s" % (nr, text))
    if not any(s in text for s in ("native", "emulated", "partial", "missing")):
        bad.append("row %r lacks lxrun's status" % nr)
for nr in want:
    if nr not in seen:
        bad.append("no row for %d (%s)" % (nr, want[nr]))
for b in bad[:20]:
    print("list_syscalls:", b, file=sys.stderr)
print("%d rows" % len(rows))
ex = seen.get(318)
print("getrandom row:", json.dumps(ex))
sys.exit(1 if bad else 0)
PY

"$LXRUN" --list-syscalls >"$tmp/text" || fail "--list-syscalls"
"$LXRUN" --list-syscalls=text >"$tmp/text2" || fail "--list-syscalls=text"
cmp -s "$tmp/text" "$tmp/text2" || fail "text is not the default format"
n=$(grep -Ec '^ *[0-9]+ +[a-z_0-9]+ +(native|emulated|partial|missing)' "$tmp/text")
[ "$n" = "$nrows" ] || fail "--list-syscalls text: $n rows, expected $nrows"
"$LXRUN" --list-syscalls=md >"$tmp/md" || fail "--list-syscalls=md"
n=$(grep -Ec '^\| *[0-9]+ *\|' "$tmp/md")
[ "$n" = "$nrows" ] || fail "--list-syscalls=md: $n table rows, expected $nrows"
grep -Eq '^\|[ -:|]+\|$' "$tmp/md" || fail "--list-syscalls=md: no table header"
"$LXRUN" --list-syscalls=xml >/dev/null 2>&1 && fail "--list-syscalls=xml accepted"
echo "text, md: $nrows rows each"
