#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# make check-vm: run lxrun's test suites inside QEMU virtual machines booted
# from other kernels, and print one summary table.
#
#   sh tools/vm/check-vm.sh [--if-kvm]
#
# For each guest in VM_KERNELS (default "debian12 host"):
#   debian12          the kernel Debian 12's linux-image-amd64 depends on
#   linux-image-NAME  any Debian kernel package or metapackage (e.g.
#                     linux-image-rt-amd64, PREEMPT_RT), fetched with
#                     apt-get download and unpacked under build/vm/kernels/
#                     (never installed on the host)
#   host              the running kernel, if /boot/vmlinuz-RELEASE is readable
#   /PATH/TO/bzImage[:MODDIR]   a kernel image (and its lib/modules/RELEASE)
#   image:/PATH/TO/DISK         a disk image that boots itself and runs the
#                     guest-side runner from the share (see docs/vm.md;
#                     not tested with any image yet)
# a Linux kernel boots with an initramfs made now (tools/vm/mkinitrd.sh), the
# host's root file system read-only over virtio-9p under a writable tmpfs
# overlay, and runs tools/vm/guest-run.sh on VM_SUITE (default "unit diff
# programs"; see guest-run.sh for the words).  Results come back through a
# shared directory (or the serial console); console logs and results are
# kept under build/vm/NAME/.  Exits 1 if any test failed, or any VM
# stopped without finishing its run.
#
# Environment: VM_ROOT (the lxrun tree, default the one holding this
# script), VM_KERNELS, VM_SUITE, VM_ACCEL (kvm or tcg; default kvm when
# /dev/kvm is usable), VM_TIMEOUT (seconds per VM; default 3600 with KVM,
# 21600 with TCG), VM_MEM (MiB, default 3072), VM_CPUS (default 2),
# VM_RESULTS (share or console), VM_OUT (default build/vm), VM_MODULES
# (modules to load in the guest, default "tun veth bridge"), VM_QUIET=1 (no
# live test lines), VM_TIMEOUT_SCALE (multiplies each differential test's
# time limit in the guest; default 1 with KVM, 40 with TCG),
# VM_KVM_PROBE=0 (trust /dev/kvm without booting a probe VM first),
# VM_KVM_PROBE_TIMEOUT (seconds for that probe, default 180).

set -u
KVM_IF=0
# --if-kvm (what make check runs): only when KVM can run the VM, and only
# the Debian 12 kernel; otherwise say why it is skipped and succeed.
if [ "${1:-}" = --if-kvm ]; then
	why=
	if [ ! -e /dev/kvm ]; then
		why="there is no /dev/kvm (no hardware virtualisation in this machine, or the kvm module is not loaded)"
	elif ! (: <>/dev/kvm) 2>/dev/null; then
		why="/dev/kvm cannot be opened read-write by $(id -un)"
	fi
	if [ -n "$why" ]; then
		echo "check-vm: SKIPPED: $why; emulated (TCG) the suite takes over an hour, so make check leaves it out: run make check-vm by hand"
		exit 0
	fi
	VM_KERNELS=${VM_KERNELS:-debian12}
	VM_ACCEL=kvm
	KVM_IF=1
fi
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${VM_ROOT:-$(cd "$HERE/../.." && pwd)}
OUT=${VM_OUT:-$ROOT/build/vm}
CACHE=${VM_CACHE:-$ROOT/build/vm}
KERNELS=${VM_KERNELS:-debian12 host}
SUITE=${VM_SUITE:-unit diff programs}
MEM=${VM_MEM:-3072}
CPUS=${VM_CPUS:-2}
QEMU=${QEMU:-qemu-system-x86_64}
# What the guest's /init loads itself: the transport, the overlay, entropy.
BOOT_MODULES="virtio_pci 9pnet_virtio 9p overlay virtio_rng"

mkdir -p "$OUT" "$CACHE"
command -v "$QEMU" >/dev/null 2>&1 ||
    { echo "check-vm: needs $QEMU (Debian: qemu-system-x86)" >&2; exit 1; }
[ -x "$ROOT/lxrun" ] ||
    { echo "check-vm: no lxrun at $ROOT/lxrun (run make first)" >&2; exit 1; }

