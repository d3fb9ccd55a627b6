#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A check-vm selftest case that is broken on purpose: the host's summary
# must count it as failed, and check-vm must exit non-zero.
echo "this test fails on purpose (check-vm selftest)"
exit 1
