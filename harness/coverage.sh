#!/bin/bash
# Print the line and branch coverage of kernel/taskdiag.c that a guest run
# of the debug kernel reached: gcov on the object's notes (.gcno, from the
# build) and the counters the guest left in OUTDIR/share/gcov (.gcda).
#
# Usage: harness/coverage.sh OUTDIR
set -eu
. "$(dirname "$0")/lib.sh"

out=$1
obj=$BUILD/obj-debug/kernel
gcda=$out/share/gcov/taskdiag.gcda
[ -f "$obj/taskdiag.gcno" ] || die "no $obj/taskdiag.gcno: debug kernel built without gcov"
[ -f "$gcda" ] || die "no $gcda: the guest left no coverage counters"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$obj/taskdiag.gcno" "$gcda" "$work/"
# -n: summary only, no .gcov files; the source path is as the build saw it.
# gcov reports every header with inline code too: keep the file's block.
(cd "$work" && gcov -n -b -o . "$tree/kernel/taskdiag.c") |
	awk '/^File / { mine = /\/kernel\/taskdiag\.c.$/ } mine'
