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

# Best of five runs, in milliseconds.
best_ms() {
	local best= t0 t1 t i
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000))
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	printf '%d.%03d' $((best / 1000)) $((best % 1000))
}
n=$(ls /proc | grep -c '^[0-9]')
echo
echo "== time to read $n processes (best of 5, ms)"
printf '%-40s %10s\n' "task_diag_all all --quiet" "$(best_ms "$tools/task_diag_all" all --quiet)"
printf '%-40s %10s\n' "task_proc_all all --quiet" "$(best_ms "$tools/task_proc_all" all --quiet)"
printf '%-40s %10s\n' "ps ax -o pid,ppid" "$(best_ms ps ax -o pid,ppid)"
printf '%-40s %10s\n' "task_diag_all all --cred --stat --quiet" \
	"$(best_ms "$tools/task_diag_all" all --cred --stat --quiet)"
printf '%-40s %10s\n' "cat /proc/PID/status /proc/PID/stat" \
	"$(best_ms sh -c 'cat /proc/[0-9]*/status /proc/[0-9]*/stat')"
