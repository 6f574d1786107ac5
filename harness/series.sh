#!/bin/bash
# Write the series as a maintainer receives it: build/series/, a numbered
# git format-patch series with a cover letter, and the same copied to
# results/series/ (committed, so that the series can be had without
# building; harness/series-check.sh fails when the copy is out of date).
#
# The repository stays the source of truth. The plan, series/, holds one
# file per commit, applied in the order of their names (numbered with
# gaps, so that an entry goes in between without renaming the others):
#
#	Subject line of the commit
#
#	Body of the commit message, kernel style: what and why.
#
#	Signed-off-by: ...
#	---
#	patches/NNNN-name.patch		an edit to upstream files
#	kernel/file.c			a file of the repository
#	tools/testing/selftests/dir/	every file of the repository below it
#
# An entry whose message part is empty (the file starts with "---") makes
# one patch of patches/ a commit, with that patch's own From/Subject/body
# as the message; it may list new files too. Every file assemble.sh
# installs from the repository (below kernel_dirs) and every patch of
# patches/series must be in exactly one entry, and the last commit must
# equal the assembled tree (build/linux) in every file the series
# touches, or this script fails.
#
# The commits are made in build/series-git, whose first commit, "base",
# is the pristine tree (build/upstream), made once per upstream version.
# Identity and dates are fixed, so the same repository content gives the
# same commits and the same files, byte for byte.
#
# Usage: harness/series.sh
set -eu
. "$(dirname "$0")/lib.sh"

plan=$top/series
out=$BUILD/series
copy=$top/results/series
[ -e "$upstream/.debian-version" ] || die "$upstream missing: run 'make tree'"
[ -e "$tree/.taskdiag-files" ] || die "$tree missing: run 'make tree'"
version=$(cat "$upstream/.version")
debian=$(cat "$upstream/.debian-version")

# The base: build/upstream as one commit, made without copying the tree
# (build/upstream is the work tree of that one "git add").
if [ "$(series_git cat-file -t refs/tags/base 2>/dev/null)" != commit ] ||
   [ "$(cat "$series_repo/.git/taskdiag-base" 2>/dev/null)" != "$debian" ]; then
	echo "  BASE    $series_repo: Linux $version (Debian $debian)"
	rm -rf "$series_repo"
	git init -q -b series "$series_repo"
	# -f: the kernel's .gitignore files match a few tracked files.
	(cd "$upstream" && export GIT_WORK_TREE=$upstream \
		GIT_INDEX_FILE=$series_repo/.git/index-base &&
		series_git add -A -f . &&
		series_git rm -q --cached .version .debian-version &&
		series_git write-tree >"$series_repo/.git/base-tree")
	c=$(series_commit "$(cat "$series_repo/.git/base-tree")" \
		"Linux $version (Debian linux-source-6.12 $debian)" 0)
	series_git update-ref refs/tags/base "$c"
	rm -f "$series_repo/.git/index-base" "$series_repo/.git/base-tree"
	echo "$debian" >"$series_repo/.git/taskdiag-base"
fi

# The files the series adds: what assemble.sh installs from the
# repository (tracked or not ignored, below kernel_dirs).
mapfile -t new < <(cd "$top" && git ls-files --cached --others \
	--exclude-standard -- $kernel_dirs | sort -u)
