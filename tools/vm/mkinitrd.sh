#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Make the initramfs of a Linux guest at test time, from the host's static
# busybox and the guest kernel's own modules (nothing prebuilt, nothing
# downloaded):
#
#   sh tools/vm/mkinitrd.sh OUT.cpio.gz MODDIR [MODULE...]
#
# MODDIR is the kernel's lib/modules/RELEASE directory with a modules.dep
# (empty when every needed driver is built in); each MODULE (virtio_pci,
# 9pnet_virtio, 9p, overlay, ...) is copied with the modules it depends on,
# in load order, decompressed when the kernel ships them compressed.  A
# module the kernel has built in (modules.builtin) or lacks is left out;
# one that is needed and missing makes the guest's /init stop with a clear
# message on the console.

set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$1
MODDIR=$2
shift 2

BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}
[ -n "$BUSYBOX" ] || { echo "mkinitrd: needs busybox (busybox-static)" >&2; exit 1; }
# The initramfs has no libc: the busybox must be static.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	echo "mkinitrd: $BUSYBOX is dynamically linked; install busybox-static" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lxvm-initrd.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/sbin" "$work/etc" "$work/proc" "$work/sys" \
    "$work/dev" "$work/tmp" "$work/lib/lxvm"
cp "$BUSYBOX" "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
cp "$HERE/initrd-init.sh" "$work/init"
cp "$HERE/initrd-stage2.sh" "$work/stage2"
chmod 755 "$work/init" "$work/stage2"

if [ -n "$MODDIR" ] && [ -f "$MODDIR/modules.dep" ] && [ $# -gt 0 ]; then
	# Depth-first over modules.dep: each module after what it needs.
	awk -v want="$*" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p);
	    gsub(/-/, "_", p); return p }
	function visit(p,   i, n, d) {
		if (p in seen) return
		seen[p] = 1
		n = split(deps[p], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print p
	}
	{ f = $1; sub(/:$/, "", f); path[base(f)] = f
	  deps[f] = ""; for (i = 2; i <= NF; i++) deps[f] = deps[f] " " $i }
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			m = w[i]; gsub(/-/, "_", m)
			if (m in path) visit(path[m])
		}
	}' "$MODDIR/modules.dep" >"$work/order"
	while read -r rel; do
		name=${rel##*/}
		case $name in
		*.ko.xz) xz -dc "$MODDIR/$rel" >"$work/lib/lxvm/${name%.xz}" ;;
		*.ko.zst) zstd -qdc "$MODDIR/$rel" >"$work/lib/lxvm/${name%.zst}" ;;
		*.ko.gz) gzip -dc "$MODDIR/$rel" >"$work/lib/lxvm/${name%.gz}" ;;
		*) cp "$MODDIR/$rel" "$work/lib/lxvm/$name" ;;
		esac
		name=${name%.xz}
		name=${name%.zst}
		echo "${name%.gz}" >>"$work/lib/lxvm/modules.list"
	done <"$work/order"
	rm -f "$work/order"
fi

(cd "$work" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) |
    gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
