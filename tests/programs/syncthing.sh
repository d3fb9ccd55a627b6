#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Two syncthing instances sync one folder through their filesystem
# watchers (inotify), first natively, then each under lxrun with every
# family emulated and a JSON trace of the calls lxrun serves.
#
# Each run: two homes, listening on 127.0.0.1 only, discovery, relays, NAT,
# usage and crash reporting and upgrades off, introduced to each other in
# config.xml, sharing a folder with fsWatcherEnabled and rescanIntervalS
# 3600 (so only inotify can start a scan).  On side A: 200 files in nested
# directories (B must show the same names, sizes and sha256 within
# $BOUND s; the time is printed), then 20 modified, 20 renamed across
# directories, 20 deleted, a directory renamed and one deleted (same
# bound); then a change on B must come back to A (same bound).  SIGTERM
# stops each instance; the status (lxrun's = syncthing's) must be 0.
#
# Under lxrun the traces must show epoll_*, inotify_*, getrandom,
# ioprio_set, newfstatat/statx and waitid served "emulated" (a family whose
# rows are still pending in lxrun is reported as "PENDING", not failed),
# and syncthing's log must carry no WARNING/ERROR line that the native log
# does not (normalised), none about I/O priority in particular.
#
# The whole test runs in a private network namespace (only lo) when it can.
# Environment: LXTEST_SYNC_BOUND (seconds per phase, default 60),
# LXTEST_SYNC_PLAIN=1 adds a third run under lxrun without tracing (for the
# figures: the default trap-only-what-is-emulated mode), LXTEST_SYNC_TMP
# (default /dev/shm), LXTEST_KEEP=1 keeps the temp directory.
if [ -z "${LXTEST_SYNC_TMP:-}" ] && [ -w /dev/shm ]; then
	LXTEST_SYNC_TMP=/dev/shm
fi
TMPDIR=${LXTEST_SYNC_TMP:-${TMPDIR:-/tmp}}
export TMPDIR
. "${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/programs/lib/common.sh"

need_lxrun
need_cmd "$PYTHON"
need_pkg syncthing syncthing
private_netns

BOUND=${LXTEST_SYNC_BOUND:-60}
STARTUP=90		# seconds for start-up, connection and first scan
FOLDER=lxsync
tmp=$(lx_tmpdir)
# The calls whose service is checked, and what the JSON trace records.
TRACED=epoll_create,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2
TRACED=$TRACED,inotify_init,inotify_init1,inotify_add_watch,inotify_rm_watch
TRACED=$TRACED,memfd_create,getrandom,ioprio_set,ioprio_get,newfstatat,statx
TRACED=$TRACED,waitid,close_range,readahead
errors=0

note() {
	echo "$*"
}

bad() {
	echo "FAIL: $*" >&2
	errors=$((errors + 1))
}

# st_gen RUN SIDE: make RUN's home and folder for SIDE (A or B); prints
# the device id.
st_gen() {
	_h="$tmp/$1/home$2"
	mkdir -p "$tmp/$1/user$2" "$tmp/$1/data$2/.stfolder"
	HOME="$tmp/$1/user$2" timeout 60 syncthing generate --home "$_h" \
	    --no-default-folder --skip-port-probing >"$tmp/$1/gen$2.log" 2>&1 ||
	    { cat "$tmp/$1/gen$2.log" >&2; fail "syncthing generate failed"; }
	HOME="$tmp/$1/user$2" timeout 60 syncthing serve --home "$_h" \
	    --device-id 2>/dev/null || fail "syncthing --device-id failed"
}

# st_start RUN SIDE GUIPORT [PREFIX...]: start SIDE of RUN in the
# background, as PREFIX syncthing serve ... (natively when no PREFIX, else
# PREFIX is lxrun and its options); sets ST_PID.
st_start() {
	_run=$1 _side=$2 _gui=$3
	shift 3
	set -- "$@" syncthing serve --home "$tmp/$_run/home$_side" \
	    --no-browser --no-restart --no-upgrade \
	    --gui-address="http://127.0.0.1:$_gui"
	bg_start "$tmp/$_run/log$_side" env HOME="$tmp/$_run/user$_side" \
	    STNORESTART=1 STNOUPGRADE=1 STNODEFAULTFOLDER=1 \
	    STTRACE="${LXTEST_SYNC_STTRACE:-}" "$@"
	ST_PID=$BG_PID
}

