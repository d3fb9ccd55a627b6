#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Node.js (Debian's nodejs) under lxrun, as a user runs it (issue 20):
#   1. fs.watch: a script that watches a directory and creates, appends
#      to, renames and removes entries in it, waiting for each step's
#      events, prints what it prints natively, and lxrun served its
#      inotify and epoll calls ("emulated" in the JSON trace);
#   2. http: a server under lxrun answers NODE_CLIENTS (400) requests, 100
#      at a time on fresh connections, from a native node client; every
#      client gets its own body and the end of its connection, the server
#      counts them all and has no connection left open, lxrun's own fd
#      count is back to where it was, and SIGTERM (forwarded) ends the
#      server with its handler's status.
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"
need_lxrun
need_pkg node nodejs
private_netns
CLIENTS=${NODE_CLIENTS:-400}
tmp=$(lx_tmpdir)

# ---- 1. fs.watch ----
cat >"$tmp/watch.js" <<'JS'
'use strict';
// Each step acts, then waits (5 s at most) for its events.
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const queue = [];
let waiter = null;
const w = fs.watch(dir, (type, name) => {
	queue.push(type + ' ' + name);
	if (waiter)
		waiter();
});
function expect(step, n) {
	return new Promise((resolve) => {
		const t = setTimeout(() => {
			waiter = null;
			console.log(step + ': timeout, got ' +
			    JSON.stringify(queue.splice(0)));
			resolve();
		}, 5000);
		const check = () => {
			if (queue.length < n)
				return;
			clearTimeout(t);
			waiter = null;
			console.log(step + ': ' +
			    queue.splice(0, n).sort().join(', '));
			resolve();
		};
		waiter = check;
		check();
	});
}
(async () => {
	await new Promise((r) => setTimeout(r, 100));
	fs.writeFileSync(path.join(dir, 'a'), '');
	await expect('create', 1);
	fs.appendFileSync(path.join(dir, 'a'), 'x');
	await expect('append', 1);
	fs.renameSync(path.join(dir, 'a'), path.join(dir, 'b'));
	await expect('rename', 2);
	fs.mkdirSync(path.join(dir, 'sub'));
	await expect('mkdir', 1);
	fs.unlinkSync(path.join(dir, 'b'));
	await expect('unlink', 1);
	fs.rmdirSync(path.join(dir, 'sub'));
	await expect('rmdir', 1);
	w.close();
	console.log('closed');
})();
JS
mkdir "$tmp/wn" "$tmp/wl"
timeout -k 5 60 node "$tmp/watch.js" "$tmp/wn" >"$tmp/watch.native" 2>&1
echo "exit $?" >>"$tmp/watch.native"
timeout -k 5 60 "$LXRUN" --trap=filtered --trace-format=json \
    -o "$tmp/watch.trace" -- node "$tmp/watch.js" "$tmp/wl" \
    >"$tmp/watch.lxrun" 2>&1
echo "exit $?" >>"$tmp/watch.lxrun"
cat "$tmp/watch.native"
grep -q timeout "$tmp/watch.native" && fail "fs.watch natively timed out"
same_file "fs.watch" "$tmp/watch.native" "$tmp/watch.lxrun" ||
    fail "fs.watch under lxrun differs from its native run"
"$PYTHON" "$PROGTOOL" served "$tmp/watch.trace" inotify_init1 \
    inotify_add_watch epoll_ctl | tee "$tmp/watch.served"
for c in inotify_init1 inotify_add_watch epoll_ctl; do
	grep -q "^$c emulated=[1-9]" "$tmp/watch.served" ||
	    fail "fs.watch: $c not served by lxrun"
done
echo "fs.watch: as natively, inotify and epoll emulated"

# ---- 2. http ----
cat >"$tmp/server.js" <<'JS'
'use strict';
// Answers /N with "hello N"; /stats with its counts; SIGTERM: exit 3.
const http = require('http'), fs = require('fs');
let served = 0;
const server = http.createServer((req, res) => {
	if (req.url === '/stats') {
		server.getConnections((err, n) => {
			res.end(JSON.stringify({ served, open: n - 1 }));
		});
		return;
	}
	served++;
	res.setHeader('Connection', 'close');
	res.end('hello ' + req.url.slice(1) + '\n');
});
server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(process.argv[2], String(server.address().port));
});
process.on('SIGTERM', () => {
	console.log('server: SIGTERM after ' + served + ' requests');
	process.exit(3);
});
JS
cat >"$tmp/client.js" <<'JS'
'use strict';
// N requests, B at a time, each on a connection of its own.
const http = require('http');
const [port, total, batch] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: false, maxSockets: batch });
let next = 0, ok = 0, bad = 0;
function one(i) {
	return new Promise((resolve) => {
		const req = http.get({ host: '127.0.0.1', port, path: '/' + i,
		    agent, timeout: 20000 }, (res) => {
			let body = '';
			res.on('data', (d) => { body += d; });
			res.on('end', () => {
				if (res.statusCode === 200 && body === 'hello ' + i + '\n')
					ok++;
				else {
					bad++;
					console.log('request ' + i + ': ' + res.statusCode +
					    ' ' + JSON.stringify(body));
				}
				resolve();
			});
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => {
			bad++;
			console.log('request ' + i + ': ' + e.message);
			resolve();
		});
	});
}
async function worker() {
	while (next < total)
		await one(next++);
}
Promise.all(Array.from({ length: batch }, worker)).then(() => {
	console.log('client: ' + ok + ' ok, ' + bad + ' failed');
	process.exit(bad === 0 && ok === total ? 0 : 1);
});
JS
bg_start "$tmp/server.out" "$LXRUN" -- node "$tmp/server.js" "$tmp/port"
lpid=$BG_PID
wait_until 30 test -s "$tmp/port" || { cat "$tmp/server.out"; \
    fail "the node server did not start under lxrun"; }
port=$(cat "$tmp/port")
fds0=$(ls "/proc/$lpid/fd" | wc -l)
t0=$(now_s)
timeout -k 5 120 node "$tmp/client.js" "$port" "$CLIENTS" 100 \
    >"$tmp/client.out" 2>&1
crc=$?
cat "$tmp/client.out"
[ "$crc" = 0 ] || fail "the client: status $crc"
echo "$CLIENTS requests in $(elapsed "$t0") s"
stats() {
	node -e 'require("http").get({host: "127.0.0.1", port: process.argv[1],
	    path: "/stats", agent: false}, (r) => { let b = "";
	    r.on("data", (d) => b += d); r.on("end", () => console.log(b)); })' \
	    "$port"
}
# The server may see the last connections' ends a moment after the client.
i=0
while :; do
	st=$(stats)
	[ "$st" = "{\"served\":$CLIENTS,\"open\":0}" ] && break
	i=$((i + 1))
	[ $i -lt 50 ] || fail "server stats $st, want $CLIENTS served, 0 open"
	sleep 0.1
done
echo "server: $st"
fds1=$(ls "/proc/$lpid/fd" | wc -l)
[ "$fds1" -le "$fds0" ] ||
    fail "lxrun holds $fds1 fds after the clients, $fds0 before"
echo "lxrun's fds: $fds0 before, $fds1 after"
kill -TERM "$lpid"
wait_exit 20 "$lpid" || fail "the server did not end on SIGTERM"
cat "$tmp/server.out"
[ "$WAIT_STATUS" = 3 ] || fail "server status $WAIT_STATUS, want 3"
grep -q "SIGTERM after $CLIENTS requests" "$tmp/server.out" ||
    fail "the server's SIGTERM handler did not run"
echo PASS
