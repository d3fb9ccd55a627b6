#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check an lxrun JSON trace (--trace-format=json -o FILE).

Every line must be one JSON object: a syscall record with the keys pid,
tid, nr, name, args, ret, errno, served, t and dur_us, with sane types and
values, or an event record (a signal delivered, a task's exit: the key
"event") with pid, tid, event and t.  Then each
expectation given on the command line must hold:

  --emulated NAME...      some call of NAME was served "emulated"
  --unsupported NAME...   some call of NAME was served "unsupported" and
                          returned -ENOSYS (NAME may be a number, for
                          numbers the table does not know)
  --native NAME...        some call of NAME was served "native"
  --all NAME=SERVED       every call of NAME was served SERVED (and at
                          least one was made)
  --min-records N         at least N records (default 1)

Exit status 0 when all holds, 1 otherwise (with the reasons on stderr).
"""

import argparse
import json
import sys

REQUIRED = ("pid", "tid", "nr", "name", "args", "ret", "errno", "served",
            "t", "dur_us")
EVENT_REQUIRED = ("pid", "tid", "event", "t")
SERVED = ("native", "emulated", "unsupported")
ENOSYS = 38
MAX_ERRNO = 4095
# Calls that may have no return value to report (the task is gone).
NO_RETURN = ("exit", "exit_group", "execve", "execveat", "rt_sigreturn")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, (int, float))) and not isinstance(v, bool)


def event_problems(rec):
    """An event record: a signal or an exit, not a syscall."""
    bad = ["missing key %r" % k for k in EVENT_REQUIRED if k not in rec]
    if bad:
        return bad
    if not is_int(rec["pid"]) or not is_int(rec["tid"]):
        bad.append("pid or tid is not an integer")
    if not isinstance(rec["event"], str) or not rec["event"]:
        bad.append("event is not a non-empty string")
    if not is_num(rec["t"]) or rec["t"] < 1e9:
        bad.append("t %r is not seconds since the epoch" % rec["t"])
    return bad


def record_problems(rec):
    """The reasons one parsed record is malformed (empty if it is fine)."""
    if not isinstance(rec, dict):
        return ["not a JSON object"]
    if "event" in rec and "nr" not in rec:
        return event_problems(rec)
    bad = ["missing key %r" % k for k in REQUIRED if k not in rec]
    if bad:
        return bad
    for k in ("pid", "tid", "nr"):
        if not is_int(rec[k]):
            bad.append("%s is not an integer" % k)
    if is_int(rec["pid"]) and rec["pid"] <= 0:
        bad.append("pid %r is not positive" % rec["pid"])
    if is_int(rec["tid"]) and rec["tid"] <= 0:
        bad.append("tid %r is not positive" % rec["tid"])
    if not isinstance(rec["name"], str) or not rec["name"]:
        bad.append("name is not a non-empty string")
    if not isinstance(rec["args"], list) or \
            not all(isinstance(a, str) for a in rec["args"]):
        bad.append("args is not an array of strings")
    if rec["served"] not in SERVED:
        bad.append("served %r is not one of %s" % (rec["served"], SERVED))
    if not is_num(rec["t"]) or rec["t"] < 1e9:
        bad.append("t %r is not seconds since the epoch" % rec["t"])
    if not is_num(rec["dur_us"]) or rec["dur_us"] < 0:
        bad.append("dur_us %r is not a duration" % rec["dur_us"])
    bad.extend(result_problems(rec))
    return bad


def result_problems(rec):
    """ret and errno must agree: errno names the error of a -errno ret."""
    ret, err = rec["ret"], rec["errno"]
    if ret is None:
        # No result: a call that does not return, or one whose thread
        # vanished before it did (strace's "<unfinished ...>").
        if rec["name"] not in NO_RETURN and rec.get("unfinished") is not True:
            return ["ret is null for %s" % rec["name"]]
        return [] if err is None else ["errno set without a ret"]
    if not is_int(ret):
        return ["ret %r is not an integer" % ret]
    if -MAX_ERRNO <= ret < 0:
        if not isinstance(err, str) or not err.startswith("E"):
            return ["ret %d but errno is %r" % (ret, err)]
    elif err is not None:
        return ["errno %r with a successful ret %d" % (err, ret)]
    if rec["served"] == "unsupported" and \
            (ret != -ENOSYS or err != "ENOSYS"):
        return ["served unsupported but ret %r errno %r" % (ret, err)]
    return []


def load(path):
    """Parse the trace; return (records, problems)."""
    recs, problems = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                problems.append("line %d: empty line" % lineno)
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                problems.append("line %d: not JSON (%s): %s"
                                % (lineno, e, line.rstrip()[:200]))
                continue
            for p in record_problems(rec):
                problems.append("line %d: %s: %s"
                                % (lineno, p, line.rstrip()[:200]))
            if isinstance(rec, dict) and "nr" in rec:
                recs.append(rec)
    return recs, problems


def matches(rec, name):
    """NAME matches by syscall name, or by number when it is one."""
    if name.lstrip("-").isdigit():
        return rec.get("nr") == int(name)
    return rec.get("name") == name


def served_counts(recs, name):
    counts = {}
    for r in recs:
        if matches(r, name):
            counts[r.get("served")] = counts.get(r.get("served"), 0) + 1
    return counts


def check_some(recs, names, served):
    problems = []
    for n in names:
        counts = served_counts(recs, n)
        if not counts.get(served):
            problems.append("expected %s served %r, saw %s"
                            % (n, served, counts or "no call"))
    return problems


def check_all(recs, specs):
    problems = []
    for spec in specs:
        name, _, served = spec.partition("=")
        counts = served_counts(recs, name)
        if not counts or set(counts) != {served}:
            problems.append("expected every %s served %r, saw %s"
                            % (name, served, counts or "no call"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace")
    ap.add_argument("--emulated", nargs="*", default=[])
    ap.add_argument("--unsupported", nargs="*", default=[])
    ap.add_argument("--native", nargs="*", default=[])
    ap.add_argument("--all", action="append", default=[])
    ap.add_argument("--min-records", type=int, default=1)
    a = ap.parse_args()

    try:
        recs, problems = load(a.trace)
    except OSError as e:
        print("check_trace: %s" % e, file=sys.stderr)
        return 1
    if len(recs) < a.min_records:
        problems.append("%d records, expected at least %d"
                        % (len(recs), a.min_records))
    problems += check_some(recs, a.emulated, "emulated")
    problems += check_some(recs, a.unsupported, "unsupported")
    problems += check_some(recs, a.native, "native")
    problems += check_all(recs, a.all)
    for p in problems[:30]:
        print("check_trace: %s: %s" % (a.trace, p), file=sys.stderr)
    if len(problems) > 30:
        print("check_trace: ... and %d more" % (len(problems) - 30),
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