# run_scenario RUN MODE: the whole scenario, with MODE native, trace
# (lxrun with a JSON trace) or plain (lxrun alone); leaves RUN's figures in
# $tmp/RUN/figures and its normalised warnings in $tmp/RUN/warnings.
run_scenario() {
	_run=$1
	mode=$2
	mkdir -p "$tmp/$_run"
	echo "== $_run"
	ida=$(st_gen "$_run" A) || exit 1
	idb=$(st_gen "$_run" B) || exit 1
	# shellcheck disable=SC2046
	set -- $("$PYTHON" "$PROGTOOL" freeports 4)
	la=$1 ga=$2 lb=$3 gb=$4
	"$PYTHON" "$PROGTOOL" stconfig "$tmp/$_run/homeA" name=A listen="$la" \
	    gui="$ga" peer="$idb,B,$lb" \
	    folder="$FOLDER,$tmp/$_run/dataA,1" || fail "config A"
	"$PYTHON" "$PROGTOOL" stconfig "$tmp/$_run/homeB" name=B listen="$lb" \
	    gui="$gb" peer="$ida,A,$la" \
	    folder="$FOLDER,$tmp/$_run/dataB,1" || fail "config B"
	keya=$("$PYTHON" "$PROGTOOL" stapikey "$tmp/$_run/homeA")
	keyb=$("$PYTHON" "$PROGTOOL" stapikey "$tmp/$_run/homeB")
	da="$tmp/$_run/dataA" db="$tmp/$_run/dataB"

	case $mode in
	native)
		st_start "$_run" A "$ga"
		pida=$ST_PID
		st_start "$_run" B "$gb"
		pidb=$ST_PID
		;;
	trace)
		st_start "$_run" A "$ga" "$LXRUN" -e "trace=$TRACED" \
		    --trace-format=json -o "$tmp/$_run/traceA.json" --
		pida=$ST_PID
		st_start "$_run" B "$gb" "$LXRUN" -e "trace=$TRACED" \
		    --trace-format=json -o "$tmp/$_run/traceB.json" --
		pidb=$ST_PID
		;;
	plain)
		st_start "$_run" A "$ga" "$LXRUN" --
		pida=$ST_PID
		st_start "$_run" B "$gb" "$LXRUN" --
		pidb=$ST_PID
		;;
	esac
	note "A: pid $pida listen 127.0.0.1:$la gui $ga; B: pid $pidb" \
	    "listen 127.0.0.1:$lb gui $gb"
	ua="http://127.0.0.1:$ga" ub="http://127.0.0.1:$gb"
	t0=$(now_s)
	for w in "$ua $keya ping -" "$ub $keyb ping -" \
	    "$ua $keya connected $idb" "$ub $keyb connected $ida" \
	    "$ua $keya idle $FOLDER" "$ub $keyb idle $FOLDER"; do
		# shellcheck disable=SC2086
		"$PYTHON" "$PROGTOOL" stwait $w "$STARTUP" || {
			tail -n 30 "$tmp/$_run/logA" "$tmp/$_run/logB" >&2
			fail "$_run: start-up ($w)"; }
	done
	note "$_run: both up, connected and idle after $(elapsed "$t0") s"

	# Phase 1: 200 new files on A.
	c0a=$(cpu_ticks "$pida") c0b=$(cpu_ticks "$pidb")
	s0a=$("$PYTHON" "$PROGTOOL" cpu1 "$pida")
	s0b=$("$PYTHON" "$PROGTOOL" cpu1 "$pidb")
	"$PYTHON" "$PROGTOOL" populate "$da" || fail "populate"
	if t=$("$PYTHON" "$PROGTOOL" samewait "$da" "$db" "$BOUND"); then
		note "$_run: B saw A's 200 new files after $t s"
		echo "sync200_s=$t" >>"$tmp/$_run/figures"
	else
		bad "$_run: B did not get A's 200 files within $BOUND s"
		echo "sync200_s=timeout" >>"$tmp/$_run/figures"
	fi
	# The sync's CPU ends when both are idle again (the index updates).
	"$PYTHON" "$PROGTOOL" stwait "$ua" "$keya" idle "$FOLDER" "$BOUND"
	"$PYTHON" "$PROGTOOL" stwait "$ub" "$keyb" idle "$FOLDER" "$BOUND"
	c1a=$(cpu_ticks "$pida") c1b=$(cpu_ticks "$pidb")
	s1a=$("$PYTHON" "$PROGTOOL" cpu1 "$pida")
	s1b=$("$PYTHON" "$PROGTOOL" cpu1 "$pidb")
	hz=$(getconf CLK_TCK)
	tot=$((c1a - c0a + c1b - c0b))
	top=$((s1a - s0a + s1b - s0b))
	echo "cpu200_ticks=$tot" >>"$tmp/$_run/figures"
	if [ "$mode" = native ]; then
		note "$_run: CPU for that sync (both instances): $tot ticks" \
		    "(1/$hz s)"
	else
		# The top pid is lxrun itself: the supervisor's own share.
		echo "cpu200_lxrun_ticks=$top" >>"$tmp/$_run/figures"
		note "$_run: CPU for that sync (both instances and their" \
		    "lxrun): $tot ticks (1/$hz s), of which lxrun $top"
	fi

	# Phase 2: modify, rename across directories, delete.
	"$PYTHON" "$PROGTOOL" mutate "$da" || fail "mutate"
	if t=$("$PYTHON" "$PROGTOOL" samewait "$da" "$db" "$BOUND"); then
		note "$_run: B saw A's modifications, renames and deletions" \
		    "after $t s"
	else
		bad "$_run: B did not follow A's changes within $BOUND s"
	fi

	# Phase 3: a change on B comes back to A.
	"$PYTHON" "$PROGTOOL" mutateback "$db" || fail "mutateback"
	if t=$("$PYTHON" "$PROGTOOL" samewait "$db" "$da" "$BOUND"); then
		note "$_run: A saw B's change after $t s"
	else
		bad "$_run: A did not get B's change within $BOUND s"
	fi
	"$PYTHON" "$PROGTOOL" manifest "$da" >"$tmp/$_run/manifest"
	note "$_run: final tree: $(grep -c '^f' "$tmp/$_run/manifest") files," \
	    "$(grep -c '^d' "$tmp/$_run/manifest") directories"

	# Stop: SIGTERM to the pids we started (lxrun or syncthing).
	ca=$(cpu_ticks "$pida") cb=$(cpu_ticks "$pidb")
	echo "cpu_total_ticks=$((ca + cb))" >>"$tmp/$_run/figures"
	kill -TERM "$pida" "$pidb"
	wait_exit 60 "$pida"
	sta=$WAIT_STATUS
	wait_exit 60 "$pidb"
	stb=$WAIT_STATUS
	[ "$sta" = 0 ] || bad "$_run: A exited with status $sta on SIGTERM"
	[ "$stb" = 0 ] || bad "$_run: B exited with status $stb on SIGTERM"
	note "$_run: SIGTERM: A exit status $sta, B exit status $stb"
	for s in A B; do
		"$PYTHON" "$PROGTOOL" logwarn "$tmp/$_run/log$s" "$tmp/$_run" \
		    >"$tmp/$_run/warn$s"
	done
	sort -u "$tmp/$_run/warnA" "$tmp/$_run/warnB" >"$tmp/$_run/warnings"
}

