#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Nebula overlay: a lighthouse and two nodes, each in its own network
# namespace with a TUN device, joined by veths to a bridge that lives in a
# fourth namespace of its own (nothing is added to the root namespace).
# Underlay 192.168.100.0/24 (lighthouse .1, nodes .2 and .3), overlay
# 10.99.0.0/24 (same host numbers); certificates from nebula-cert.  The
# nodes know only the lighthouse; they must find each other through it and
# ping each other over the overlay (ping -c 3 -W 2, every reply back).
#
# Runs:
#   native  all three natively (the reference round-trip time)
#   lxrun   all three under lxrun (default mode: only what lxrun emulates
#           stops), round-trip time measured
#   trace   the lighthouse and node 1 under lxrun with a JSON trace
#           (every call stops), node 2 native; the traces must show
#           epoll_* (when lxrun's epoll has landed), getrandom and
#           newfstatat served "emulated"
# Each nebula must stop on SIGTERM with status 0 (lxrun's = nebula's).
#
# Needs root, /dev/net/tun, ip(8) and ping; installs nebula and
# iputils-ping when missing.  Every namespace is removed at exit by name.
# Environment: LXTEST_NEBULA_RUNS (default "native lxrun trace").
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"

need_root
need_lxrun
need_cmd "$PYTHON" ip
need_pkg nebula nebula
need_pkg nebula-cert nebula
need_pkg ping iputils-ping
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
ip netns list >/dev/null 2>&1 || skip "ip netns does not work here"

tmp=$(lx_tmpdir)
tag=$$
NS_SW="lxneb-sw-$tag"
errors=0

bad() {
	echo "FAIL: $*" >&2
	errors=$((errors + 1))
}

# in_ns NS COMMAND...: run COMMAND in namespace NS.
in_ns() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

# The three hosts: name, underlay and overlay host number.
HOSTS="lh:1 n1:2 n2:3"

# net_up: the switch namespace with a bridge, and per host a namespace
# joined to it by a veth pair.
net_up() {
	ip netns add "$NS_SW" || fail "ip netns add $NS_SW"
	at_cleanup "ip netns del $NS_SW"
	in_ns "$NS_SW" ip link set lo up
	in_ns "$NS_SW" ip link add lxnbbr type bridge || fail "bridge"
	in_ns "$NS_SW" ip link set lxnbbr up
	for h in $HOSTS; do
		n=${h%%:*} i=${h#*:}
		ns="lxneb-$n-$tag"
		ip netns add "$ns" || fail "ip netns add $ns"
		at_cleanup "ip netns del $ns"
		in_ns "$NS_SW" ip link add "sw-$n" type veth peer name \
		    "eth-$n" || fail "veth for $n"
		in_ns "$NS_SW" ip link set "eth-$n" netns "$ns" ||
		    fail "moving the veth into $ns"
		in_ns "$NS_SW" ip link set "sw-$n" master lxnbbr up
		in_ns "$ns" ip link set lo up
		in_ns "$ns" ip addr add "192.168.100.$i/24" dev "eth-$n"
		in_ns "$ns" ip link set "eth-$n" up
	done
	for h in $HOSTS; do
		n=${h%%:*}
		wait_until 10 in_ns "lxneb-$n-$tag" ping -c 1 -W 1 \
		    192.168.100.1 >/dev/null 2>&1 ||
		    fail "underlay: $n cannot reach 192.168.100.1"
	done
	echo "underlay up: namespaces $NS_SW lxneb-{lh,n1,n2}-$tag"
}

certs() {
	(cd "$tmp" && nebula-cert ca -name "lxrun test ca" -duration 24h &&
	for h in $HOSTS; do
		n=${h%%:*} i=${h#*:}
		nebula-cert sign -name "$n" -ip "10.99.0.$i/24" \
		    -out-crt "$n.crt" -out-key "$n.key" || exit 1
	done) >"$tmp/certs.log" 2>&1 || { cat "$tmp/certs.log" >&2;
	    fail "nebula-cert"; }
}

# config NAME HOSTNUM: write $tmp/NAME.yml.
config() {
	_n=$1 _i=$2
	if [ "$_n" = lh ]; then
		_lh="am_lighthouse: true
  hosts: []"
	else
		_lh="am_lighthouse: false
  interval: 60
  hosts:
    - \"10.99.0.1\""
	fi
	cat >"$tmp/$_n.yml" <<EOF
pki:
  ca: $tmp/ca.crt
  cert: $tmp/$_n.crt
  key: $tmp/$_n.key
static_host_map:
  "10.99.0.1": ["192.168.100.1:4242"]
lighthouse:
  $_lh
listen:
  host: 192.168.100.$_i
  port: 4242
punchy:
  punch: false
relay:
  am_relay: false
  use_relays: false
tun:
  disabled: false
  dev: lxnb-$_n
  drop_local_broadcast: false
  drop_multicast: false
  tx_queue: 500
  mtu: 1300
logging:
  level: info
  format: text
firewall:
  outbound:
    - port: any
      proto: any
      host: any
  inbound:
    - port: any
      proto: icmp
      host: any
EOF
	nebula -test -config "$tmp/$_n.yml" >"$tmp/$_n.test" 2>&1 ||
	    { cat "$tmp/$_n.test" >&2; fail "nebula -test for $_n"; }
}

# neb_start RUN NAME [PREFIX...]: start nebula NAME in its namespace as
# PREFIX nebula -config ...; waits for its interface; sets NEB_PID.
neb_start() {
	_run=$1 _n=$2
	shift 2
	bg_start "$tmp/$_run/$_n.log" ip netns exec "lxneb-$_n-$tag" "$@" \
	    nebula -config "$tmp/$_n.yml"
	NEB_PID=$BG_PID
	wait_until 30 file_has "$tmp/$_run/$_n.log" \
	    'Nebula interface is active' || {
		cat "$tmp/$_run/$_n.log" >&2
		fail "$_run: nebula $_n did not bring its interface up"; }
}

# ping_ok RUN FROM TO-HOSTNUM: the checked ping over the overlay.
ping_ok() {
	_out="$tmp/$1/ping-$2-$3"
	in_ns "lxneb-$2-$tag" ping -c 3 -W 2 "10.99.0.$3" >"$_out" 2>&1 &&
	    grep -q ' 3 received' "$_out"
}

# rtt RUN FROM TO-HOSTNUM: median and mean round trip of 50 pings (ms).
rtt() {
	_out="$tmp/$1/rtt-$2-$3"
	in_ns "lxneb-$2-$tag" ping -c 50 -i 0.05 -W 2 "10.99.0.$3" \
	    >"$_out" 2>&1
	"$PYTHON" "$PROGTOOL" pingrtt "$_out"
}

# run RUN PREFIX-LH PREFIX-N1 PREFIX-N2: one run (a prefix "-" means
# native).
run() {
	_run=$1
	mkdir -p "$tmp/$_run"
	echo "== $_run"
	pids=""
	for h in lh n1 n2; do
		case $h in
		lh) p=$2 ;;
		n1) p=$3 ;;
		n2) p=$4 ;;
		esac
		if [ "$p" = - ]; then
			neb_start "$_run" "$h"
		else
			# shellcheck disable=SC2086
			neb_start "$_run" "$h" $p
		fi
		pids="$pids $h:$NEB_PID"
	done
	echo "$_run: started$pids"
	# Wait for the nodes to reach each other through the lighthouse
	# (the first packets carry the handshake).
	t0=$(now_s)
	if wait_until 30 in_ns "lxneb-n1-$tag" ping -c 1 -W 2 10.99.0.3 \
	    >/dev/null 2>&1; then
		echo "$_run: n1 reached n2 over the overlay after" \
		    "$(elapsed "$t0") s"
	else
		bad "$_run: n1 never reached n2 (10.99.0.3) over the overlay"
	fi
	for pair in n1:3 n2:2 n1:1 n2:1; do
		f=${pair%%:*} t=${pair#*:}
		if ping_ok "$_run" "$f" "$t"; then
			echo "$_run: $f -> 10.99.0.$t: 3 of 3 replies"
		else
			sed 's/^/    /' "$tmp/$_run/ping-$f-$t" >&2
			bad "$_run: ping $f -> 10.99.0.$t failed"
		fi
	done
	r12=$(rtt "$_run" n1 3)
	r21=$(rtt "$_run" n2 2)
	echo "$_run: rtt (ms) n1->n2 $r12; n2->n1 $r21"
	echo "$_run: n1->n2 $r12; n2->n1 $r21" >>"$tmp/figures"
	for hp in $pids; do
		kill -TERM "${hp#*:}"
	done
	for hp in $pids; do
		wait_exit 20 "${hp#*:}"
		[ "$WAIT_STATUS" = 0 ] ||
		    bad "$_run: nebula ${hp%%:*} status $WAIT_STATUS on SIGTERM"
	done
	# No lighthouse handshake must have failed for want of lxrun.
	for h in lh n1 n2; do
		grep -E 'level=(error|fatal)' "$tmp/$_run/$h.log" |
		    sed "s/^/  $_run $h: /"
	done
}

