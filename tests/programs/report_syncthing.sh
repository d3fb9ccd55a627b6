#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun --report on syncthing: one instance (listening on 127.0.0.1 only,
# discovery, relays, NAT and reporting off) with a watched folder runs 8 s
# under `lxrun --report -o FILE`; a file is dropped into the folder at 4 s
# so the watcher sees an event; then SIGTERM to lxrun, which must return
# syncthing's status 0.  The report must give a NetBSD and a FreeBSD
# verdict, name ioprio_set among what NetBSD lacks and say lxrun served it
# ("emulated"), every syscall either BSD lacks must be served by lxrun
# (rseq too: lxrun answers ENOSYS as both BSD layers do), and the report's
# own verdict must say "lxrun served every missing syscall: yes".
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"

need_lxrun
need_cmd "$PYTHON"
need_pkg syncthing syncthing

private_netns

tmp=$(lx_tmpdir)
mkdir -p "$tmp/user" "$tmp/data/.stfolder"
HOME="$tmp/user" timeout 60 syncthing generate --home "$tmp/home" \
    --no-default-folder --skip-port-probing >"$tmp/gen.log" 2>&1 ||
    { cat "$tmp/gen.log" >&2; fail "syncthing generate"; }
# shellcheck disable=SC2046
set -- $("$PYTHON" "$PROGTOOL" freeports 2)
"$PYTHON" "$PROGTOOL" stconfig "$tmp/home" name=R listen="$1" gui="$2" \
    folder="lxreport,$tmp/data,1" || fail "config"

bg_start "$tmp/log" env HOME="$tmp/user" STNORESTART=1 STNOUPGRADE=1 \
    "$LXRUN" --report -o "$tmp/report.txt" -- \
    syncthing serve --home "$tmp/home" --no-browser --no-restart \
    --no-upgrade --gui-address="http://127.0.0.1:$2"
pid=$BG_PID
sleep 4
echo "dropped in at 4 s" >"$tmp/data/hello.txt"
sleep 4
is_gone "$pid" && { cat "$tmp/log" >&2; fail "syncthing ended early"; }
kill -TERM "$pid"
wait_exit 60 "$pid"
[ "$WAIT_STATUS" = 0 ] || { tail -n 20 "$tmp/log" >&2;
    fail "lxrun exit status $WAIT_STATUS on SIGTERM (syncthing's is 0)"; }
echo "lxrun returned syncthing's status 0 on SIGTERM"
[ -s "$tmp/report.txt" ] || fail "no report in $tmp/report.txt"
cat "$tmp/report.txt"

"$PYTHON" - "$tmp/report.txt" <<'PY' || fail "report contents"
import re, sys
text = open(sys.argv[1]).read()
# Each "<OS> ... lacks" section lists: syscall status calls served...
sections, cur = {}, None
for line in text.splitlines():
    m = re.match(r"(NetBSD|FreeBSD)\b.*\blacks\b", line)
    if m:
        cur = sections.setdefault(m.group(1), {})
        continue
    if not line.startswith("  ") or cur is None:
        if line.strip() == "":
            cur = None
        continue
    f = line.split()
    if len(f) >= 4 and f[0] != "syscall":
        cur[f[0]] = " ".join(f[3:])
bad = []
for os_ in ("NetBSD", "FreeBSD"):
    if not re.search(r"^%s: " % os_, text, re.M):
        bad.append("no %s verdict line" % os_)
nb = sections.get("NetBSD", {})
if "ioprio_set" not in nb:
    bad.append("ioprio_set is not among what NetBSD lacks")
elif not nb["ioprio_set"].startswith("emulated"):
    bad.append("ioprio_set was not served by lxrun: %s" % nb["ioprio_set"])
else:
    print("ok: NetBSD lacks ioprio_set, lxrun served it (%s)"
          % nb["ioprio_set"])
for os_, rows in sorted(sections.items()):
    for name, served in sorted(rows.items()):
        if served.startswith("emulated"):
            continue
        bad.append("%s lacks %s and lxrun did not serve it (%s)"
                   % (os_, name, served))
m = re.search(r"^lxrun served every missing syscall: (\w+)", text, re.M)
print("the report's own verdict: lxrun served every missing syscall: %s"
      % (m.group(1) if m else "(line missing)"))
if not m:
    bad.append("no 'lxrun served every missing syscall' line")
elif m.group(1) != "yes":
    bad.append("the report says lxrun did not serve everything")
for b in bad:
    print("report_syncthing:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "report_syncthing: pass"
