#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare lxrun scan's JSON (lxrun scan --format=json) with what a run
made, and check expectations on it.

  scan_check.py SCAN.json [options]
  --observed FILE      the run's syscalls: an lxrun JSON trace
                       (--trace-format=json; a child's calls after it
                       exec'ed another program are not the program's) or
                       a -c table; every one must be in scan's set (else
                       listed, exit 1); restart_syscall, which the kernel
                       makes itself, is not counted
  --allow NAME...      observed names that may be missing from the scan
  --exactly OBJ=A,B..  the syscalls found in object OBJ (its file name)
                       are exactly these
  --has OBJ=A,B..      object OBJ holds at least these
  --objects N          the scan has N objects
  --max-unresolved N   at most N sites and wrapper calls left unknown
  --summary            print: observed, found, missed, ratio

Exit status 0 when all holds, 1 otherwise (reasons on stderr).
"""

import argparse
import json
import os
import re
import sys


# Made by the kernel on the program's behalf: a call interrupted by a
# signal is restarted through it, no code of the program has it.
KERNEL_MADE = {"restart_syscall"}


def observed_names(path):
    """The run's syscall names, less the execve calls by which lxrun
    started the program (up to the first that worked, or a -c row of one
    execve), less what
    the kernel makes itself, and (in a JSON trace) less the calls of a
    process after it exec'ed another program."""
    names = set()
    first = True
    execd = set()
    with open(path) as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        for line in text.splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            rec = json.loads(line)
            if "name" not in rec or "event" in rec:
                continue
            # lxrun's start: its PATH search, up to the execve that works
            if first:
                first = not (rec["name"] == "execve" and rec["ret"] == 0)
                continue
            if rec["pid"] in execd:
                continue
            names.add(rec["name"])
            if rec["name"] in ("execve", "execveat") and rec["ret"] == 0:
                execd.add(rec["pid"])
        return names - KERNEL_MADE
    # a -c table: rows between the dashed lines end "NAME SERVED"
    rows = False
    for line in text.splitlines():
        if line.startswith("------"):
            rows = not rows
            continue
        if rows and line.strip():
            parts = line.split()
            if len(parts) >= 2 and re.match(r"^[a-z0-9_:]+$", parts[-2]):
                if parts[-2] == "execve" and parts[3] == "1":
                    continue
                names.add(parts[-2])
    return names - KERNEL_MADE


def obj_sets(scan):
    sets = {}
    for sc in scan["syscalls"]:
        for obj in sc["in"]:
            sets.setdefault(obj, set()).add(sc["name"])
    return sets


def parse_spec(spec):
    obj, _, names = spec.partition("=")
    return obj, set(n for n in names.split(",") if n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scan")
    ap.add_argument("--observed")
    ap.add_argument("--allow", nargs="*", default=[])
    ap.add_argument("--exactly", action="append", default=[])
    ap.add_argument("--has", action="append", default=[])
    ap.add_argument("--objects", type=int)
    ap.add_argument("--max-unresolved", type=int)
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    scan = json.load(open(a.scan))
    found = set(sc["name"] for sc in scan["syscalls"])
    per_obj = obj_sets(scan)
    bad = []
    for spec in a.exactly:
        obj, want = parse_spec(spec)
        got = per_obj.get(obj, set())
        if got != want:
            bad.append("%s: found %s, want exactly %s" %
                       (obj, sorted(got), sorted(want)))
    for spec in a.has:
        obj, want = parse_spec(spec)
        lack = want - per_obj.get(obj, set())
        if lack:
            bad.append("%s lacks %s" % (obj, sorted(lack)))
    if a.objects is not None and len(scan["objects"]) != a.objects:
        bad.append("%d objects, want %d" % (len(scan["objects"]), a.objects))
    unres = scan["unresolved_sites"] + scan["unresolved_calls"]
    if a.max_unresolved is not None and unres > a.max_unresolved:
        bad.append("%d unresolved, want at most %d" % (unres,
                                                       a.max_unresolved))
    if a.observed:
        seen = observed_names(a.observed)
        missed = sorted(seen - found - set(a.allow))
        if missed:
            bad.append("observed but not found by scan: %s" % missed)
        if a.summary:
            print("%s: observed %d, found %d, missed %d %s, found/observed "
                  "%.1f" % (os.path.basename(scan["program"]), len(seen),
                            len(found), len(seen - found),
                            sorted(seen - found),
                            len(found) / max(1, len(seen))))
    for b in bad:
        print("scan_check: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