# kvm_boots: does a guest really run under KVM here?  /dev/kvm can open
# and still run nothing: nested under another hypervisor (a Firecracker VM,
# 2026-12-04), QEMU 7.2's -cpu host aborted on MSR 0x10a ("failed to set
# MSR 0x10a", IA32_ARCH_CAPABILITIES) and, with that MSR taken away, the
# guest hung after its real-mode setup.  One short VM of the first guest
# (the case "pass", at most VM_KVM_PROBE_TIMEOUT seconds) decides; the
# verdict is kept in $CACHE per host kernel, QEMU and CPU.
kvm_boots() {
	[ "${VM_KVM_PROBE:-1}" = 0 ] && return 0
	_key=$(printf '%s|%s|%s' "$(uname -r)" \
	    "$("$QEMU" --version 2>/dev/null | head -n 1)" \
	    "$(grep -m 1 '^model name' /proc/cpuinfo)" | cksum | cut -d' ' -f1)
	_v="$CACHE/kvm-probe.$_key"
	if [ ! -f "$_v" ]; then
		_k=debian12
		for _w in $KERNELS; do
			case $_w in image:* | host) ;; *) _k=$_w; break ;; esac
		done
		echo "check-vm: is KVM usable? booting $_k once under it" \
		    "(at most ${VM_KVM_PROBE_TIMEOUT:-180}s;" \
		    "log in $CACHE/kvm-probe.log)"
		if VM_ACCEL=kvm VM_KVM_PROBE=0 VM_KERNELS=$_k VM_SUITE=case:pass \
		    VM_TIMEOUT=${VM_KVM_PROBE_TIMEOUT:-180} VM_QUIET=1 \
		    VM_OUT="$CACHE/kvm-probe" VM_RESULTS=share \
		    sh "$HERE/check-vm.sh" >"$CACHE/kvm-probe.log" 2>&1; then
			echo yes >"$_v"
		else
			echo no >"$_v"
		fi
	fi
	[ "$(cat "$_v")" = yes ]
}

# Why KVM is not used, for the messages below.
KVM_BROKEN="/dev/kvm opens but a guest does not run under it (nested virtualisation?): see $CACHE/kvm-probe.log"

if [ "$KVM_IF" = 1 ] && ! kvm_boots; then
	echo "check-vm: SKIPPED: $KVM_BROKEN; emulated (TCG) the suite takes over an hour, so make check leaves it out: run make check-vm by hand"
	exit 0
fi
if [ -z "${VM_ACCEL:-}" ]; then
	VM_ACCEL=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		if kvm_boots; then
			VM_ACCEL=kvm
		else
			echo "check-vm: $KVM_BROKEN"
		fi
	fi
fi
if [ "$VM_ACCEL" = kvm ]; then
	CPU=host
	TIMEOUT=${VM_TIMEOUT:-3600}
	SLOW=0
	SCALE=${VM_TIMEOUT_SCALE:-1}
	APPEND_ACCEL=
else
	# TCG emulates every instruction: 7-20 times slower than KVM here. The
	# guest skips CPU-bug mitigations, which cost most under emulation
	# and change nothing lxrun depends on.
	CPU=max
	TIMEOUT=${VM_TIMEOUT:-21600}
	SLOW=1
	# A test that stops on every call (inotify_queue's 16384 events,
	# core_signal_storm's 300 us timer) needs 20-40 times its time.
	SCALE=${VM_TIMEOUT_SCALE:-40}
	APPEND_ACCEL="mitigations=off"
	echo "check-vm: no usable /dev/kvm: emulating with TCG (slow; timeout ${TIMEOUT}s per VM)"
fi

# q VALUE: VALUE quoted for sh.
q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

now() {
	date +%s.%N
}

