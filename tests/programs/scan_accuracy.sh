#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# lxrun scan against dynamic runs: each program is scanned, then run under
# lxrun with a JSON trace and a small workload (a child's calls after it
# exec'ed another program are not counted); every syscall the run made must be in
# the scan's set (a miss fails the test unless it is explained in
# KNOWN_MISSES below).  Prints per program: syscalls observed, found by
# the scan, missed, the ratio found/observed (how much the scan
# over-approximates), and the scan's time.  Runs in a private network
# namespace (lo only).
#
#   syncthing serve 8 s; nebula as a lighthouse without TUN, 5 s;
#   redis-server under redis-benchmark (2000 SET/GET); python3 with
#   json, socket, threading, hashlib, sqlite3, ssl; ls -l; tar c and t;
#   the Go HTTP server of tests/programs/go_http (200 clients).
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"

need_lxrun
need_cmd "$PYTHON"
private_netns
tmp=$(lx_tmpdir)
CHECK="$PYTHON $ROOT/tests/diff/lib/scan_check.py"
RESULTS="$tmp/results"
: >"$RESULTS"
bad=0

# Syscalls a run can make that no scan of the program can find, with why.
# (None are needed today; the format is: program name syscall.)
KNOWN_MISSES=""

# measure NAME PROGRAM [SCAN-OPTIONS...]: scan PROGRAM, compare with
# $tmp/NAME.c.
measure() {
	_n=$1 _p=$2
	shift 2
	"$LXRUN" scan --format=json -o "$tmp/$_n.json" "$@" "$_p" ||
	    fail "$_n: lxrun scan failed"
	[ -s "$tmp/$_n.c" ] || fail "$_n: the run left no trace"
	# shellcheck disable=SC2086
	_allow=$(echo "$KNOWN_MISSES" | awk -v n="$_n" '$1 == n { print $2 }')
	if ! $CHECK "$tmp/$_n.json" --observed "$tmp/$_n.c" --summary \
	    --allow $_allow >>"$RESULTS"; then
		bad=1
		echo "FAIL: $_n: a syscall the run made is not in the scan" >&2
	fi
	"$PYTHON" -c 'import json,sys; print("  scan time %.2f s" %
	    json.load(open(sys.argv[1]))["seconds"])' "$tmp/$_n.json" \
	    >>"$RESULTS"
}

# ls and tar
(cd "$tmp" && "$LXRUN" --trace-format=json -o "$tmp/ls.c" ls -l /etc >/dev/null) ||
    fail "ls under lxrun"
measure ls "$(command -v ls)"
# tar c, then tar t: the two traces read as one
(cd "$tmp" && "$LXRUN" --trace-format=json -o "$tmp/tar1.c" tar cf x.tar -C /usr/include \
    stdio.h linux && "$LXRUN" --trace-format=json -o "$tmp/tar2.c" tar tvf x.tar \
    >/dev/null) || fail "tar under lxrun"
cat "$tmp/tar1.c" "$tmp/tar2.c" >"$tmp/tar.c"
measure tar "$(command -v tar)"

# python3 (the real binary: a pyenv shim is a script)
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
"$LXRUN" --trace-format=json -o "$tmp/python3.c" "$py" -c '
import json, socket, threading, hashlib, sqlite3, os, tempfile
def work():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0)); s.listen(1); s.close()
t = threading.Thread(target=work); t.start(); t.join()
d = tempfile.mkdtemp()
db = sqlite3.connect(os.path.join(d, "x.db"))
db.execute("create table t(x)"); db.commit(); db.close()
print(json.dumps(sorted(os.listdir(d))), hashlib.sha256(b"x").hexdigest()[:8])
' >/dev/null || fail "python3 under lxrun"
# Its extension modules are dlopen'ed: without them libsqlite3's
# fdatasync (say) is out of sight.  Say what that costs, then scan them
# as part of python3.
"$LXRUN" scan --format=json -o "$tmp/py-alone.json" "$py" &&
    $CHECK "$tmp/py-alone.json" --observed "$tmp/python3.c" --summary \
    2>/dev/null | sed 's/^python3:/python3 without --dlopen:/' >>"$RESULTS"
