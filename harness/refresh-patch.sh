#!/bin/bash
# Turn edits made to upstream files inside the assembled tree (build/linux)
# back into a stored patch: regenerates the diff part of PATCH, keeping its
# description, from the tree's current content of the files PATCH touches
# plus any FILEs given (to add a file to the patch). Assumes no later patch
# of the series touches the same files.
#
# Usage: harness/refresh-patch.sh patches/NNNN-name.patch [FILE...]
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 patches/NNNN-name.patch [FILE...]"
target=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
[ -e "$target" ] || die "$target: no such patch"

# The patches of the series that come before the target.
mapfile -t all < <(series)
before=()
for p in "${all[@]}"; do
	[ "$p" = "$target" ] && break
	before+=("$p")
done
[ ${#before[@]} -lt ${#all[@]} ] || die "$target is not in patches/series"

mapfile -t files < <({ patch_files "$target"; [ $# -eq 0 ] || printf "%s\n" "$@"; } | sort -u)
# The earlier patches must apply to the stage: give it their files too.
mapfile -t staged < <(for p in "${before[@]}"; do patch_files "$p"; done)
stage_files "$BUILD/stage-refresh" "${files[@]}" "${staged[@]}" -- "${before[@]}"

# Keep the description: everything up to the first line "---".
out=$target.new
sed '/^---$/q' "$target" >"$out"
grep -qx -- '---' "$out" || echo '---' >>"$out"
for f in "${files[@]}"; do
	old=$BUILD/stage-refresh/$f
	[ -e "$old" ] || old=/dev/null
	diff -up --label "a/$f" --label "b/$f" "$old" "$tree/$f" >>"$out" || true
done
mv "$out" "$target"
# The tree's content is now what the series installs.
for f in "${files[@]}"; do
	[ ! -e "$tree/$f" ] || install_if_changed "$tree/$f" "$BUILD/installed/$f"
done
echo "  REFRESH $(basename "$target"): ${files[*]}"
