#!/bin/bash
# Runs inside the guest for `make run`: starts a population of idle
# processes, lists them through the taskdiag family next to what /proc
# says, and times both ways of reading them.
#
# Usage (in the guest): harness/demo.sh KSELFTEST_DIR [PROCESSES]
set -eu
tools=$1/task_diag
population=${2:-2000}

# Idle processes: forked by one python process, each then exec'ing a
# small sleep so that it costs the guest little memory.
python3 - "$population" <<'PY' &
import os, signal, sys
for _ in range(int(sys.argv[1])):
	if os.fork() == 0:
		os.execv("/bin/sleep", ["sleep", "100000"])
print(f"started {sys.argv[1]} idle processes", flush=True)
signal.pause()
PY
spawner=$!
trap 'pkill -P $spawner; kill $spawner' EXIT
until [ "$(ls /proc | grep -c '^[0-9]')" -gt "$population" ]; do sleep 1; done

echo
echo "== ps-like listing through task_diag: task_diag_all all (first 25 rows)"
"$tools/task_diag_all" all >/tmp/td.txt
head -n 25 /tmp/td.txt
echo "== the same from /proc/PID/stat: task_proc_all all"
"$tools/task_proc_all" all >/tmp/proc.txt
rows=$(($(wc -l </tmp/td.txt) - 1))
same=$(($(comm -12 <(sort /tmp/td.txt) <(sort /tmp/proc.txt) | wc -l) - 1))
echo "$same of $rows rows identical in both listings"
# Each tool lists itself, and kworkers rename themselves between reads.
diff /tmp/td.txt /tmp/proc.txt | grep '^[<>]' | head -n 10 || true

# Best of five runs, in microseconds; EPOCHREALTIME is read without
# starting a program, which under emulation would cost more than some runs.
best_us() {
	local best= t0 t1 t i
	for i in 1 2 3 4 5; do
		t0=${EPOCHREALTIME/./}
		"$@" >/dev/null 2>&1
		t1=${EPOCHREALTIME/./}
		t=$((t1 - t0))
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	echo "$best"
}
# One line: what is read, the task_diag way, the /proc way, the ratio
# (each command a string of words without quoting).
compare() { # label, task_diag command, /proc command
	local td proc
	td=$(best_us $2)
	proc=$(best_us $3)
	printf '%-18s %10d.%01d %10d.%01d %7d.%01dx   %s\n' "$1" \
		$((td / 1000)) $((td % 1000 / 100)) $((proc / 1000)) \
		$((proc % 1000 / 100)) $((proc / td)) $((proc * 10 / td % 10)) "${3##*/}"
}
n=$(ls /proc | grep -c '^[0-9]')
echo
echo "== time to read $n processes (best of 5, ms, whole program runs)"
echo "   task_diag: td_count, a raw netlink dump that counts the messages;"
echo "   /proc: proc_read, open, read into 64 KiB, close per file, no parsing"
printf '%-18s %12s %12s %9s   %s\n' "what" "task_diag" "/proc" "ratio" \
	"the /proc way"
td=$tools/td_count
proc=$tools/proc_read
compare "pid, ppid, ..." "$td all --show base" "$proc stat"
compare "cred + stat" "$td all --show base,cred,stat" "$proc status,stat,io"
compare "memory maps" "$td all --show vma" "$proc maps"
compare "smaps" "$td all --show vma-stat" "$proc smaps"
echo "== what tools do (decoding, parsing, printing): not a baseline"
compare "ps ax -o pid,ppid" "$tools/task_diag_all all --quiet" \
	"ps ax -o pid,ppid"
echo "(make bench measures each group at several populations, with syscalls)"
