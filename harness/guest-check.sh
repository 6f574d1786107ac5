#!/bin/bash
# Runs inside the debug guest for make check: the task_diag kselftests with
# the kselftest runner, then harness/ynl-check.py: the kernel's own YNL
# library decodes dumps of each strategy.
#
# Usage (in the guest): harness/guest-check.sh KSELFTEST_DIR KERNEL_TREE [TEST...]
# TESTs (e.g. task_diag:basic) limit the kselftests to those programs.
set -u
kselftest=$1
tree=$2
shift 2
runner_args=(-c task_diag)
[ $# -eq 0 ] || runner_args=($(printf -- '-t %s ' "$@"))

(cd "$kselftest" && ./run_kselftest.sh "${runner_args[@]}")

python3 "$(dirname "$0")/ynl-check.py" "$tree"
