# Shared settings and helpers of the harness scripts; sourced, not run.
# Everything built goes below $BUILD (default: build/ in the repository).

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
tree=$BUILD/linux		# the assembled, patched kernel tree
upstream=$BUILD/upstream	# pristine upstream source, to stage patches on
tarball=/usr/src/linux-source-6.12.tar.xz

# Directories of this repository that mirror kernel tree paths.
kernel_dirs="Documentation fs include kernel mm tools"

die() {
	echo "error: $*" >&2
	exit 1
}

# Files a patch touches, from its "+++ b/PATH" lines.
patch_files() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"
}

# Patches of the series in order.
series() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/patches/series" |
		sed "s|^|$top/patches/|"
}

# Copy $1 to $2 unless $2 already has the same content, so that make
# rebuilds only what really changed.
install_if_changed() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
}

# Install $1 as file $2 of the tree, unless the tree's copy was edited in
# place since the last assembly (it differs from what was installed then,
# kept in $BUILD/installed): that edit would be lost.
install_in_tree() {
	local last=$BUILD/installed/$2
	if [ -e "$tree/$2" ] && [ -e "$last" ] && ! cmp -s "$tree/$2" "$last"; then
		die "build/linux/$2 was edited in place; keep the edit with" \
			"'make refresh-patch P=patches/...' (upstream files) or copy" \
			"it to the repository (new files), or delete it, then re-run"
	fi
	install_if_changed "$1" "$tree/$2"
	install_if_changed "$1" "$last"
}

# Stage in directory $1 the given files as upstream has them with the
# patches given after "--" applied in order. Stops at a patch that fails.
stage_files() {
	local dir=$1 f p
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	while [ "$1" != "--" ]; do
		if [ -e "$upstream/$1" ]; then
			mkdir -p "$dir/$(dirname "$1")"
			cp "$upstream/$1" "$dir/$1"
		fi
		shift
	done
	shift
	for p in "$@"; do
		patch -p1 -s -d "$dir" --fuzz=0 --no-backup-if-mismatch \
			<"$p" >/dev/null ||
			die "patch $(basename "$p") does not apply to $(cat "$upstream/.version")"
	done
}
