#!/bin/bash
# Check the series harness/series.sh wrote (build/series, from the commits
# of build/series-git) the way a maintainer and the build bots would.
# Prints one line per check, "PASS name" or "FAIL name  (log)", as
# harness/check.sh does, and exits non-zero if any failed:
#
# series-sync       results/series/ is what harness/series.sh writes
#                   (make series, then commit results/series).
# series-am         git am of build/series/*.patch onto the pristine base,
#                   in a new repository (sparse checkout of the files the
#                   series touches; it borrows the base's objects), makes
#                   commits whose trees are those of series-git's, commit by
#                   commit; the last one equals build/linux in every file
#                   the series touches.
# series-bisect     every commit builds, with the debug kernel's config
#                   (build/obj-debug/.config, its CONFIG_TASK_DIAG taking
#                   effect from the commit that adds the option). At each
#                   commit kbuild builds, in build/series-obj, every object
#                   of vmlinux whose source file the series adds or changes
#                   (kernel/taskdiag.o, kernel/taskdiag-nl-gen.o once they
#                   exist); its dependency tracking recompiles those the
#                   commit changes and those that include a header the
#                   commit changes, so every object the series can break
#                   is compiled at every commit. What compiling cannot
#                   show, a call into a function that a later commit
#                   adds, is checked on the objects' symbols: no object
#                   uses, at any commit, a global symbol the series
#                   defines only later. Objects the series does not touch
#                   see only its headers, whose changes add declarations;
#                   the whole kernel is built from the last commit's tree
#                   (build/linux, equal to it by series-am) by make check.
#                   The selftests, user-space programs, are built by make
#                   check from the last commit: their commit is the last
#                   but MAINTAINERS.
# series-sparse     no sparse (C=1) report in those builds that the same
#                   object does not have at the base (upstream's own
#                   reports do not count, nor do they when they move with
#                   their code; the series' new files have none). Sparse
#                   cannot follow the conditional locking of the seqlock_t
#                   readers scoped_seqlock_read() and
#                   read_seqbegin_or_lock(): its "context imbalance" in a
#                   function that uses them is no finding (series-check.py).
# series-w1         the same for the compiler's W=1 warnings.
# series-checkpatch checkpatch.pl --strict on each patch file; accepted:
#                   the false positives harness/checkpatch.sh accepts, the
#                   YNL generator's style in the generated files, and
#                   "does MAINTAINERS need updating?" for a patch whose new
#                   files have a MAINTAINERS entry at the end of the series.
# series-kernel-doc scripts/kernel-doc -none -Wall: nothing on the files
#                   the series adds, nothing more than upstream has on the
#                   files it changes.
# series-rst        the new rst pages, and the one the documentation build
#                   generates from the YNL spec, parse with docutils
#                   without warnings (Sphinx is not needed: its roles and
#                   directives are registered as inert ones), and each is
#                   in a toctree.
#
# Usage: harness/series-check.sh (after harness/series.sh)
set -eu
. "$(dirname "$0")/lib.sh"

work=$BUILD/series-check
obj=$BUILD/series-obj
out=$BUILD/series
py=/usr/bin/python3	# with python3-docutils and python3-yaml (deps.sh)
helper=$top/harness/series-check.py
mkdir -p "$work"
: >"$work/times"
failed=0
result() { # PASS|FAIL, name, log
	if [ "$1" = PASS ]; then
		echo "PASS $2"
	else
		echo "FAIL $2  ($3)"
		failed=1
	fi
}
# Record a check from its log: PASS if the log has no findings.
verdict() { # name, log
	if [ -s "$2" ]; then
		sed 's/^/  /' "$2" | head -40
		result FAIL "$1" "$2"
	else
		result PASS "$1"
	fi
}
elapsed() { echo "$(($(date +%s) - $1)) s"; }

[ "$(series_git rev-parse -q --verify refs/heads/series)" ] ||
	die "no series: run 'make series'"
