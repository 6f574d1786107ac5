#!/bin/bash
# Build the assembled tree's kernel (bzImage) and the uapi headers for a
# flavour, in build/obj-FLAVOUR. The config is tinyconfig plus the VM
# fragment, the flavour's fragment and the selftests' own config file; it
# is regenerated only when one of those changes, and every option a
# fragment asks for must survive the merge.
#
# Usage: harness/build-kernel.sh debug|production|bench
# (bench: the production fragment, then bench.config's)
set -eu
. "$(dirname "$0")/lib.sh"

flavour=$1
obj=$BUILD/obj-$flavour
fragments=("$top/harness/configs/vm.config")
[ "$flavour" != bench ] || fragments+=("$top/harness/configs/production.config")
fragments+=("$top/harness/configs/$flavour.config"
	    "$tree/tools/testing/selftests/task_diag/config")
for f in "${fragments[@]}"; do [ -r "$f" ] || die "$f missing"; done
# Paths relative to $BUILD in ccache's hash: a clone elsewhere hits too.
export CCACHE_BASEDIR=$BUILD
# The debug kernel counts which lines of the family's code run (gcov);
# kbuild reads GCOV_PROFILE_<object> for the object of that name.
profile=()
[ "$flavour" = debug ] && profile=(GCOV_PROFILE_taskdiag.o=y)
kmake() { make -s -C "$tree" O="$obj" CC="ccache gcc" "${profile[@]}" "$@"; }

# Regenerate .config only when its inputs change.
stamp=$(cat "$tree/.version" "${fragments[@]}" | sha1sum | cut -c1-40)
if [ "$(cat "$obj/.config-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "  CONFIG  $flavour: tinyconfig + ${fragments[*]##*/}"
	mkdir -p "$obj"
	kmake tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -Q -O "$obj" \
		"$obj/.config" "${fragments[@]}" >/dev/null
	kmake olddefconfig >/dev/null
	# merge_config.sh silently drops what a dependency forbids. (The
	# last fragment that sets an option decides, as in the merge.)
	grep -h '^CONFIG_\|^# CONFIG_.* is not set' "${fragments[@]}" |
		sed 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1=n/' |
		awk -F= '!($1 in want) { order[n++] = $1 } { want[$1] = $2 }
			 END { for (i = 0; i < n; i++) print order[i] "=" want[order[i]] }' |
		while IFS== read -r sym want; do
			got=$(sed -n "s/^$sym=//p" "$obj/.config")
			[ "${got:-n}" = "$want" ] ||
				die "$flavour config: $sym=$want requested, got ${got:-n}"
		done
	echo "$stamp" >"$obj/.config-stamp"
fi

echo "  BUILD   $flavour kernel ($obj)"
kmake -j"$(nproc)" bzImage
kmake headers >/dev/null
echo "  KERNEL  $obj/arch/x86/boot/bzImage"
