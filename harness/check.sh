#!/bin/bash
# make check, after the tree, the debug kernel and the selftests are built:
# boot the debug kernel, run harness/guest-check.sh in it (the task_diag
# kselftests with the kselftest runner, and the YNL cli), then check the guest's kernel log, checkpatch and the generated
# files. Prints one line per result and ends with
# "task_diag: N passed, N failed"; exits non-zero on any failure.
#
# Usage: harness/check.sh
# CHECK_TESTS="task_diag:basic ..." runs only those kselftest programs;
# CHECK_TIMEOUT=seconds changes the guest's time limit (default 1500);
# CHECK_APPEND="..." adds to the guest kernel's command line.
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
limit=${CHECK_TIMEOUT:-1500}
status=0
"$top/harness/vm-run.sh" --timeout "$limit" --mem 3G \
	${CHECK_APPEND:+--append "$CHECK_APPEND"} \
	"$BUILD/obj-debug/arch/x86/boot/bzImage" \
	"$out" -- "$top/harness/guest-check.sh" "$BUILD/kselftest" "$tree" \
	"$limit" ${CHECK_TESTS:-} ||
	status=$?
case $status in
0) result PASS guest ;;
124) result FAIL guest "timed out after $limit s: the suite was cut off; see $out/console.log" ;;
125) result FAIL guest "the guest died without an exit status (panic, crash); see $out/console.log" ;;
*) result FAIL guest "the command in the guest exited with status $status" ;;
esac

# Results of the kselftest TAP output: a line per test case; a program
# that failed without a failing test case (crash, timeout) counts as one
# failure, and so does one that reported fewer cases than its plan (1..N)
# or no result line from the runner (cut off). A skip is a failure too:
# the check kernel has all the suite needs.
awk '
function close_prog() {
	if (prog == "")
		return
	if (plan < 0)
		printf "FAIL task_diag/%s: no TAP plan: the program did not start\n", prog
	else if (cases < plan)
		printf "FAIL task_diag/%s: %d of %d test cases reported: cut off\n", prog, cases, plan
	if (!ended)
		printf "FAIL task_diag/%s: no result from the runner: cut off\n", prog
	prog = ""
}
/^# selftests: task_diag: / { close_prog(); prog = $4; bad = 0; plan = -1; cases = 0; ended = 0; next }
/^# 1\.\.[0-9]+$/ && prog != "" && plan < 0 { plan = substr($2, 4) + 0; next }
/^# (not )?ok [0-9]+ / && prog != "" {
	line = substr($0, 3)
	ok = (line ~ /^ok/) && (line !~ /# SKIP/)
	sub(/^(not )?ok [0-9]+ /, "", line)
	printf "%s task_diag/%s: %s\n", ok ? "PASS" : "FAIL", prog, line
	cases++
	if (!ok)
		bad++
	next
}
/^(not )?ok [0-9]+ selftests: task_diag: / && prog != "" {
	ended = 1
	if ($1 == "not" && !bad)
		printf "FAIL task_diag/%s: program failed (%s)\n", prog, $0
	close_prog()
}
/^RESULT / { sub(/^RESULT /, ""); print }
END { close_prog() }' "$out/share/output" 2>/dev/null | tee -a "$results" || true

# Every program asked for must have started.
# What each program took (guest-check.sh stamps their starts)
awk '/^TIME / { if (name != "") printf "  TIME    %-16s %5.0f s\n", name, $2 - t
		t = $2; name = $3 }' "$out/share/output" 2>/dev/null || true
# And the slowest test cases (guest-check.sh stamps their starts too)
awk '/^(CASE|TIME) / { if (c != "") printf "%6.0f s  %s\n", $2 - t, c
		t = $2; c = $1 == "CASE" ? prog "/" $3 : "" }
	/^TIME / { prog = $3 }' "$out/share/output" 2>/dev/null |
	sort -rn | head -8 | sed 's/^/  SLOWEST /' || true

for t in ${CHECK_TESTS:-$(cat "$BUILD/kselftest/kselftest-list.txt")}; do
	grep -qx "# selftests: task_diag: ${t#task_diag:}" "$out/share/output" 2>/dev/null ||
		result FAIL "task_diag/${t#task_diag:}" "never started; see $out/console.log"
done
grep -q '^RESULT .*ynl-cli' "$out/share/output" 2>/dev/null ||
	result FAIL ynl-cli "no result: harness/ynl-check.py did not run"

check kernel-log "$top/harness/check-log.sh" --kmemleak "$out"
# How much of kernel/taskdiag.c the suite ran, as a figure to read.
check coverage "$top/harness/coverage.sh" "$out"
sed 's/^/  COVER   /' "$BUILD/check-coverage.log"
check checkpatch "$top/harness/checkpatch.sh"
# The series as a maintainer receives it (make series, make series-check).
check series "$top/harness/series.sh"
log=$BUILD/check-series-check.log
"$top/harness/series-check.sh" >"$log" 2>&1 || true
if grep -qE '^(PASS|FAIL) ' "$log"; then
	grep -E '^(PASS|FAIL) ' "$log" | tee -a "$results"
else
	result FAIL series-check "no result; see $log"
fi
check generated-files "$top/harness/regen.sh" --check

# CI shows only the head and the tail of this output: repeat each failure
# here, with what a failing test case printed (its last 20 lines).
if grep -q '^FAIL' "$results"; then
	echo "  FAILURES"
	grep '^FAIL' "$results" | sed 's/^/  /'
	awk '/^# #  RUN / { n = 0; name = $4; next }
	     /^# # / && name != "" { buf[n++ % 20] = $0; next }
	     /^# not ok [0-9]+ / && name != "" {
		print "  --- " prog "/" name
		for (i = (n > 20 ? n - 20 : 0); i < n; i++)
			print "  " buf[i % 20]
	     }
	     /^# (not )?ok [0-9]+ / { name = "" }
	     /^# selftests: task_diag: / { prog = $4 }' \
		"$out/share/output" 2>/dev/null || true
fi
passed=$(grep -c '^PASS' "$results" || true)
failed=$(grep -c '^FAIL' "$results" || true)
echo "task_diag: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