# check_family FAMILY ROW NAME...: every call of NAME in both traces was
# served emulated, and at least one call of the family was made.  ROW is
# the row whose --list-syscalls status says whether the family has landed.
check_family() {
	_fam=$1 _row=$2
	shift 2
	_st=$(row_status "$_row")
	_made=0
	for _n in "$@"; do
		for _s in A B; do
			_line=$("$PYTHON" "$PROGTOOL" served \
			    "$tmp/trace/trace$_s.json" "$_n")
			echo "  $_s: $_line"
			case $_line in
			*" none") continue ;;
			esac
			_made=1
			_other=$(echo "$_line" | tr ' ' '\n' |
			    grep -v -e "^$_n\$" -e '^emulated=')
			if [ -n "$_other" ] && [ "$_st" = emulated ]; then
				bad "$_fam: $_s's $_n not all emulated:" \
				    "$_other"
			fi
		done
	done
	if [ "$_st" != emulated ]; then
		note "PENDING: family $_fam is not emulated by this lxrun" \
		    "($_row is '$_st'); its check is skipped"
		pending="$pending $_fam"
		return 0
	fi
	[ $_made = 1 ] || bad "$_fam: syncthing made no call of $*"
	[ $_made = 1 ] && note "ok: $_fam served emulated"
}

runs=${LXTEST_SYNC_RUNS:-native trace}
[ -n "${LXTEST_SYNC_PLAIN:-}" ] && runs="$runs plain"
for r in $runs; do
	run_scenario "$r" "$r"
done

pending=""
if [ -d "$tmp/trace" ] && [ -d "$tmp/native" ]; then
	echo "== lxrun's service, from the JSON traces"
	check_family epoll epoll_ctl epoll_create1 epoll_ctl epoll_pwait epoll_wait \
	    epoll_create epoll_pwait2
	check_family inotify inotify_init1 inotify_init1 inotify_add_watch \
	    inotify_rm_watch inotify_init
	check_family getrandom getrandom getrandom
	check_family ioprio ioprio_set ioprio_set
	check_family stat newfstatat newfstatat statx
	check_family waitid waitid waitid

	echo "== warnings (normalised): native"
	sed 's/^/  /' "$tmp/native/warnings"
	echo "== warnings (normalised): under lxrun"
	sed 's/^/  /' "$tmp/trace/warnings"
	new=$(comm -13 "$tmp/native/warnings" "$tmp/trace/warnings")
	[ -z "$new" ] || bad "warnings under lxrun that the native run lacks:
	$new"
	grep -i -E 'prio|ioprio' "$tmp/trace/logA" "$tmp/trace/logB" |
	    grep -E 'WARNING|ERROR' &&
	    bad "syncthing warned about (I/O) priority under lxrun"
	if [ -n "${LXTEST_SYNC_PLAIN:-}" ]; then
		new=$(comm -13 "$tmp/native/warnings" "$tmp/plain/warnings")
		[ -z "$new" ] || bad "warnings under plain lxrun that the native" \
		    "run lacks: $new"
	fi
else
	bad "runs must include native and trace (LXTEST_SYNC_RUNS=$runs)"
fi

echo "== figures"
for r in native trace plain; do
	[ -f "$tmp/$r/figures" ] || continue
	echo "$r: $(tr '\n' ' ' <"$tmp/$r/figures")"
done
[ -n "$pending" ] && echo "pending families (not checked):$pending"
[ "$errors" = 0 ] || fail "$errors check(s) failed"
echo "syncthing: pass"
exit 0
