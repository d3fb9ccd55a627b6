#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun scan on a Go program: ioprio_get through syscall.Syscall and
# sysinfo through syscall.RawSyscall6 (numbers the runtime never uses)
# are found at their call sites, whichever ABI the toolchain uses, and
# every syscall a run makes is in the set.
#
# lxtest-timeout: 480
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/diff/lib/common.sh"
need_lxrun
need_cmd "$PYTHON" go
CHECK="$PYTHON $ROOT/tests/diff/lib/scan_check.py"
tmp=$(lx_tmpdir)
export GOCACHE="$tmp/cache" GOPATH="$tmp/gopath" GOFLAGS= GOTOOLCHAIN=local
(cd "$ROOT/tests/integration/src/scan_go" &&
    timeout 300 go build -o "$tmp/scan_go" .) || fail "go build failed"

"$LXRUN" scan --format=json -o "$tmp/go.json" "$tmp/scan_go" ||
    fail "lxrun scan failed on the Go program"
$CHECK "$tmp/go.json" --has "scan_go=ioprio_get,sysinfo" ||
    fail "the Go program's own syscalls were not found"
$PYTHON - "$tmp/go.json" <<'PY' || fail "the Go program's objects"
import json, sys
d = json.load(open(sys.argv[1]))
o = d["objects"][0]
assert o["go"] and o["wrapper_calls"] > 0, o
# nearly every site is resolved, directly or at the wrappers' callers
assert o["unresolved"] * 10 <= o["sites"], o
PY
"$LXRUN" --trace-format=json -o "$tmp/go.trace" "$tmp/scan_go" \
    >"$tmp/go.out" || fail "the Go program failed under lxrun"
[ "$(cat "$tmp/go.out")" = "go true true" ] || fail "the Go program's output"
$CHECK "$tmp/go.json" --observed "$tmp/go.trace" --summary ||
    fail "the Go program made a syscall the scan did not find"
exit 0
