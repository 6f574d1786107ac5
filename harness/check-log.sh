#!/bin/sh
# Look for kernel problem reports in the logs of one harness/vm-run.sh run.
#   harness/check-log.sh [--kmemleak] OUTDIR
# Scans the guest's dmesg (OUTDIR/share/dmesg, or OUTDIR/console.log when
# the guest died before saving it) and kmemleak output (OUTDIR/share/
# kmemleak) for BUG/WARNING/KASAN/UBSAN/lockdep/Oops/leak reports.
# With --kmemleak, a guest whose kmemleak did not scan after the command
# (OUTDIR/share/kmemleak-state, written by the guest's init) fails too:
# "never scanned" must not read as "no leaks".
# Prints each report with the lines that follow it and exits 1 if any;
# otherwise prints "kernel log clean" and exits 0. Exit 2: no log found.
set -eu

need_kmemleak=no
[ "${1:-}" != --kmemleak ] || { need_kmemleak=yes; shift; }
out=${1:?usage: $0 [--kmemleak] OUTDIR}
log=$out/share/dmesg
[ -s "$log" ] || log=$out/console.log
[ -s "$log" ] || { echo "check-log: no dmesg or console.log in $out" >&2; exit 2; }

# What starts a report. Lockdep's own reports start with "WARNING:" or
# "BUG:"; "INFO: " also catches hung tasks and RCU stalls.
reports='BUG:|WARNING:|KASAN|UBSAN|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: |lockdep|Oops|Call Trace|unreferenced object|general protection|kernel BUG at|Kernel panic|suspected memory leak'

# Boot messages of the debug kernel that match the above but report nothing.
benign='rcu:[[:space:]]+RCU lockdep checking is enabled'

found=0
# Number the lines, drop the benign ones, then print each report with the
# lines around it (grep -A); cap the output so a storm of reports stays
# readable (the files keep everything).
for f in "$log" "$out/share/kmemleak"; do
    [ -s "$f" ] || continue
    n=$(grep -n '' "$f" | grep -vE "$benign" | grep -cE "$reports" || true)
    [ "$n" -gt 0 ] || continue
    found=1
    echo "check-log: $n report line(s) in $f:"
    grep -n '' "$f" | grep -vE "$benign" | grep -E -B2 -A40 "$reports" | head -n 400
    echo "check-log: (end of excerpt; full log: $f)"
done

# A stall or lockup report is a failure whatever its cause; but a guest
# whose virtual CPUs the host did not run for a while (an overloaded host:
# TCG runs each on a host thread) reports starved kthreads and says so
# with "hrtimer: interrupt took". Point at that, so that a reader can tell
# host starvation from a stall of the kernel's own making, whose report
# shows the looping code in its backtrace.
if [ $found = 1 ] && grep -qE 'stall|starved|soft lockup' "$log" &&
	grep -q 'hrtimer: interrupt took' "$log"; then
    echo "check-log: note: the guest also logged 'hrtimer: interrupt took':" \
        "its CPUs were not run by the host for a while; if the report's" \
        "backtraces show no looping kernel code, the host was overloaded"
fi

if [ $need_kmemleak = yes ]; then
    state=$(cat "$out/share/kmemleak-state" 2>/dev/null || echo "no state: kernel without kmemleak, or the guest died")
    if [ "$state" != scanned ]; then
        echo "check-log: kmemleak did not scan after the command ($state)"
        found=1
    fi
fi

[ $found = 0 ] && echo "kernel log clean ($log; kmemleak required: $need_kmemleak)"
exit $found
