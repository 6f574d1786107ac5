#!/bin/bash
# The long modes that do not fit in make check (make fuzz, make stress):
# boot the debug kernel, run one installed task_diag program with its
# arguments, then check the guest's kernel log as make check does, and
# print the coverage of kernel/taskdiag.c the run reached.
#
# Usage: harness/long-run.sh NAME SECONDS -- PROGRAM [ARGS...]
#   NAME     the run's directory, build/vm/NAME
#   SECONDS  the guest's time limit
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] && [ "$3" = -- ] || die "usage: $0 NAME SECONDS -- PROGRAM [ARGS...]"
name=$1 limit=$2
shift 3
out=$BUILD/vm/$name
status=0
"$top/harness/vm-run.sh" --timeout "$limit" --mem 3G \
	"$BUILD/obj-debug/arch/x86/boot/bzImage" "$out" -- \
	"$BUILD/kselftest/task_diag/$1" "${@:2}" || status=$?
log=0
"$top/harness/check-log.sh" --kmemleak "$out" || log=$?
"$top/harness/coverage.sh" "$out" || true
if [ "$status" -ne 0 ] || [ "$log" -ne 0 ]; then
	echo "$name: FAILED (program status $status, kernel log $log; see $out)"
	exit 1
fi
echo "$name: passed (output in $out/share/output)"
