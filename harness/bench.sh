#!/bin/bash
# make bench, after the bench kernel (the production kernel with BPF and
# BTF) and the tools are built: boot it once, create each task population
# in it and time every method of reading it (harness/bench-guest.py),
# then write the table and the plot to $BUILD/bench
# (harness/bench-report.py) and print the table.
#
# Usage: harness/bench.sh
# The populations can be changed (e.g. for a quick try) with
# BENCH_PROCS=1000,10000,50000 BENCH_THREADS=5000x10 (processes x threads)
# BENCH_MAPS=10x10000 (processes x mappings) BENCH_REPS=5 BENCH_REPS_LARGE=3
# (runs per method below and above 20,000 tasks); empty skips a population.
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench
vm=$BUILD/vm/bench
mkdir -p "$out"
"$top/harness/bench-tools.sh"

echo "  VM      bench kernel: make bench (output in $vm)"
start=$(date +%s)
# 8 GiB: 50,000 processes take about 3 GiB of kernel memory and page tables.
"$top/harness/vm-run.sh" --timeout 1200 --mem 8G --smp 1 \
	"$BUILD/obj-bench/arch/x86/boot/bzImage" "$vm" -- \
	python3 "$top/harness/bench-guest.py" "$BUILD/kselftest/task_diag" \
	"$out/bench-hold" /run/vm/bench.json --floor "$out/td_iter" \
	--procs="${BENCH_PROCS-1000,10000,50000}" \
	--threads="${BENCH_THREADS-5000x10}" --maps="${BENCH_MAPS-10x10000}" \
	--reps="${BENCH_REPS:-5}" --reps-large="${BENCH_REPS_LARGE:-3}"
cp "$vm/share/bench.json" "$out/bench.json"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
python3 "$top/harness/bench-report.py" "$out/bench.json" "$out" \
	"$cpu, $(nproc) cores" "$(($(date +%s) - start))"
