#!/bin/bash
# Assemble the patched kernel tree in build/linux: Debian's linux-source-6.12,
# plus the new files this repository holds at kernel paths, plus the patches
# of patches/series applied in order. Idempotent, and cheap when nothing
# changed: files keep their mtime unless their content changes, so the
# kernel build rebuilds only what an edit touched.
#
# Usage: harness/assemble.sh
set -eu
. "$(dirname "$0")/lib.sh"

[ -r "$tarball" ] || die "$tarball missing: run 'make deps'"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12)

# Unpack $tarball into directory $1, remembering the package version.
unpack() {
	rm -rf "$1.tmp" "$1"
	mkdir -p "$1.tmp"
	tar -xJf "$tarball" -C "$1.tmp" --strip-components=1
	make -s -C "$1.tmp" kernelversion >"$1.tmp/.version"
	echo "$version" >"$1.tmp/.debian-version"
	mv "$1.tmp" "$1"
}

if [ "$(cat "$upstream/.debian-version" 2>/dev/null)" != "$version" ]; then
	echo "  UNPACK  linux-source-6.12 $version"
	unpack "$upstream"
	rm -rf "$tree"
fi
if [ ! -e "$tree/.debian-version" ]; then
	unpack "$tree"
	rm -rf "$BUILD/installed"
fi

# Put back upstream's version (or nothing) of files a previous assembly
# added or patched that the series no longer has.
restore() {
	if [ -e "$upstream/$1" ]; then
		install_in_tree "$upstream/$1" "$1"
	else
		rm -f "$tree/$1" "$BUILD/installed/$1"
	fi
}

# The series' new files: what git tracks or would track below kernel_dirs.
new=$BUILD/.new-files
(cd "$top" && git ls-files --cached --others --exclude-standard \
	-- $kernel_dirs) | sort -u >"$new"

# Upstream files the series patches, staged with all patches applied.
patched=$BUILD/.patched-files
mapfile -t patches < <(series)
for p in "${patches[@]}"; do patch_files "$p"; done | sort -u >"$patched"
mapfile -t files <"$patched"
stage_files "$BUILD/stage" "${files[@]}" -- "${patches[@]}"

while read -r f; do
	[ ! -e "$top/$f" ] || install_in_tree "$top/$f" "$f"
done <"$new"
for f in "${files[@]}"; do
	if [ -e "$BUILD/stage/$f" ]; then
		install_in_tree "$BUILD/stage/$f" "$f"
	else
		restore "$f"
	fi
done

# Files of the previous assembly that are no longer part of the series.
if [ -e "$tree/.taskdiag-files" ]; then
	sort -u "$new" "$patched" |
		comm -23 "$tree/.taskdiag-files" - |
		while read -r f; do restore "$f"; done
fi
sort -u "$new" "$patched" >"$tree/.taskdiag-files"
echo "  TREE    $tree: Linux $(cat "$tree/.version") (Debian $version) + ${#patches[@]} patches"
