#!/bin/bash
# make run, after the tree, the production kernel and the tools are built:
# boot the production kernel and run harness/demo.sh in it.
#
# Usage: harness/run.sh
set -eu
. "$(dirname "$0")/lib.sh"

exec "$top/harness/vm-run.sh" --timeout 900 --mem 3G \
	"$BUILD/obj-production/arch/x86/boot/bzImage" "$BUILD/vm/run" -- \
	"$top/harness/demo.sh" "$BUILD/kselftest" "${POPULATION:-2000}"
