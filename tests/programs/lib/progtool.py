#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Small tools for tests/programs/*.sh (syncthing, nebula).

  tree PID                  PID and its descendants, one a line
  cpu PID                   utime+stime ticks of PID and its descendants
  cpu1 PID                  utime+stime ticks of PID alone
  freeports N               N free TCP ports on 127.0.0.1
  rowstatus LXRUN NAME      lxrun's status for syscall NAME
  stconfig HOME ...         edit a generated syncthing config.xml
  stapikey HOME             the GUI API key of a syncthing home
  stwait URL KEY WHAT ARG TIMEOUT
                            poll syncthing's REST API until WHAT holds:
                            ping -, connected DEVICE, idle FOLDER
  manifest DIR              sorted listing: type, size, sha256, path
  samewait A B TIMEOUT      wait until manifest(A) == manifest(B); print
                            the seconds it took, or the difference
  logwarn LOG TMPDIR        syncthing's WARNING/ERROR/FATAL lines of LOG,
                            normalised (times, ids, ports, paths, numbers)
  served TRACE NAME...      per NAME: "NAME emulated=N native=N ..." from
                            an lxrun JSON trace
  pingrtt FILE              median and mean rtt (ms) of a ping output
"""

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return 0
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is state (field 3); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def cmd_tree(pid):
    for p in tree(int(pid)):
        print(p)


def cmd_cpu(pid):
    print(sum(ticks(p) for p in tree(int(pid))))


def cmd_cpu1(pid):
    print(ticks(int(pid)))


def cmd_freeports(n):
    socks = []
    for _ in range(int(n)):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def cmd_rowstatus(lxrun, name):
    out = subprocess.run([lxrun, "--list-syscalls=json"],
                         capture_output=True, text=True, timeout=30).stdout
    doc = json.loads(out)
    rows = doc if isinstance(doc, list) else doc.get("syscalls", [])
    for r in rows:
        if r.get("name") == name:
            print(r.get("lxrun", r.get("status", "unknown")))
            return
    print("unknown")


# --- syncthing ------------------------------------------------------------

OPTIONS_OFF = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "crashReportingEnabled": "false",
    "autoUpgradeIntervalH": "0",
    "startBrowser": "false",
    "announceLANAddresses": "false",
    "stunKeepaliveStartS": "0",
    "stunKeepaliveMinS": "0",
    "stunServer": "",
    "globalAnnounceServer": "",
    "reconnectionIntervalS": "1",
}


def set_child(parent, tag, text):
    e = parent.find(tag)
    if e is None:
        e = ET.SubElement(parent, tag)
    e.text = text
    return e


def cmd_stconfig(home, *args):
    """stconfig HOME name=N listen=PORT gui=PORT peer=ID,NAME,PORT...
    folder=ID,PATH,DELAY shares the folder with self and every peer."""
    path = os.path.join(home, "config.xml")
    t = ET.parse(path)
    root = t.getroot()
    me = root.find("device")
    peers, folder, name = [], None, None
    opts = root.find("options")
    for a in args:
        k, v = a.split("=", 1)
        if k == "listen":
            for e in opts.findall("listenAddress"):
                opts.remove(e)
            set_child(opts, "listenAddress", "tcp://127.0.0.1:" + v)
        elif k == "gui":
            set_child(root.find("gui"), "address", "127.0.0.1:" + v)
        elif k == "peer":
            peers.append(v.split(","))
        elif k == "folder":
            folder = v.split(",")
        elif k == "name":
            name = v
    for k, v in OPTIONS_OFF.items():
        set_child(opts, k, v)
    if name:
        me.set("name", name)
    for pid, pname, port in peers:
        d = ET.SubElement(root, "device", {
            "id": pid, "name": pname, "compression": "metadata",
            "introducer": "false", "skipIntroductionRemovals": "false",
            "introducedBy": ""})
        set_child(d, "address", "tcp://127.0.0.1:" + port)
        set_child(d, "paused", "false")
        set_child(d, "autoAcceptFolders", "false")
    if folder:
        fid, fpath, delay = folder
        f = ET.Element("folder", {
            "id": fid, "label": fid, "path": fpath, "type": "sendreceive",
            "rescanIntervalS": "3600", "fsWatcherEnabled": "true",
            "fsWatcherDelayS": delay, "ignorePerms": "false",
            "autoNormalize": "true"})
        set_child(f, "filesystemType", "basic")
        for dev in [me.get("id")] + [p[0] for p in peers]:
            ET.SubElement(f, "device", {"id": dev, "introducedBy": ""})
        set_child(f, "markerName", ".stfolder")
        set_child(f, "pullerPauseS", "0")
        root.insert(0, f)
    t.write(path)


def cmd_stapikey(home):
    root = ET.parse(os.path.join(home, "config.xml")).getroot()
    print(root.find("gui").find("apikey").text)


def rest(url, key, path):
    req = urllib.request.Request(url + path, headers={"X-API-Key": key})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read().decode())


def cmd_stwait(url, key, what, arg, timeout):
    end = time.time() + float(timeout)
    last = None
    while time.time() < end:
        try:
            if what == "ping":
                if rest(url, key, "/rest/system/ping").get("ping") == "pong":
                    return 0
            elif what == "connected":
                c = rest(url, key, "/rest/system/connections")
                last = c["connections"].get(arg, {}).get("connected")
                if last:
                    return 0
            elif what == "idle":
                s = rest(url, key, "/rest/db/status?folder=" + arg)
                last = s.get("state")
                if last == "idle" and s.get("needTotalItems", 0) == 0:
                    return 0
        except Exception as e:   # not up yet, or a transient error
            last = repr(e)
        time.sleep(0.2)
    print("stwait %s %s: timed out (last: %s)" % (what, arg, last),
          file=sys.stderr)
    return 1


def manifest(top):
    """(type, size, sha256, relpath) of every entry but .stfolder."""
    out = []
    for d, dirs, files in os.walk(top):
        rel = os.path.relpath(d, top)
        if rel == ".":
            dirs[:] = [x for x in dirs if x != ".stfolder"]
        for x in dirs:
            out.append(("d", 0, "-", os.path.normpath(os.path.join(rel, x))))
        for x in files:
            p = os.path.join(d, x)
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
            out.append(("f", len(data), hashlib.sha256(data).hexdigest(),
                        os.path.normpath(os.path.join(rel, x))))
    out.sort(key=lambda e: e[3])
    return out


def fmt(m):
    return "".join("%s %d %s %s\n" % e for e in m)


def cmd_manifest(top):
    sys.stdout.write(fmt(manifest(top)))


def cmd_samewait(a, b, timeout):
    t0 = time.time()
    end = t0 + float(timeout)
    while True:
        ma, mb = manifest(a), manifest(b)
        if ma == mb:
            print("%.2f" % (time.time() - t0))
            return 0
        if time.time() > end:
            break
        time.sleep(0.1)
    sa, sb = set(ma), set(mb)
    print("not the same after %s s: %d entries only in %s, %d only in %s"
          % (timeout, len(sa - sb), a, len(sb - sa), b), file=sys.stderr)
    for e in sorted(sa - sb, key=lambda e: e[3])[:10]:
        print("  only in A: %s %d %s" % (e[0], e[1], e[3]), file=sys.stderr)
    for e in sorted(sb - sa, key=lambda e: e[3])[:10]:
        print("  only in B: %s %d %s" % (e[0], e[1], e[3]), file=sys.stderr)
    return 1


LEVELS = re.compile(r"\b(WARNING|ERROR|FATAL|PANIC|panic:)")
NORMALISE = [
    (re.compile(r"[A-Z2-7]{7}(-[A-Z2-7]{7}){7}"), "DEVICE"),
    (re.compile(r"^\[[A-Z2-7]{5}\] "), "[ID] "),
    (re.compile(r"\[[A-Z2-7]{5}\]"), "[ID]"),
    (re.compile(r"\b\d{4}/\d\d/\d\d\b"), "DATE"),
    (re.compile(r"\b\d\d:\d\d:\d\d(\.\d+)?\b"), "TIME"),
    (re.compile(r"\b\d+(\.\d+){3}:\d+\b"), "ADDR"),
    (re.compile(r":\d{2,5}\b"), ":PORT"),
    (re.compile(r"\b[0-9a-f]{8,}\b"), "HEX"),
    (re.compile(r"\b\d+(\.\d+)?(ms|s|µs|ns|m|h)\b"), "DURATION"),
    (re.compile(r"\b\d+\b"), "N"),
]


def cmd_logwarn(log, tmp):
    seen = set()
    with open(log, errors="replace") as f:
        for line in f:
            if not LEVELS.search(line):
                continue
            s = line.rstrip("\n").replace(tmp, "TMP")
            for rx, rep in NORMALISE:
                s = rx.sub(rep, s)
            if s not in seen:
                seen.add(s)
                print(s)


def cmd_served(trace, *names):
    counts = {n: {} for n in names}
    with open(trace, errors="replace") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            n = r.get("name")
            if n in counts:
                s = r.get("served")
                counts[n][s] = counts[n].get(s, 0) + 1
    for n in names:
        c = counts[n]
        print(n, " ".join("%s=%d" % kv for kv in sorted(c.items())) or
              "none")


def cmd_pingrtt(path):
    """Median and mean of the replies' time=X ms, and how many."""
    times = sorted(float(x) for x in
                   re.findall(r"time=([\d.]+) ms", open(path).read()))
    if not times:
        print("none")
        return
    n = len(times)
    med = (times[n // 2] + times[(n - 1) // 2]) / 2
    print("median=%.3f mean=%.3f n=%d" % (med, sum(times) / n, n))

# --- the scripted changes (deterministic contents) ---------------------------

def content(i, gen):
    """File i's bytes in generation gen: mostly small, every 25th spans
    several 128 KiB blocks."""
    size = 300 + (i * 977) % 6000
    if i % 25 == 0:
        size = 200000 + i * 1000
    seed = hashlib.sha256(b"%d/%d" % (i, gen)).digest()
    return (seed * (size // len(seed) + 1))[:size]


def fpath(top, i):
    return os.path.join(top, "d%d" % (i % 8), "s%d" % (i % 5 // 2),
                        "f%03d.dat" % i)


def write(p, data):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


def cmd_populate(top):
    """200 new files in 8 x 3 nested directories."""
    for i in range(200):
        write(fpath(top, i), content(i, 0))


def cmd_mutate(top):
    """Modify 20 files (rewrite 10, append to 10), rename 20 into other
    directories (10 into a new one), delete 20, rename a directory and
    delete another with its files."""
    for i in range(1, 200, 10):
        p = fpath(top, i)
        if i % 20 == 1:
            write(p, content(i, 1))
        else:
            with open(p, "ab") as f:
                f.write(b"appended line %d\n" % i)
    for i in range(2, 200, 10):
        dst = fpath(top, i + 3).replace("f%03d" % (i + 3), "r%03d" % i)
        if i % 20 == 2:
            dst = os.path.join(top, "new", "deep", "r%03d.dat" % i)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.rename(fpath(top, i), dst)
    for i in range(3, 200, 10):
        os.unlink(fpath(top, i))
    os.rename(os.path.join(top, "d6", "s1"), os.path.join(top, "d7", "moved"))
    d = os.path.join(top, "d5", "s2")
    for x in os.listdir(d):
        os.unlink(os.path.join(d, x))
    os.rmdir(d)


def cmd_mutateback(top):
    """The change made on side B: 5 new files, one modified, one deleted."""
    for i in range(5):
        write(os.path.join(top, "fromB", "b%d.txt" % i),
              b"written on B %d\n" % i * (i + 1))
    with open(fpath(top, 0), "ab") as f:
        f.write(b"changed on B\n")
    os.unlink(fpath(top, 4))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    fn = globals().get("cmd_" + argv[1])
    if fn is None:
        sys.exit("progtool: unknown command %s" % argv[1])
    rc = fn(*argv[2:])
    sys.exit(rc or 0)


if __name__ == "__main__":
    main(sys.argv)