dyn=$("$py" -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))')
set --
for m in _sqlite3 _ssl _hashlib _json _socket select math _random; do
	for f in "$dyn"/lib-dynload/$m.cpython-*.so; do
		[ -f "$f" ] && set -- "$@" --dlopen "$f"
	done
done
measure python3 "$py" "$@"

# redis-server
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null
then
	set -- $("$PYTHON" "$PROGTOOL" freeports 1)
	bg_start "$tmp/redis.log" "$LXRUN" --trace-format=json \
	    -o "$tmp/redis-server.c" \
	    redis-server --port "$1" --save "" --appendonly no --dir "$tmp"
	rpid=$BG_PID
	wait_until 30 redis-cli -p "$1" ping >/dev/null 2>&1 ||
	    fail "redis did not start"
	timeout 120 redis-benchmark -p "$1" -n 2000 -q -t set,get >/dev/null ||
	    fail "redis-benchmark"
	kill -TERM "$rpid"
	wait_exit 30 "$rpid"
	measure redis-server "$(command -v redis-server)"
else
	echo "redis-server: not installed, skipped" >>"$RESULTS"
fi

# The Go HTTP server (it runs its own 200 clients and exits)
if command -v go >/dev/null; then
	export GOCACHE="$tmp/cache" GOPATH="$tmp/gopath" GOFLAGS= \
	    GOTOOLCHAIN=local
	(cd "$ROOT/tests/programs/go_http" &&
	    timeout 300 go build -o "$tmp/go_http" .) || fail "go build"
	"$LXRUN" --trace-format=json -o "$tmp/go_http.c" "$tmp/go_http" >/dev/null ||
	    fail "go_http under lxrun"
	measure go_http "$tmp/go_http"
fi

# nebula: a lighthouse on 127.0.0.1 without a TUN device
if command -v nebula >/dev/null && command -v nebula-cert >/dev/null; then
	(cd "$tmp" && nebula-cert ca -name scan -duration 1h &&
	    nebula-cert sign -name lh -ip 10.98.0.1/24) >/dev/null ||
	    fail "nebula-cert"
	set -- $("$PYTHON" "$PROGTOOL" freeports 1)
	cat >"$tmp/lh.yml" <<YML
pki: { ca: $tmp/ca.crt, cert: $tmp/lh.crt, key: $tmp/lh.key }
lighthouse: { am_lighthouse: true }
listen: { host: 127.0.0.1, port: $1 }
tun: { disabled: true }
logging: { level: info }
YML
	bg_start "$tmp/nebula.log" "$LXRUN" --trace-format=json \
	    -o "$tmp/nebula.c" \
	    nebula -config "$tmp/lh.yml"
	npid=$BG_PID
	sleep 5
	kill -TERM "$npid"
	wait_exit 30 "$npid"
	measure nebula "$(command -v nebula)"
fi

# syncthing serve, 8 s, a file dropped into its watched folder
if command -v syncthing >/dev/null; then
	mkdir -p "$tmp/user" "$tmp/data/.stfolder"
	HOME="$tmp/user" timeout 60 syncthing generate --home "$tmp/home" \
	    --no-default-folder --skip-port-probing >"$tmp/gen.log" 2>&1 ||
	    fail "syncthing generate"
	set -- $("$PYTHON" "$PROGTOOL" freeports 2)
	"$PYTHON" "$PROGTOOL" stconfig "$tmp/home" name=S listen="$1" \
	    gui="$2" folder="scan,$tmp/data,1" || fail "syncthing config"
	bg_start "$tmp/st.log" env HOME="$tmp/user" STNORESTART=1 \
	    STNOUPGRADE=1 "$LXRUN" --trace-format=json -o "$tmp/syncthing.c" \
	    -- syncthing serve \
	    --home "$tmp/home" --no-browser --no-restart --no-upgrade \
	    --gui-address="http://127.0.0.1:$2"
	spid=$BG_PID
	sleep 4
	echo x >"$tmp/data/x.txt"
	sleep 4
	kill -TERM "$spid"
	wait_exit 60 "$spid"
	measure syncthing "$(command -v syncthing)"
fi

cat "$RESULTS"
exit $bad