mapfile -t commits < <(series_git rev-list --reverse refs/tags/base..refs/heads/series)
base=$(series_git rev-parse refs/tags/base)
patches=()
for p in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "${p##*/}" = 0000-cover-letter.patch ] || [ ! -e "$p" ] || patches+=("$p")
done
[ ${#patches[@]} = ${#commits[@]} ] ||
	die "$out has ${#patches[@]} patches, the series ${#commits[@]} commits: run 'make series'"
subject() { series_git log -1 --format=%s "$1"; }

# series-sync
log=$work/sync.log
debian=$(cat "$upstream/.debian-version")
if ! diff -r "$top/results/series" "$out" >"$log" 2>&1; then
	echo "results/series differs from $out: run 'make series' and commit results/series" >>"$log"
	grep -qF "linux-source-6.12 $debian" "$top/results/series/0000-cover-letter.patch" 2>/dev/null ||
		echo "(results/series was not made on linux-source-6.12 $debian, the base here)" >>"$log"
fi
verdict series-sync "$log"

# series-am
t0=$(date +%s)
log=$work/am.log
am=$work/am
: >"$log"
rm -rf "$am"
{
	git init -q -b am "$am" &&
	echo "$series_repo/.git/objects" >"$am/.git/objects/info/alternates" &&
	git -C "$am" update-ref refs/heads/am "$base" &&
	sed -n 's|^+++ b/||p' "${patches[@]}" | sort -u | sed 's|^|/|' |
		git -C "$am" sparse-checkout set --no-cone --stdin &&
	git -C "$am" checkout -q am &&
	GIT_CONFIG_GLOBAL=/dev/null git -C "$am" -c user.name=am -c user.email=am@localhost \
		am -q "${patches[@]}"
} >"$log.out" 2>&1 || { cat "$log.out"; echo "git am failed"; } >"$log"
if [ ! -s "$log" ]; then
	mapfile -t applied < <(git -C "$am" rev-list --reverse "$base..am")
	[ ${#applied[@]} = ${#commits[@]} ] ||
		echo "git am made ${#applied[@]} commits, the series has ${#commits[@]}" >>"$log"
	for i in "${!commits[@]}"; do
		[ "$(git -C "$am" rev-parse "${applied[$i]:-none}^{tree}" 2>/dev/null)" = \
		  "$(series_git rev-parse "${commits[$i]}^{tree}")" ] ||
			echo "patch $((i + 1)) ($(subject "${commits[$i]}")): tree differs from series-git's" >>"$log"
	done
	series_same_as_tree refs/heads/series >>"$log" ||
		echo "the last commit differs from $tree in the files above: run 'make tree series'" >>"$log"
fi
verdict series-am "$log"
echo "  TIME    series-am $(elapsed "$t0")" >>"$work/times"

# series-bisect, series-sparse, series-w1
t0=$(date +%s)
export CCACHE_BASEDIR=$BUILD
kmake() { make -C "$series_repo" O="$obj" CC="ccache gcc" --no-print-directory "$@"; }
wt() { series_git --work-tree="$series_repo" "$@"; }
bisect=$work/bisect.log
: >"$bisect"; : >"$work/sparse.log"; : >"$work/w1.log"; : >"$work/symbols"
: >"$work/accepted.log"	# sparse reports not counted, for the record
if [ ! -e "$BUILD/obj-debug/.config" ] || [ ! -e "$BUILD/obj-debug/vmlinux.a" ]; then
	echo "no debug kernel in $BUILD/obj-debug: run 'make kernel-debug'" >"$bisect"
else
	# The objects of vmlinux whose source the series adds or changes.
	(cd "$BUILD/obj-debug" && ar t vmlinux.a) | sed "s|^.*obj-debug/||" | sort >"$work/vmlinux-objects"
	mapfile -t objects < <(series_git diff --name-only "$base" refs/heads/series -- '*.c' |
		grep -v '^tools/\|^Documentation/\|^samples/\|^scripts/' | sed 's/\.c$/.o/' |
		sort | comm -12 - "$work/vmlinux-objects")
	[ ${#objects[@]} -gt 0 ] ||
		echo "no object of $BUILD/obj-debug/vmlinux.a is the series': nothing to build" >"$bisect"
	mkdir -p "$obj"
	for i in $(seq 0 ${#commits[@]}); do
		[ ${#objects[@]} -gt 0 ] || break
		c=$base name="base"
		[ "$i" = 0 ] || { c=${commits[$((i - 1))]}; name="patch $i ($(subject "$c"))"; }
		wt checkout -q -f --detach "$c"
		now=()
		for o in "${objects[@]}"; do
			series_git cat-file -e "$c:${o%.o}.c" 2>/dev/null && now+=("$o")
		done
		# The base's objects are all compiled: their reports are the
		# reference for every later commit.
		[ "$i" != 0 ] || [ ${#now[@]} = 0 ] || (cd "$series_repo" && touch "${now[@]/%.o/.c}")
		cp "$BUILD/obj-debug/.config" "$obj/.config"
		blog=$work/build-$i.log
		built=1
		kmake olddefconfig >"$blog" 2>&1 &&
			kmake -k -Otarget -j2 W=1 C=1 "${now[@]}" >>"$blog" 2>&1 || built=0
		if [ "$i" = 0 ]; then
			"$py" "$helper" warnings "$blog" "$series_repo" "$work/base.json" >"$work/new-$i"
		else
			"$py" "$helper" warnings "$blog" "$series_repo" "$work/build-$i.json" \
				"$work/base.json" >"$work/new-$i"
		fi
		for tool in sparse w1 accepted error; do
			grep "^$tool: " "$work/new-$i" | sed "s/^$tool: //" >"$work/new-$i.$tool" || true
		done
		if [ $built = 0 ]; then
			echo "$name: does not build ($blog):"
			if [ -s "$work/new-$i.error" ]; then
				sed 's/^/  /' "$work/new-$i.error"
			else
				grep -v '^  [A-Z]' "$blog" | tail -5 | sed 's/^/  /'
			fi
		fi >>"$bisect"
		for tool in sparse w1 accepted; do
			[ "$i" != 0 ] && [ -s "$work/new-$i.$tool" ] || continue
			{ echo "$name:"; sed 's/^/  /' "$work/new-$i.$tool"; } >>"$work/$tool.log"
		done
		for o in "${now[@]}"; do
			[ $built = 1 ] || break
			nm "$obj/$o" >"$work/nm-$i-${o//\//_}" 2>/dev/null &&
				echo "$i $o $work/nm-$i-${o//\//_}" >>"$work/symbols"
		done
	done
	"$py" "$helper" symbols "$work/symbols" >>"$bisect" || true
	echo "built at each of base and ${#commits[@]} commits: ${objects[*]}" >"$work/bisect-objects"
fi
verdict series-bisect "$bisect"
verdict series-sparse "$work/sparse.log"
verdict series-w1 "$work/w1.log"
echo "  TIME    series-bisect, -sparse, -w1 $(elapsed "$t0")" >>"$work/times"

# The tree is at the last commit (or put it there).
wt checkout -q -f --detach refs/heads/series

# series-checkpatch
t0=$(date +%s)
log=$work/checkpatch.log
: >"$log"
# Whether every file patch $1 adds has a MAINTAINERS entry of its own.
maintained() {
	local f
	for f in $(sed -n 's/^ create mode [0-7]* //p' "$1"); do
		(cd "$series_repo" && scripts/get_maintainer.pl --no-git \
			--no-git-fallback --sections -f "$f" 2>/dev/null) |
			grep -v '^THE REST$' | grep -q '^[A-Z0-9].*[A-Z]$' || return 1
	done
}
for p in "${patches[@]}"; do
	# In a directory of ours: checkpatch caches CamelCase names in the
	# current directory.
	(cd "$work" && "$series_repo/scripts/checkpatch.pl" --strict --terse \
		--no-summary --show-types --showfile "$p" 2>/dev/null) |
		grep -E ': (ERROR|WARNING|CHECK):' |
		while IFS=: read -r file line report; do
			case $report in
			*FILE_PATH_CHANGES*) maintained "$p" && continue ;;
			esac
			[ -e "$tree/$file" ] && grep -q '^/\* YNL-GEN ' "$tree/$file" && continue
			checkpatch_false_positive "$file" "$line" "$report" && continue
			echo "${p##*/}: $file:$line:$report"
		done >>"$log" || true
done
verdict series-checkpatch "$log"
echo "  TIME    series-checkpatch $(elapsed "$t0")" >>"$work/times"

# series-kernel-doc
t0=$(date +%s)
log=$work/kernel-doc.log
: >"$log"
kdoc() { # file to read, name to report
	(cd "$series_repo" && scripts/kernel-doc -none -Wall "$1" 2>&1) |
		sed -e "s|^$1:[0-9]*: |$2: |" -e "s|^$1|$2|"
}
while IFS=$'\t' read -r st f; do
	case $f in tools/*|Documentation/*|scripts/*|samples/*) continue ;; esac
	case $f in *.c|*.h) ;; *) continue ;; esac
	kdoc "$f" "$f" >"$work/kdoc-new" || true
	: >"$work/kdoc-old"
	if [ "$st" = M ]; then
		series_git show "$base:$f" >"$work/kdoc-base.c"
		kdoc "$work/kdoc-base.c" "$f" >"$work/kdoc-old" || true
	fi
	# What the file has more of than it had at the base.
	sort "$work/kdoc-old" >"$work/kdoc-old.s"
	sort "$work/kdoc-new" | comm -23 - "$work/kdoc-old.s" >>"$log"
done < <(series_git diff --name-status --no-renames "$base" refs/heads/series)
verdict series-kernel-doc "$log"
echo "  TIME    series-kernel-doc $(elapsed "$t0")" >>"$work/times"

# series-rst
t0=$(date +%s)
log=$work/rst.log
: >"$log"
rst=()
while read -r f; do
	rst+=("$series_repo/$f")
	dir=$(dirname "$f") page=$(basename "$f" .rst)
	grep -qE "^ +$page\$" "$series_repo/$dir/index.rst" 2>/dev/null ||
		echo "$f: in no toctree of $dir/index.rst" >>"$log"
done < <(series_git diff --name-only --diff-filter=A "$base" refs/heads/series -- 'Documentation/*.rst')
# The documentation build renders every YNL spec into an rst page.
while read -r f; do
	g=$work/netlink_spec/$(basename "$f" .yaml).rst
	mkdir -p "$work/netlink_spec"
	(cd "$series_repo" && "$py" tools/net/ynl/ynl-gen-rst.py -i "$f" -o "$g") >>"$log" 2>&1 ||
		echo "$f: ynl-gen-rst.py failed" >>"$log"
	rst+=("$g")
done < <(series_git diff --name-only --diff-filter=AM "$base" refs/heads/series -- 'Documentation/netlink/specs/*.yaml')
[ ${#rst[@]} = 0 ] || "$py" "$helper" rst "${rst[@]}" | sed "s|$series_repo/||" >>"$log" || true
verdict series-rst "$log"
echo "  TIME    series-rst $(elapsed "$t0")" >>"$work/times"

[ "$failed" = 0 ]