# fetch_debian PKG: unpack the Debian kernel package PKG (a metapackage is
# followed to the image it depends on) under $CACHE/kernels and set
# K_IMAGE, K_MODDIR and K_RELEASE; K_ERROR on failure.
fetch_debian() {
	_pkg=$1
	if ! apt-cache show "$_pkg" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1
	fi
	_dep=$(apt-cache depends "$_pkg" 2>/dev/null |
	    sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$_dep" ] && _pkg=$_dep
	_ver=$(apt-cache show --no-all-versions "$_pkg" 2>/dev/null |
	    sed -n 's/^Version: //p' | head -n 1)
	if [ -z "$_ver" ]; then
		K_ERROR="no Debian package $_pkg (apt-cache show)"
		return 1
	fi
	_dir="$CACHE/kernels/${_pkg}_$_ver"
	if [ ! -f "$_dir/.ready" ]; then
		echo "check-vm: fetching $_pkg $_ver (apt-get download, unpacked in $_dir)"
		mkdir -p "$CACHE/debs" "$CACHE/kernels"
		rm -rf "$_dir" "$_dir.tmp"
		if ! (cd "$CACHE/debs" && apt-get download "$_pkg=$_ver") \
		    >"$CACHE/debs/$_pkg.log" 2>&1; then
			K_ERROR="apt-get download $_pkg=$_ver failed (see $CACHE/debs/$_pkg.log)"
			return 1
		fi
		_deb=$(ls "$CACHE/debs/${_pkg}_"*.deb 2>/dev/null | tail -n 1)
		dpkg-deb -x "$_deb" "$_dir.tmp" || {
			K_ERROR="dpkg-deb -x $_deb failed"
			return 1
		}
		_rel=$(ls "$_dir.tmp/lib/modules" | head -n 1)
		# The package leaves modules.dep to its postinst: make it.
		busybox depmod -b "$_dir.tmp" "$_rel" || {
			K_ERROR="busybox depmod failed for $_rel"
			return 1
		}
		touch "$_dir.tmp/.ready"
		mv "$_dir.tmp" "$_dir"
	fi
	K_RELEASE=$(ls "$_dir/lib/modules" | head -n 1)
	K_IMAGE="$_dir/boot/vmlinuz-$K_RELEASE"
	K_MODDIR="$_dir/lib/modules/$K_RELEASE"
	[ -f "$K_IMAGE" ] || { K_ERROR="no $K_IMAGE"; return 1; }
}

# resolve WORD: set K_KIND (linux, image or skip), K_IMAGE, K_MODDIR,
# K_NAME (the directory name under $OUT), and K_ERROR or K_SKIP.
resolve() {
	K_KIND=linux K_IMAGE= K_MODDIR= K_RELEASE= K_ERROR= K_SKIP=
	K_NAME=$(printf '%s' "$1" | sed 's|^image:||; s|.*/||; s|[^A-Za-z0-9._-]|_|g')
	case $1 in
	debian12) fetch_debian linux-image-amd64 ;;
	linux-image-*) fetch_debian "$1" ;;
	host)
		K_RELEASE=$(uname -r)
		K_IMAGE=/boot/vmlinuz-$K_RELEASE
		K_MODDIR=/lib/modules/$K_RELEASE
		if [ ! -r "$K_IMAGE" ]; then
			K_KIND=skip
			K_SKIP="host kernel $K_RELEASE: $K_IMAGE is not readable"
		fi
		;;
	image:*)
		K_KIND=image
		K_IMAGE=${1#image:}
		[ -r "$K_IMAGE" ] || K_ERROR="no disk image $K_IMAGE"
		;;
	/*)
		K_IMAGE=${1%%:*}
		[ "$K_IMAGE" != "$1" ] && K_MODDIR=${1#*:}
		[ -r "$K_IMAGE" ] || K_ERROR="no kernel image $K_IMAGE"
		;;
	*) K_ERROR="unknown guest '$1' (see tools/vm/check-vm.sh)" ;;
	esac
	[ -n "$K_ERROR" ] && return 1
	return 0
}

# boot DIR: start the VM of the resolved guest, its console in
# DIR/console.log; waits for it (or VM_TIMEOUT) and sets VM_STATUS.
boot() {
	_dir=$1
	_share="$_dir/share"
	set -- -nodefaults -no-user-config -display none -no-reboot \
	    -machine q35 -accel "$VM_ACCEL" -cpu "$CPU" -smp "$CPUS" -m "$MEM" \
	    -serial "file:$_dir/console.log" \
	    -device virtio-rng-pci \
	    -virtfs "local,path=$_share,mount_tag=lxvm_share,security_model=none,id=share"
	if [ "$K_KIND" = linux ]; then
		set -- "$@" -kernel "$K_IMAGE" -initrd "$_dir/initrd.gz" \
		    -append "console=ttyS0,115200 panic=-1 quiet loglevel=4 $APPEND_ACCEL" \
		    -virtfs "local,path=/,mount_tag=lxvm_root,security_model=none,readonly=on,multidevs=remap,id=root"
	else
		# A disk image boots on its own; VM_IMAGE_ARGS may add devices.
		# shellcheck disable=SC2086
		set -- "$@" -drive "file=$K_IMAGE,if=virtio,snapshot=on" \
		    ${VM_IMAGE_ARGS:-}
	fi
	: >"$_dir/console.log"
	echo "$QEMU $*" >"$_dir/qemu.cmd"
	timeout -k 10 "$TIMEOUT" "$QEMU" "$@" </dev/null >"$_dir/qemu.log" 2>&1 &
	_pid=$!
	if [ "${VM_QUIET:-0}" != 1 ]; then
		# read(1) takes a byte at a time: each line shows at once.
		tail -n +1 -f --pid="$_pid" "$_dir/console.log" 2>/dev/null |
		    while IFS= read -r _l; do
			case $_l in
			"lxvm: "*) printf '  %s: %s\n' "$K_NAME" \
			    "$(printf '%s' "${_l#lxvm: }" | tr -d '\r')" ;;
			esac
		    done
	fi
	wait "$_pid"
	VM_STATUS=$?
}

# collect DIR: the result lines of the run (from the share, else from the
# console) into DIR/results.txt.
collect() {
	_r="$1/share/results.txt"
	if [ -f "$_r" ] && grep -q '^end ' "$_r"; then
		cp "$_r" "$1/results.txt"
	else
		tr -d '\r' <"$1/console.log" | sed -n 's/^lxvm: //p' >"$1/results.txt"
	fi
}

# count DIR: "passed failed skipped complete" of DIR/results.txt.  A
# suite that exited non-zero with no FAIL line of its own counts as one
# failure; a run with no end line counts as one.
count() {
	awk '
	/^PASS / { p++ }
	/^SKIP / { s++ }
	/^FAIL / { f++; n = $2; sub(/\/.*/, "", n); failed[n] = 1 }
	/^suite / && $4 != "0" { bad[$2] = 1 }
	/^end / { done = 1 }
	END {
		for (x in bad) if (!(x in failed)) f++
		if (!done) f++
		printf "%d %d %d %d\n", p, f, s, done
	}' "$1/results.txt"
}

