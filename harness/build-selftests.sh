#!/bin/bash
# Build the task_diag kselftests (and the task_diag_all / task_proc_all
# tools) against a flavour's uapi headers and install them with the
# kselftest runner in build/kselftest.
#
# Usage: harness/build-selftests.sh debug|production|bench
set -eu
. "$(dirname "$0")/lib.sh"

obj=$BUILD/obj-$1
[ -d "$obj/usr/include" ] || die "no headers in $obj: build the $1 kernel first"
echo "  BUILD   selftests/task_diag"
# With O=, the selftests build in $obj/kselftest against $obj/usr/include.
make -s -C "$tree/tools/testing/selftests" O="$obj" TARGETS=task_diag \
	INSTALL_PATH="$BUILD/kselftest" install >/dev/null
