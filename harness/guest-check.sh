#!/bin/bash
# Runs inside the debug guest for make check: the task_diag kselftests with
# the kselftest runner, then a check that the kernel's own YNL cli decodes
# every reply of a dump of each strategy. Its own results are printed as
# "RESULT PASS|FAIL name" lines for harness/check.sh.
#
# Usage (in the guest): harness/guest-check.sh KSELFTEST_DIR KERNEL_TREE
set -u
kselftest=$1
tree=$2

(cd "$kselftest" && ./run_kselftest.sh -c task_diag)

# The cli fails on an attribute or value the spec does not describe.
ynl() {
	python3 "$tree/tools/net/ynl/cli.py" --output-json --dbg-small-recv \
		--spec "$tree/Documentation/netlink/specs/taskdiag.yaml" "$@"
}
# Number of messages of a dump, and the number of tasks /proc has.
count() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
processes() { ls /proc | grep -c '^[0-9]'; }
threads() { ls /proc/[0-9]*/task | grep -c '^[0-9]'; }

ynl_check() { # name, expected count, cli arguments...
	local name=$1 want=$2 got
	shift 2
	got=$(ynl "$@" | count)
	if [ "$got" = "$want" ]; then
		echo "RESULT PASS ynl-cli: $name ($got tasks)"
	else
		echo "RESULT FAIL ynl-cli: $name: decoded ${got:-nothing}, /proc has $want"
	fi
}
ynl_check "dump all" "$(processes)" --dump task-get \
	--json '{"dump-strategy": 0, "show-flags": 1}'
ynl_check "dump all-thread" "$(threads)" --dump task-get \
	--json '{"dump-strategy": 1, "show-flags": 1}'
ynl_check "dump thread of pid 1" "$(ls /proc/1/task | wc -l)" --dump task-get \
	--json '{"dump-strategy": 3, "pid": 1}'
ynl_check "do pid 1" 1 --do task-get --json '{"pid": 1}'
