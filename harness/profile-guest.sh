#!/bin/bash
# Runs in the guest for make profile (harness/profile.sh): holds PROCS
# processes and records, with perf, each method of reading them.
#
# Usage: profile-guest.sh TOOLS_DIR BENCH_HOLD TD_ITER PROCS OUT_DIR
set -eu
tools=$1 hold=$2 iter=$3 procs=$4 out=$5

"$hold" "$procs" 1 0 >/tmp/hold.out &
hold_pid=$!
until grep -q ready /tmp/hold.out; do
	kill -0 "$hold_pid" || { echo "bench-hold $procs failed" >&2; exit 1; }
	sleep 1
done

profile() { # name, command...
	local name=$1
	shift
	# A method that fails says so in its file; the others still run.
	{
		echo "== $name: $*"
		if perf record -q -e cpu-clock -F 10000 -a -o "/tmp/$name.data" \
			-- "$@" 2>&1; then
			perf report -q -i "/tmp/$name.data" --stdio --sort sym \
				--percent-limit 1 2>&1
		fi
	} >"$out/$name.txt" || true
}
profile dump-base "$tools/td_count" all --show base
profile iter-task "$iter" task
profile proc-stat "$tools/proc_read" stat
profile dump-vma "$tools/td_count" all --show vma
profile iter-task-vma "$iter" task_vma
profile proc-maps "$tools/proc_read" maps
profile dump-vma-stat "$tools/td_count" all --show vma-stat
profile proc-smaps "$tools/proc_read" smaps
kill "$hold_pid"
