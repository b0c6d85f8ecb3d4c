# SPDX-License-Identifier: GPL-2.0-only
# Runs in the COS before the demo's interactive shell (ci/demo).
echo
echo "=== vmk lab: console OS up on $(nproc) CPUs, kernel $(uname -r) ==="