: >"$OUT/summary.tsv"
rows=
status=0
for k in $KERNELS; do
	if ! resolve "$k"; then
		echo "check-vm: $k: $K_ERROR" >&2
		printf '%s\t-\t1\t-\t0\terror: %s\n' "$k" "$K_ERROR" >>"$OUT/summary.tsv"
		status=1
		continue
	fi
	if [ "$K_KIND" = skip ]; then
		echo "check-vm: $k skipped: $K_SKIP"
		printf '%s\t-\t-\t-\t-\tskipped: %s\n' "$k" "$K_SKIP" >>"$OUT/summary.tsv"
		continue
	fi
	dir="$OUT/$K_NAME"
	rm -rf "$dir"
	mkdir -p "$dir/share"
	cp "$HERE/guest-run.sh" "$dir/share/guest-run.sh"
	{
		echo "LXVM_ROOT=$(q "$ROOT")"
		echo "LXVM_SUITE=$(q "$SUITE")"
		echo "LXVM_RESULTS=$(q "${VM_RESULTS:-share}")"
		echo "LXVM_SLOW=$SLOW"
		echo "LXVM_TIMEOUT_SCALE=$SCALE"
		echo "LXVM_MODDIR=$(q "$K_MODDIR")"
		echo "LXVM_MODULES=$(q "${VM_MODULES:-tun veth bridge}")"
	} >"$dir/share/job.env"
	if [ "$K_KIND" = linux ] &&
	    ! sh "$HERE/mkinitrd.sh" "$dir/initrd.gz" "$K_MODDIR" $BOOT_MODULES; then
		printf '%s\t-\t1\t-\t0\terror: mkinitrd failed\n' "$k" >>"$OUT/summary.tsv"
		status=1
		continue
	fi
	echo "check-vm: $k: booting ${K_RELEASE:-$K_IMAGE} ($VM_ACCEL, $CPUS CPUs, ${MEM} MiB), suite: $SUITE"
	t0=$(now)
	boot "$dir"
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	collect "$dir"
	# shellcheck disable=SC2046
	set -- $(count "$dir")
	release=$(sed -n 's/^begin [^ ]* \([^ ]*\) .*/\1/p' "$dir/results.txt" | head -n 1)
	boot_s=$(sed -n 's/^begin .* uptime \([0-9.]*\).*/\1/p' "$dir/results.txt" | head -n 1)
	note=ok
	if [ "$4" != 1 ]; then
		note="no end line: the VM stopped before its runner finished (qemu exit $VM_STATUS); see $dir/console.log"
		[ "$VM_STATUS" = 124 ] && note="timed out after ${TIMEOUT}s; see $dir/console.log"
	fi
	[ "$2" != 0 ] && status=1
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$1" "$2" "$3" "$secs" \
	    "$note" "${release:-?}" "${boot_s:-?}" >>"$OUT/summary.tsv"
done

# The table: kernel | passed | failed | skipped | seconds.
{
	echo
	printf '%-32s | %6s | %6s | %7s | %7s\n' kernel passed failed skipped seconds
	printf '%-32s-+-%6s-+-%6s-+-%7s-+-%7s\n' -------------------------------- ------ ------ ------- -------
	while IFS='	' read -r k p f s secs note release boot_s; do
		case $note in
		skipped:* | error:*)
			printf '%-32s | %s\n' "$k" "$note"
			continue
			;;
		esac
		printf '%-32s | %6s | %6s | %7s | %7s\n' "$release ($k)" "$p" "$f" "$s" "$secs"
		[ "$note" != ok ] && printf '%-32s   %s\n' "" "$note"
		[ "$boot_s" != "?" ] && printf '%-32s   guest up %ss when the runner started\n' "" "$boot_s"
	done <"$OUT/summary.tsv"
	for k in $KERNELS; do
		r="$OUT/$(printf '%s' "$k" | sed 's|^image:||; s|.*/||; s|[^A-Za-z0-9._-]|_|g')/results.txt"
		[ -f "$r" ] && sed -n "s|^FAIL \(.*\)|FAIL \1 [$k]|p" "$r"
	done
} | tee "$OUT/summary.txt"
exit $status
