#!/bin/bash
# Runs inside the debug guest for make check: the task_diag kselftests with
# the kselftest runner, then harness/ynl-check.py: the kernel's own YNL
# library decodes dumps of each strategy.
#
# Usage (in the guest): harness/guest-check.sh KSELFTEST_DIR KERNEL_TREE
set -u
kselftest=$1
tree=$2

(cd "$kselftest" && ./run_kselftest.sh -c task_diag)

python3 "$(dirname "$0")/ynl-check.py" "$tree"
