#!/bin/sh
# Build the test guest's initramfs: an uncompressed newc cpio holding the
# static busybox and harness/vm/init.
#   harness/mkinitramfs.sh OUT.cpio
# Reproducible: fixed file list, order, owners, mtimes and inode numbers.
# /dev/console is not needed here: the kernel's built-in initramfs has it.
set -eu

out=${1:?usage: $0 OUT.cpio}
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}

# The initramfs has no shared libraries: busybox must be the static build.
if readelf -l "$busybox" | grep -q 'program interpreter'; then
    echo "$0: $busybox is dynamically linked (apt-get install busybox-static)" >&2
    exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/newroot"
cp "$busybox" "$stage/bin/busybox"
cp "$here/vm/init" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"
find "$stage" -exec touch -h -d @0 {} +

# Write next to OUT and rename, so concurrent runners never see half a file.
tmp=$(mktemp "$out.XXXXXX")
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) > "$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$out"