declare -A in_series claimed
for p in $(series); do in_series[${p#"$top"/}]=1 claimed[${p#"$top"/}]=; done
for f in "${new[@]}"; do claimed[$f]=; done

# The message of a patch of patches/: its Subject (without "[PATCH]")
# and the body up to the "---" line.
patch_message() {
	sed -n -e '/^Subject: /{s/^Subject: *\(\[[^]]*\] *\)\{0,1\}//p;d}' \
		-e '/^$/,/^---$/p' "$1" | sed '$d'
}

index=$series_repo/.git/index-series
export GIT_INDEX_FILE=$index
series_git read-tree refs/tags/base
parent=$(series_git rev-parse refs/tags/base)
n=0
shopt -s nullglob
entries=("$plan"/[0-9]*.txt)
[ ${#entries[@]} -gt 0 ] || die "no plan entries in $plan"
msg=$BUILD/.series-message
for entry in "${entries[@]}"; do
	name=${entry#"$top"/}
	grep -qx -- '---' "$entry" || die "$name: no '---' line before its files"
	sed '/^---$/,$d' "$entry" >"$msg"
	mapfile -t paths < <(sed '0,/^---$/d; s/#.*//; s/[[:space:]]*$//; /^$/d' "$entry")
	patches=() files=()
	for p in "${paths[@]}"; do
		case $p in
		patches/*)
			[ -n "${in_series[$p]:-}" ] || die "$name: $p is not in patches/series"
			[ -z "${claimed[$p]:-}" ] || die "$name: $p is also in ${claimed[$p]}"
			claimed[$p]=$name
			patches+=("$p") ;;
		*)
			hit=0
			for f in "${new[@]}"; do
				[[ $f == "$p" || ( $p == */ && $f == "$p"* ) ]] || continue
				[ -z "${claimed[$f]}" ] || die "$name: $f is also in ${claimed[$f]}"
				claimed[$f]=$name
				files+=("$f")
				hit=1
			done
			[ $hit = 1 ] || die "$name: $p is no file of the series (below: $kernel_dirs)" ;;
		esac
	done
	if [ ! -s "$msg" ]; then
		[ ${#patches[@]} = 1 ] ||
			die "$name: no message: it needs one, or exactly one patch to take it from"
		patch_message "$top/${patches[0]}" >"$msg"
	fi
	grep -q '^Signed-off-by: ' "$msg" || die "$name: no Signed-off-by"

	for p in "${patches[@]}"; do
		series_git apply --cached "$top/$p" ||
			die "$name: $p does not apply here: a patch that touches a file" \
				"must come after the patches that touch it in patches/series"
	done
	if [ ${#files[@]} -gt 0 ]; then
		mapfile -t blobs < <(cd "$top" && printf '%s\n' "${files[@]}" |
			series_git hash-object -w --stdin-paths)
		for i in "${!files[@]}"; do
			mode=100644
			[ ! -x "$top/${files[$i]}" ] || mode=100755
			printf '%s %s\t%s\n' "$mode" "${blobs[$i]}" "${files[$i]}"
		done | series_git update-index --add --index-info
	fi
	t=$(series_git write-tree)
	[ "$t" != "$(series_git rev-parse "$parent^{tree}")" ] ||
		die "$name: changes nothing"
	n=$((n + 1))
	parent=$(series_commit "$t" "$(cat "$msg")" "$n" "$parent")
done
unset GIT_INDEX_FILE
rm -f "$index" "$msg"
for f in "${!claimed[@]}"; do
	[ -n "${claimed[$f]}" ] || die "$f is in no entry of series/"
done
series_git update-ref refs/heads/series "$parent"
series_git symbolic-ref HEAD refs/heads/series

# The last commit is the tree make check builds.
series_same_as_tree refs/heads/series ||
	die "the series' last commit differs from $tree (above): run 'make tree'"

# The cover letter: the first paragraph of series/cover-letter.txt is its
# subject, the rest its body, with @LINUX_VERSION@ and @DEBIAN_VERSION@
# replaced by the base's; git adds the shortlog and the diffstat.
series_git config branch.series.description "$(sed -e "s/@LINUX_VERSION@/$version/g" \
	-e "s/@DEBIAN_VERSION@/$debian/g" "$plan/cover-letter.txt")"
rm -rf "$out"
series_git format-patch -q --cover-letter --cover-from-description=subject \
	--numbered --base=refs/tags/base --zero-commit --no-signature -o "$out" refs/tags/base..refs/heads/series
mkdir -p "$copy"
rm -f "$copy"/*.patch
cp "$out"/*.patch "$copy"/
echo "  SERIES  $out: $n patches and a cover letter on Linux $version (copied to results/series)"
