#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Start-up cost of lxrun's ELF loader: the time to run /bin/true and a
# small Go program (bench/gohello) natively, under lxrun (the kernel's
# exec) and under lxrun --loader=elf (lxrun loads the program), with
# hyperfine; the loader's share is the last two's difference.
#
#   sh bench/startup.sh
#
# Prints hyperfine's mean, median and minimum of each (minimum: the
# figure least disturbed by a shared machine), then the loader's cost
# (median and minimum differences).  Never fails on speed.
# Knobs: LXBENCH_RUNS (300), LXBENCH_WARMUP (20), LXRUN.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LXRUN=${LXRUN:-$ROOT/lxrun}
RUNS=${LXBENCH_RUNS:-300}
WARMUP=${LXBENCH_WARMUP:-20}
B="$ROOT/build/bench"
RES=$(mktemp -d "${TMPDIR:-/tmp}/lxstartup.XXXXXX") || exit 1
trap 'rm -rf "$RES"' EXIT

command -v hyperfine >/dev/null 2>&1 ||
    { echo "startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$LXRUN" ] || { echo "startup: no lxrun at $LXRUN" >&2; exit 1; }
mkdir -p "$B"
if [ ! -x "$B/gohello" ] || [ "$ROOT/bench/gohello/main.go" -nt "$B/gohello" ]
then
	(cd "$ROOT/bench/gohello" && GOCACHE="$RES/cache" GOPATH="$RES/gopath" \
	    GOFLAGS= GOTOOLCHAIN=local go build -o "$B/gohello" .) ||
	    { echo "startup: go build failed" >&2; exit 1; }
fi

for prog in /bin/true "$B/gohello"; do
	echo "== $prog"
	hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$RES/h.json" \
	    "$prog" "$LXRUN $prog" "$LXRUN --loader=elf $prog" >/dev/null 2>&1 ||
	    { echo "startup: hyperfine failed" >&2; exit 1; }
	python3 - "$RES/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print("  %-60s mean %7.3f  median %7.3f  min %7.3f ms" % (
        x["command"], x["mean"] * 1e3, x["median"] * 1e3, min(x["times"]) * 1e3))
k, e = r[1], r[2]
print("  loader's cost (--loader=elf minus the kernel's exec): median "
      "%+.3f ms, min %+.3f ms" % ((e["median"] - k["median"]) * 1e3,
      (min(e["times"]) - min(k["times"])) * 1e3))
PY
done
