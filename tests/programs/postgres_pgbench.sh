#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# PostgreSQL (Debian's postgresql) under lxrun (issue 20):
#   1. initdb under "lxrun -u postgres" (root runs lxrun, the program runs
#      as postgres, as with strace -u) makes a cluster; lxrun says nothing
#      but, at most, that a process lost the right to take seccomp rules;
#   2. the server runs under lxrun started as postgres (setpriv, so lxrun
#      is the background pid), on a Unix socket only; native pgbench
#      initialises scale 2 and runs 4 clients for PG_SECONDS (5) seconds
#      with no failed transaction, and the bank stays consistent (the
#      accounts' balances sum to the history's deltas);
#   3. SIGINT sent to lxrun reaches the postmaster: a fast shutdown, the
#      log says so, lxrun exits 0 and leaves no process behind; lxrun
#      served the server's epoll calls ("emulated" in its JSON trace).
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"
need_lxrun
need_root
need_cmd setpriv
for d in /usr/lib/postgresql/*/bin; do
	[ -d "$d" ] && PATH="$d:$PATH"
done
PATH="$PATH:/usr/lib/postgresql/15/bin"	# Debian 12's, once installed
need_pkg initdb postgresql
need_cmd postgres pgbench psql
id postgres >/dev/null 2>&1 || skip "no user postgres"
private_netns
SECS=${PG_SECONDS:-5}
tmp=$(lx_tmpdir)
chmod 711 "$(dirname "$tmp")"
chown postgres "$tmp"
as_pg() {
	setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
}

# 1. initdb, as postgres through -u.
timeout -k 5 300 "$LXRUN" -u postgres -- initdb -D "$tmp/data" -A trust \
    -U postgres --no-sync >"$tmp/initdb.out" 2>&1 ||
    { cat "$tmp/initdb.out"; fail "initdb under lxrun -u postgres: $?"; }
grep -q '^Success\.' "$tmp/initdb.out" ||
    { cat "$tmp/initdb.out"; fail "initdb did not say Success."; }
grep -o 'lxrun: .*' "$tmp/initdb.out" | grep -v 'cannot take another seccomp rule (it has neither CAP_SYS_ADMIN' |
    grep . && fail "initdb: lxrun said more than the note above"
echo "initdb under lxrun -u postgres: a cluster ($(grep -c 'cannot take another seccomp' \
    "$tmp/initdb.out") processes in checked mode)"

# 2. The server, under lxrun run by postgres.
mkdir "$tmp/sock"
chown postgres "$tmp/sock"
# setpriv execs lxrun: $BG_PID is lxrun's pid, not a subshell's.
bg_start "$tmp/server.out" setpriv --reuid=postgres --regid=postgres \
    --init-groups -- "$LXRUN" --trap=filtered \
    --trace-format=json -o "$tmp/server.trace" \
    -e trace=epoll_create1,epoll_ctl,epoll_wait -- \
    postgres -D "$tmp/data" -k "$tmp/sock" -c listen_addresses= \
    -c fsync=off
lpid=$BG_PID
wait_until 60 file_has "$tmp/server.out" "ready to accept connections" ||
    { cat "$tmp/server.out"; fail "the server did not start under lxrun"; }
echo "server ready under lxrun (pid $lpid)"
as_pg timeout -k 5 300 pgbench -h "$tmp/sock" -i -s 2 postgres \
    >"$tmp/init.out" 2>&1 || { cat "$tmp/init.out"; fail "pgbench -i: $?"; }
t0=$(now_s)
as_pg timeout -k 5 $((SECS + 120)) pgbench -h "$tmp/sock" -c 4 -j 2 \
    -T "$SECS" postgres >"$tmp/bench.out" 2>&1 ||
    { cat "$tmp/bench.out"; fail "pgbench: $?"; }
grep -E 'processed|failed|tps' "$tmp/bench.out"
grep -q 'number of failed transactions: 0 ' "$tmp/bench.out" ||
    fail "pgbench had failed transactions"
n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' \
    "$tmp/bench.out")
[ "${n:-0}" -gt 0 ] || fail "pgbench processed no transaction"
check=$(as_pg psql -h "$tmp/sock" -U postgres -At -c "SELECT
    (SELECT count(*) FROM pgbench_accounts),
    (SELECT count(*) FROM pgbench_history),
    (SELECT sum(abalance) FROM pgbench_accounts) =
    (SELECT coalesce(sum(delta), 0) FROM pgbench_history)" postgres) ||
    fail "psql: $?"
[ "$check" = "200000|$n|t" ] ||
    fail "accounts|history|consistent: '$check', want '200000|$n|t'"
echo "after $n transactions: 200000 accounts, $n history rows, balances consistent"

# 3. SIGINT to lxrun: the postmaster's fast shutdown.
tree=$(tree_pids "$lpid" | tr '\n' ' ')
[ "$(echo $tree | wc -w)" -ge 6 ] ||
    fail "lxrun, the postmaster and its workers are not all there: $tree"
kill -INT "$lpid"
wait_exit 60 "$lpid" || { tail -20 "$tmp/server.out"
    ps -o pid,stat,wchan:20,args -p "$(echo $tree | tr ' ' ,)"
    fail "the server did not stop on SIGINT"; }
[ "$WAIT_STATUS" = 0 ] || { tail -5 "$tmp/server.out";
    fail "lxrun exited $WAIT_STATUS after the shutdown, want 0"; }
grep -q 'received fast shutdown request' "$tmp/server.out" &&
    grep -q 'database system is shut down' "$tmp/server.out" ||
    { tail -5 "$tmp/server.out"; fail "no fast shutdown in the server's log"; }
grep 'lxrun:' "$tmp/server.out" && fail "lxrun said something about the server"
for p in $tree; do
	is_gone "$p" || fail "left behind: $p $(tr '\0' ' ' \
	    <"/proc/$p/cmdline")"
done
"$PYTHON" "$PROGTOOL" served "$tmp/server.trace" epoll_create1 epoll_ctl \
    epoll_wait | tee "$tmp/served"
grep -q '^epoll_ctl emulated=[1-9]' "$tmp/served" &&
    grep -q '^epoll_wait emulated=[1-9]' "$tmp/served" ||
    fail "the server's epoll calls were not served by lxrun"
echo "SIGINT: fast shutdown, lxrun exit 0, none of its $(echo $tree |
    wc -w) processes left; epoll emulated"
echo PASS
