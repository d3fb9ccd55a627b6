#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# /stage2 of the initramfs, started once by busybox init: runs the
# guest-side runner (copied into the share by the host) chrooted into the
# overlay root, with a clean environment, then powers the VM off.  The
# runner writes its results to the share and its lines to the console.

# shellcheck disable=SC1091
. /share/job.env
chroot /newroot /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root USER=root LOGNAME=root TERM=dumb TMPDIR=/tmp \
    /bin/sh /run/lxvm/guest-run.sh /run/lxvm </dev/null >/dev/console 2>&1
echo "lxvm-init: runner exited with status $?"
sync
poweroff -f
