#!/bin/bash
# Runs inside the debug guest for make check: the task_diag kselftests with
# the kselftest runner, then harness/ynl-check.py: the kernel's own YNL
# library decodes dumps of each strategy. Exits non-zero if either failed.
#
# Usage (in the guest): harness/guest-check.sh KSELFTEST_DIR KERNEL_TREE LIMIT [TEST...]
# LIMIT is the guest's time limit in seconds: shortly before it, the tasks
# blocked in the kernel are dumped to the kernel log (sysrq w), so that a
# deadlock in a killable sleep, which the hung-task detector ignores, shows
# where it waits. TESTs (e.g. task_diag:basic) limit the kselftests to
# those programs. Prints "TIME UPTIME NAME" when each program starts and
# "CASE UPTIME NAME" when each test case does.
set -u
kselftest=$1
tree=$2
limit=$3
shift 3
runner_args=(-c task_diag)
[ $# -eq 0 ] || runner_args=($(printf -- '-t %s ' "$@"))

start=$(cut -d. -f1 /proc/uptime)
# If the sleep is killed (the suite ended), nothing is dumped.
(
	sleep $((limit - start > 120 ? limit - start - 60 : 60)) &&
		echo "guest-check: 60 s before the time limit: dumping blocked tasks" &&
		echo w > /proc/sysrq-trigger
) &
watchdog=$!

# Each program's start is stamped with the guest's uptime ("TIME s name"),
# so that make check can say what each one took. The uptime is read with
# a builtin: a process started for each test case would come and go while
# the case runs, and change what the tests compare (the sets of tasks, the
# Pss of the libc every process maps).
stamp() {
	local line up
	while IFS= read -r line; do
		case $line in
		"# selftests: task_diag: "*)
			read -r up _ </proc/uptime
			echo "TIME $up ${line##* }" ;;
		"# #  RUN "*)
			read -r up _ </proc/uptime
			set -- $line
			echo "CASE $up $4" ;;
		esac
		printf '%s\n' "$line"
	done
}

rc=0
set -o pipefail
(cd "$kselftest" && ./run_kselftest.sh "${runner_args[@]}") 2>&1 | stamp || rc=1
read -r up _ </proc/uptime
echo "TIME $up end"

ynl=0
python3 "$(dirname "$0")/ynl-check.py" "$tree" || ynl=$?
if [ $ynl -ne 0 ]; then
	echo "RESULT FAIL ynl-cli: ynl-check.py exited with status $ynl"
	rc=1
fi

pkill -P $watchdog 2>/dev/null
exit $rc
