#!/bin/bash
# make profile: where a dump's time goes. Boots the bench kernel,
# holds a population (10,000 processes by default), records each group's
# dump with perf (cpu-clock samples: TCG has no hardware counters) and
# writes the kernel functions that take 1% or more of it, self time, to
# $BUILD/profile/GROUP.txt, next to the same for the BPF iterators (the
# floor) and the minimal /proc readers.
#
# Usage: harness/profile.sh
#   PROFILE_PROCS=10000 changes the population.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/profile
vm=$BUILD/vm/profile
bench=$BUILD/bench
"$top/harness/bench-tools.sh"
mkdir -p "$out"
"$top/harness/vm-run.sh" --timeout 900 --mem 4G --smp 1 \
	"$BUILD/obj-bench/arch/x86/boot/bzImage" "$vm" -- \
	"$top/harness/profile-guest.sh" "$BUILD/kselftest/task_diag" \
	"$bench/bench-hold" "$bench/td_iter" "${PROFILE_PROCS:-10000}" /run/vm
cp "$vm"/share/*.txt "$out/"
head -n 30 "$out"/*.txt
