#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A check-vm selftest case that powers the VM off in the middle of the run,
# as a guest kernel crash would end it: the host sees no end line and must
# report the run as failed.
sync
busybox poweroff -f
sleep 60
