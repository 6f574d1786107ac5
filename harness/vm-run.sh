#!/bin/bash
# Boot a test kernel under QEMU and run one command in it, as root, in the
# host's root file system (shared read-only over virtio 9p).
#
#   harness/vm-run.sh [OPTIONS] KERNEL OUTDIR [--] COMMAND...
#
#   --timeout SECONDS  kill the guest after this long (default 600)
#   --mem SIZE         guest memory, QEMU syntax (default 1G)
#   --smp N            guest CPUs (default 2)
#   --cwd DIR          directory the command starts in (default: the
#                      current one; the guest's /tmp, /run, /var/tmp are
#                      its own tmpfs, so a host path there is not seen)
#   --append ARGS      more kernel command line
#   --kvm              use KVM instead of TCG (guests hang under KVM here)
#
# COMMAND's words are joined with spaces and run by bash, as ssh does.
# Its stdout and stderr (together) stream to this script's stdout; the
# runner's own messages go to stderr, prefixed "vm-run:".
# Exit status: the command's; 124 if the guest timed out; 125 if the guest
# ended without reporting a status (panic, crash, QEMU error); 2 on bad usage.
# OUTDIR keeps console.log (serial console: boot log, panics) and share/,
# the guest's writable share: cmd, cwd, output, status, timing (guest uptime
# when the command started and ended), dmesg, kmemleak (debug kernels).
set -eu

# Usage: the comment block above.
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

timeout=600 mem=1G smp=2 cwd=$PWD append='' accel=tcg
while [ $# -gt 0 ]; do
    case $1 in
        --timeout) timeout=${2:?}; shift 2 ;;
        --mem) mem=${2:?}; shift 2 ;;
        --smp) smp=${2:?}; shift 2 ;;
        --cwd) cwd=${2:?}; shift 2 ;;
        --append) append=${2:?}; shift 2 ;;
        --kvm) accel=kvm; shift ;;
        -h|--help) usage ;;
        -*) echo "vm-run: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 3 ] || usage
kernel=$1 outdir=$2; shift 2
[ "$1" = -- ] && shift
[ $# -ge 1 ] || usage
[ -f "$kernel" ] || { echo "vm-run: no kernel image $kernel" >&2; exit 2; }
case $cwd in
    /tmp|/tmp/*|/run|/run/*|/var/tmp|/var/tmp/*)
        echo "vm-run: note: $cwd is on a guest tmpfs, not the host's" >&2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
share=$outdir/share console=$outdir/console.log
rm -rf "$share" "$console"
mkdir "$share"
printf '%s\n' "$*" > "$share/cmd"
printf '%s\n' "$cwd" > "$share/cwd"
: > "$share/output"

# The initramfs is named after a hash of what goes into it, so a changed
# init, script or busybox gets a new one and concurrent runs never clash.
key=$(cat "$here/vm/init" "$here/mkinitramfs.sh" /bin/busybox | md5sum | cut -c1-12)
initrd=${BUILD:-${TMPDIR:-/tmp}}/vm-run-initramfs-$key.cpio
[ -f "$initrd" ] || "$here/mkinitramfs.sh" "$initrd"

# The guest mounts its own tmpfs on /tmp, /run and /var/tmp: a repository
# there (a clone in /tmp, say) is shared on its own and mounted back at its
# path, read-only like the rest of the host.
repo=$(cd "$here/.." && pwd)
repo_share=()
case $repo in
    /tmp/*|/run/*|/var/tmp/*)
        printf '%s\n' "$repo" > "$share/hostdir"
        repo_share=(-virtfs "local,path=$repo,mount_tag=hostdir,security_model=none,readonly=on,multidevs=remap") ;;
esac

if [ $accel = kvm ]; then cpu=host; else cpu=max; accel=tcg,thread=multi; fi
# panic=-1: reboot at once on a panic, which ends QEMU (-no-reboot).
# loglevel=5: warnings and worse reach console.log, routine boot chatter
# only dmesg. printk.devkmsg=on: do not rate-limit writes to /dev/kmsg.
# tsc=reliable: no clocksource watchdog or TSC sync check, whose timing
# TCG disturbs, so the guest keeps the TSC instead of falling to jiffies.
# acpi=noirq: ACPI is there for the HPET (the TSC's calibration reference
# under TCG); PCI interrupt routing through ACPI runs a loop in the AML
# _PRT method that the debug kernel interprets so slowly that it times out
# after 30 s per device. kasan_multi_shot: report every KASAN error.
cmdline="console=ttyS0 loglevel=5 panic=-1 printk.devkmsg=on tsc=reliable acpi=noirq kasan_multi_shot $append"

start=$(date +%s)
timeout -k 10 "$timeout" qemu-system-x86_64 \
    -nodefaults -no-user-config -display none -no-reboot \
    -accel "$accel" -cpu $cpu -smp "$smp" -m "$mem" \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
    -serial "file:$console" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$share,mount_tag=vmout,security_model=none,multidevs=remap" \
    "${repo_share[@]}" \
    < /dev/null &
qemu=$!
trap 'kill $qemu 2>/dev/null' EXIT
# The output file only ever grows (the guest appends to it over 9p without
# caching): follow it until QEMU is gone; tail then prints what is left.
tail -n +1 -s 0.2 -f --pid=$qemu "$share/output" &
tailer=$!
qrc=0
wait $qemu || qrc=$?
wait $tailer || true
trap - EXIT
wall=$(( $(date +%s) - start ))

if [ $qrc = 124 ] || [ $qrc = 137 ]; then
    echo "vm-run: guest timed out after $timeout s; last lines of $console:" >&2
    tail -n 20 "$console" >&2
    exit 124
fi
if ! [ -s "$share/status" ]; then
    echo "vm-run: guest ended without an exit status (kernel panic, crash or QEMU error, QEMU status $qrc); last lines of $console:" >&2
    tail -n 30 "$console" >&2
    exit 125
fi
status=$(cat "$share/status")
read -r t0 t1 < "$share/timing" || true
echo "vm-run: exit status $status; boot ${t0:-?} s, command $(echo "${t0:-0} ${t1:-0}" | awk '{print $2 - $1}') s, wall $wall s" >&2
exit "$status"
