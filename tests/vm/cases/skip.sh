#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A check-vm selftest case that skips: the summary counts it as skipped.
echo "SKIP: skipped on purpose (check-vm selftest)"
exit 77
