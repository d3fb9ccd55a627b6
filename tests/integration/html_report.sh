#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The HTML pages of lxrun scan --format=html and --report-format=html,
# opened in headless Chromium at 1280 px and at a phone's 390 px: the
# page loads with no error in the console, refers to nothing outside
# itself, and its DOM has the verdict and the SVG chart with bars; a
# screenshot of each is taken (a PNG, kept with LXTEST_KEEP=1).
#
# lxtest-timeout: 480
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
[ -n "$CHROMIUM" ] || skip "needs chromium (Debian package chromium, \
installed by make check's tools/install-deps.sh)"
tmp=$(lx_tmpdir)
prog=$(build_prog calls)

"$LXRUN" scan --format=html -o "$tmp/scan.html" /bin/true "$prog" ||
    fail "lxrun scan --format=html failed"
(cd "$tmp" && exec "$LXRUN" --report --report-format=html \
    -o "$tmp/report.html" "$prog") >/dev/null 2>&1 ||
    fail "lxrun --report-format=html failed"

# chrome PAGE WIDTH NAME: screenshot and DOM of PAGE at WIDTH px (each
# start of chromium takes seconds: the phone width is looked at for the
# scan's page only).
chrome() {
	_home="$tmp/home.$3"
	mkdir -p "$_home"
	HOME="$_home" timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --hide-scrollbars --no-first-run \
	    --user-data-dir="$_home/profile" --window-size="$2,1400" \
	    --enable-logging=stderr --v=0 \
	    --screenshot="$tmp/$3.png" "file://$1" >"$tmp/$3.shot.out" \
	    2>"$tmp/$3.shot.err" || { cat "$tmp/$3.shot.err" >&2;
	    fail "$3: chromium could not take the screenshot"; }
	HOME="$_home" timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --no-first-run --user-data-dir="$_home/profile" \
	    --window-size="$2,1400" --enable-logging=stderr --v=0 \
	    --dump-dom "file://$1" >"$tmp/$3.dom" 2>"$tmp/$3.dom.err" ||
	    fail "$3: chromium could not load the page"
	"$PYTHON" - "$tmp/$3.png" "$tmp/$3.dom" "$tmp/$3.shot.err" \
	    "$tmp/$3.dom.err" <<'PY' || fail "$3: the page"
import re, struct, sys
png, dom, errs = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3:]
head = open(png, "rb").read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "no PNG screenshot"
w, h = struct.unpack(">II", head[16:24])
assert w > 300 and h > 300, (w, h)
for e in errs:
    for line in open(e):
        # console errors and failed loads; dbus noise is not the page's
        if re.search(r"CONSOLE|Uncaught|Failed to load|ERR_FILE|net::ERR",
                     line):
            sys.exit("page error: " + line)
assert 'id="verdict"' in dom, "no verdict"
assert re.search(r"lxrun serve[ds]? every syscall a BSD lacks: (yes|no)",
                 dom), "no verdict text"
m = re.search(r'<svg[^>]*id="chart".*?</svg>', dom, re.S)
assert m, "no chart"
assert m.group(0).count("<rect") >= 3, "chart without bars"
print("ok", png, w, h)
PY
}

for page in scan report; do
	grep -Eiq '<(script|link|img|iframe)|src=|@import|url\(' \
	    "$tmp/$page.html" && fail "$page: refers to something outside"
	chrome "$tmp/$page.html" 1280 "$page-1280"
done
chrome "$tmp/scan.html" 390 scan-phone
grep -q 'Per library' "$tmp/scan.html" || fail "scan: no per-library table"
grep -q 'libc.so.6' "$tmp/scan.html" || fail "scan: libc not listed"
grep -q 'ioprio_set' "$tmp/report.html" ||
    fail "report: ioprio_set (missing on NetBSD) not listed"
exit 0
