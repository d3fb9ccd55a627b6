#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# /init of the initramfs that tools/vm/mkinitrd.sh makes (busybox sh, PID 1).
# Loads the kernel modules the initramfs carries (virtio, 9p, overlay), mounts
# the host's root file system (9p tag lxvm_root, read-only) under a writable
# tmpfs overlay at /newroot, mounts the share (9p tag lxvm_share: the job and
# the results), prepares /proc, /sys, /dev, /tmp, /run inside /newroot, then
# hands PID 1 to busybox init, whose inittab runs /stage2 (the guest-side
# runner, chrooted into /newroot) and reaps every orphan as a real init does.
# Any failure here powers the VM off at once: the host sees no results and
# reports the kernel as failed, with this console in its log.

PATH=/bin
export PATH

die() {
	echo "lxvm-init: $*"
	echo "lxvm-init: powering off"
	sync
	poweroff -f
	exit 1
}

/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo 1 >/proc/sys/kernel/printk_ratelimit 2>/dev/null

# Modules in dependency order (mkinitrd wrote the list); an absent list
# means the kernel has everything built in.
if [ -f /lib/lxvm/modules.list ]; then
	while read -r m; do
		[ -n "$m" ] || continue
		insmod "/lib/lxvm/$m" 2>/tmp/insmod.err || {
			grep -q 'File exists' /tmp/insmod.err ||
			    die "insmod $m: $(cat /tmp/insmod.err)"
		}
	done </lib/lxvm/modules.list
fi

mkdir -p /lower /rw /newroot /share
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,ro,cache=loose \
    lxvm_root /lower || die "cannot mount the host root (9p tag lxvm_root)"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 lxvm_share /share ||
    die "cannot mount the share (9p tag lxvm_share)"
[ -f /share/job.env ] || die "no job.env in the share"
# shellcheck disable=SC1091
. /share/job.env

mount -t tmpfs -o mode=0755,size="${LXVM_OVERLAY_SIZE:-60%}" tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay \
    -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
    die "cannot mount the overlay on the host root"

# A tree under /tmp stays at its path above the guest's own /tmp.
case $LXVM_ROOT in
/tmp/*)
	mkdir -p /hold
	mount --bind "/newroot$LXVM_ROOT" /hold
	;;
esac
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
if [ -d /hold ]; then
	mkdir -p "/newroot$LXVM_ROOT"
	mount --move /hold "/newroot$LXVM_ROOT"
fi
mkdir -p /newroot/run/lxvm
mount --bind /share /newroot/run/lxvm

# The kernel's own module tree (unpacked on the host, seen through 9p)
# for the modprobe the kernel calls: it runs in this root, not the chroot.
if [ -n "${LXVM_MODDIR:-}" ] && [ -d "/lower$LXVM_MODDIR" ]; then
	mkdir -p "/lib/modules/$(uname -r)"
	mount --bind "/lower$LXVM_MODDIR" "/lib/modules/$(uname -r)"
	echo /bin/modprobe >/proc/sys/kernel/modprobe
	for m in ${LXVM_MODULES:-}; do
		modprobe "$m" 2>/dev/null || echo "lxvm-init: no module $m"
	done
fi
ip link set lo up
hostname lxvm

cat >/etc/inittab <<'EOF'
::once:/bin/sh /stage2
::ctrlaltdel:/bin/poweroff -f
EOF
exec /bin/busybox init
