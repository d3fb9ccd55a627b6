#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A C event-loop echo server (epoll, level-triggered, non-blocking) runs
# under lxrun; a native client holds 500 concurrent connections for
# ECHO_SECONDS (20) seconds, echoing on every one each round and replacing
# one connection per round (so the server's close path runs too).  Pass:
# no error on either side, every byte echoed.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
LXRUN=${LXRUN:-$ROOT/lxrun}
SECS=${ECHO_SECONDS:-20}
CC=${CC:-cc}
[ -x "$LXRUN" ] || { echo "no $LXRUN"; exit 1; }
tmp=$(mktemp -d)
trap 'kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT

cat >"$tmp/server.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }
int main(int argc, char **argv) {
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct epoll_event ev, out[64];
	long accepted = 0, closed = 0, errors = 0, bytes = 0;
	int ls, ep, one = 1;
	FILE *f;
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	a.sin_addr.s_addr = htonl(0x7f000001);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (void *)&a, sizeof(a)) || listen(ls, 1024)) return 2;
	getsockname(ls, (void *)&a, &len);
	f = fopen(argv[1], "w"); fprintf(f, "%d\n", ntohs(a.sin_port)); fclose(f);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN; ev.data.fd = ls;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	while (!stop) {
		int n = epoll_wait(ep, out, 64, 1000);
		if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); errors++; break; }
		for (int i = 0; i < n; i++) {
			int fd = out[i].data.fd;
			if (fd == ls) {
				int c;
				while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN | EPOLLRDHUP; ev.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev)) { perror("ctl"); errors++; }
					accepted++;
				}
				if (errno != EAGAIN) { perror("accept"); errors++; }
				continue;
			}
			char buf[4096];
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r > 0) {
				bytes += r;
				if (write(fd, buf, (size_t)r) != r) { perror("write"); errors++; }
			} else if (r == 0 || (out[i].events & (EPOLLHUP | EPOLLERR))) {
				close(fd); closed++;
			} else if (errno != EAGAIN) { perror("read"); errors++; close(fd); closed++; }
		}
	}
	printf("server: accepted %ld closed %ld bytes %ld errors %ld\n", accepted, closed, bytes, errors);
	return errors != 0;
}
C

cat >"$tmp/client.c" <<'C'
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#define N 500
static int port;
static int conn(void) {
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { 10, 0 };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(0x7f000001);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (void *)&a, sizeof(a))) { perror("connect"); exit(1); }
	return s;
}
int main(int argc, char **argv) {
	int fd[N], secs = atoi(argv[2]);
	long rounds = 0, echoed = 0, reconnects = 0;
	time_t end;
	port = atoi(argv[1]);
	for (int i = 0; i < N; i++) fd[i] = conn();
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		char msg[32], got[32];
		for (int i = 0; i < N; i++) {
			int len = snprintf(msg, sizeof(msg), "r%ld c%d\n", rounds, i);
			if (write(fd[i], msg, (size_t)len) != len) { perror("write"); return 1; }
		}
		for (int i = 0; i < N; i++) {
			int len = snprintf(msg, sizeof(msg), "r%ld c%d\n", rounds, i), have = 0;
			while (have < len) {
				ssize_t r = read(fd[i], got + have, (size_t)(len - have));
				if (r <= 0) { fprintf(stderr, "read conn %d round %ld: %zd\n", i, rounds, r); return 1; }
				have += (int)r;
			}
			if (memcmp(got, msg, (size_t)len)) { fprintf(stderr, "mismatch\n"); return 1; }
			echoed++;
		}
		/* replace one connection: the server must see EOF and close */
		close(fd[rounds % N]); fd[rounds % N] = conn(); reconnects++;
		rounds++;
	}
	printf("client: %d connections, %ld rounds, %ld echoes, %ld reconnects, 0 errors\n", N, rounds, echoed, reconnects);
	for (int i = 0; i < N; i++) close(fd[i]);
	return 0;
}
C
$CC -O2 -o "$tmp/server" "$tmp/server.c" && $CC -O2 -o "$tmp/client" "$tmp/client.c" ||
    { echo "cannot compile"; exit 1; }
"$LXRUN" "$tmp/server" "$tmp/port" >"$tmp/server.out" 2>&1 &
spid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/port" ] || { echo "server did not start"; cat "$tmp/server.out"; exit 1; }
"$tmp/client" "$(cat "$tmp/port")" "$SECS"
crc=$?
# The server's sockets of closed connections must be closed (no CLOSE_WAIT
# kept alive by lxrun's copies): count close-wait.  The server reads the
# clients' 500 EOFs after the client has gone, which takes more than a
# second on a loaded machine: give it 15.
port=$(cat "$tmp/port")
i=0
while :; do
	cw=$(ss -tn state close-wait "( sport = :$port )" 2>/dev/null | tail -n +2 | wc -l)
	[ "$cw" = 0 ] || [ $i -ge 150 ] && break
	sleep 0.1
	i=$((i + 1))
done
echo "server sockets in CLOSE_WAIT after the clients left: $cw"
kill -TERM "$spid"
wait "$spid"
src=$?
cat "$tmp/server.out"
[ "$crc" = 0 ] && [ "$src" = 0 ] && [ "$cw" = 0 ] || { echo FAIL; exit 1; }
echo PASS