# check_trace TRACE: the calls nebula made that lxrun serves.
check_trace() {
	for n in epoll_create1 epoll_ctl epoll_pwait getrandom newfstatat; do
		line=$("$PYTHON" "$PROGTOOL" served "$1" "$n")
		echo "  ${1##*/}: $line"
		case $n in
		epoll_*) row=epoll_ctl ;;
		*) row=$n ;;
		esac
		st=$(row_status "$row")
		if [ "$st" != emulated ]; then
			echo "  PENDING: $n is '$st' in this lxrun; not checked"
			continue
		fi
		case $line in
		"$n emulated="[0-9]*) ;;
		*" none") bad "${1##*/}: nebula made no $n call" ;;
		*) bad "${1##*/}: $n not served emulated: $line" ;;
		esac
		case $line in
		*native=*|*unsupported=*)
			bad "${1##*/}: $n partly not emulated: $line" ;;
		esac
	done
}

net_up
certs
for h in $HOSTS; do
	config "${h%%:*}" "${h#*:}"
done
TRACED=epoll_create1,epoll_ctl,epoll_pwait,epoll_wait,getrandom,newfstatat
TRACED=$TRACED,statx,ioprio_set,waitid,inotify_init1,memfd_create
for r in ${LXTEST_NEBULA_RUNS:-native lxrun trace}; do
	case $r in
	native)	run native - - - ;;
	lxrun)	run lxrun "$LXRUN --" "$LXRUN --" "$LXRUN --" ;;
	trace)
		run trace \
		    "$LXRUN -e trace=$TRACED --trace-format=json -o $tmp/trace/lh.json --" \
		    "$LXRUN -e trace=$TRACED --trace-format=json -o $tmp/trace/n1.json --" \
		    -
		check_trace "$tmp/trace/lh.json"
		check_trace "$tmp/trace/n1.json"
		;;
	*)	fail "unknown run $r" ;;
	esac
done

echo "== figures: overlay round trip in ms (50 pings each way)"
cat "$tmp/figures"
[ "$errors" = 0 ] || fail "$errors check(s) failed"
echo "nebula: pass"
exit 0
