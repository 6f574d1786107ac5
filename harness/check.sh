#!/bin/bash
# make check, after the tree, the debug kernel and the selftests are built:
# boot the debug kernel, run harness/guest-check.sh in it (the task_diag
# kselftests with the kselftest runner, and the YNL cli), then check the guest's kernel log, checkpatch and the generated
# files. Prints one line per result and ends with
# "task_diag: N passed, N failed"; exits non-zero on any failure.
#
# Usage: harness/check.sh
# CHECK_TESTS="task_diag:basic ..." runs only those kselftest programs;
# CHECK_TIMEOUT=seconds changes the guest's time limit (default 1500).
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/vm/check
results=$BUILD/check-results
: >"$results"
# Record one result: PASS|FAIL, name, and on failure where to look.
result() {
	echo "$1 $2${3:+  ($3)}" | tee -a "$results"
}
# Run a check whose output goes to a log; record its result.
check() { # name, command...
	local name=$1 log=$BUILD/check-$1.log
	shift
	if "$@" >"$log" 2>&1; then
		result PASS "$name"
	else
		cat "$log"
		result FAIL "$name" "$log"
	fi
}

echo "  VM      debug kernel: kselftest task_diag (output in $out)"
rm -rf "$out"
status=0
"$top/harness/vm-run.sh" --timeout "${CHECK_TIMEOUT:-1500}" --mem 3G \
	"$BUILD/obj-debug/arch/x86/boot/bzImage" \
	"$out" -- "$top/harness/guest-check.sh" "$BUILD/kselftest" "$tree" \
	${CHECK_TESTS:-} ||
	status=$?
echo "  VM      guest exited with status $status"

# Results of the kselftest TAP output: a line per test case; a program
# that failed without a failing test case (crash, timeout) counts as one
# failure. A skip is a failure too: the check kernel has all the suite needs.
awk '
/^# selftests: task_diag: / { prog = $4; bad = 0; next }
/^# (not )?ok [0-9]+ / {
	line = substr($0, 3)
	ok = (line ~ /^ok/) && (line !~ /# SKIP/)
	sub(/^(not )?ok [0-9]+ /, "", line)
	printf "%s task_diag/%s: %s\n", ok ? "PASS" : "FAIL", prog, line
	if (!ok)
		bad++
	next
}
/^not ok [0-9]+ selftests: task_diag: / && !bad {
	printf "FAIL task_diag/%s: program failed (%s)\n", $6, $0
}
/^RESULT / { sub(/^RESULT /, ""); print }' "$out/share/output" 2>/dev/null | tee -a "$results" || true
grep -q '^# selftests: task_diag: ' "$out/share/output" 2>/dev/null ||
	result FAIL kselftest "no test ran; see $out/console.log"

check kernel-log "$top/harness/check-log.sh" "$out"
check checkpatch "$top/harness/checkpatch.sh"
check generated-files "$top/harness/regen.sh" --check

passed=$(grep -c '^PASS' "$results" || true)
failed=$(grep -c '^FAIL' "$results" || true)
echo "task_diag: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
