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

# checkpatch.pl reports to accept (harness/checkpatch.sh, series-check.sh).
# A "FIXTURE_DATA(name) *self" parameter reads to checkpatch as a
# multiplication; wrappers of the harness's SKIP(return, ...) are macros
# with flow control by design; user space has no BIT_ULL(); <elf.h>'s
# types are CamelCase.
checkpatch_false_positive() { # file, line, report
	case $3 in
	*"SPACING: spaces preferred around that '*'"*)
		sed -n "$2p" "$tree/$1" | grep -q 'FIXTURE_DATA(' ;;
	*MACRO_WITH_FLOW_CONTROL* | *MACRO_ARG_REUSE*)
		[[ $1 == tools/testing/selftests/* ]] &&
			grep -q 'SKIP(return' "$tree/$1" ;;
	*BIT_MACRO*)
		[[ $1 == tools/testing/selftests/* ]] ;;
	*"CAMELCASE: Avoid CamelCase: <Elf64_"*)
		[[ $1 == tools/testing/selftests/* ]] ;;
	*) false ;;
	esac
}

# The series (harness/series.sh, harness/series-check.sh): its git
# repository, whose "base" is build/upstream and "series" the last commit.
series_repo=$BUILD/series-git
series_date=1795348800	# 2026-11-22 12:00 UTC: the base; commit N is N minutes later

# git on the series repository, with the series' fixed identity and no
# user or system configuration: the output depends on nothing else.
series_git() {
	GIT_DIR=$series_repo/.git GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	GIT_AUTHOR_NAME="task_diag maintainers" \
	GIT_AUTHOR_EMAIL=task-diag@lists.example.org \
	GIT_COMMITTER_NAME="task_diag maintainers" \
	GIT_COMMITTER_EMAIL=task-diag@lists.example.org \
	GIT_AUTHOR_DATE="${series_when:-@$series_date +0000}" \
	GIT_COMMITTER_DATE="${series_when:-@$series_date +0000}" \
		git -c core.abbrev=12 -c core.loosecompression=1 "$@"
}

# Commit tree $1 with message $2 as commit number $3 of the series (its
# date), on parent $4 if given; prints the commit's id.
series_commit() {
	series_when="@$((series_date + 60 * $3)) +0000" \
		series_git commit-tree "$1" ${4:+-p "$4"} <<<"$2"
}

# Whether commit $1 of the series repository has, in every file the series
# changes (from base), what build/linux has (content and executable bit).
# Prints the files that differ.
series_same_as_tree() {
	local st path mode blob same=0 changed
	changed=$(series_git diff-tree -r --no-renames --name-status \
		refs/tags/base "$1") || return 1
	while IFS=$'\t' read -r st path; do
		[ -n "$path" ] || continue
		if [ "$st" = D ]; then
			[ ! -e "$tree/$path" ] || { echo "differs: $path (deleted by the series)"; same=1; }
			continue
		fi
		read -r mode _ blob _ < <(series_git ls-tree "$1" -- "$path")
		if [ ! -f "$tree/$path" ]; then
			echo "differs: $path (missing in $tree)"
			same=1
		elif [ "$(series_git hash-object -- "$tree/$path")" != "$blob" ] ||
		     [ "$mode" != "$([ -x "$tree/$path" ] && echo 100755 || echo 100644)" ]; then
			echo "differs: $path"
			same=1
		fi
	done <<<"$changed"
	return $same
}
