#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# A check-vm selftest case that passes: lxrun runs a program inside the
# guest and its exit status comes back.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
"$ROOT/lxrun" /bin/sh -c 'exit 3'
[ $? = 3 ] || { echo "lxrun did not pass exit status 3 back"; exit 1; }
echo "kernel $(uname -r)"
