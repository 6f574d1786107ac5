#!/bin/bash
# Regenerate the files the YNL spec generates (uapi header, kernel policy
# and ops tables) with the kernel tree's own ynl-gen-c.py, into this
# repository; with --check, only tell whether the committed ones are in
# sync with the spec (exit 1 if not).
#
# Usage: harness/regen.sh [--check]
set -eu
. "$(dirname "$0")/lib.sh"

spec=Documentation/netlink/specs/taskdiag.yaml
out=$top
if [ "${1:-}" = --check ]; then
	out=$BUILD/regen-check
	rm -rf "$out"
fi

# The generator finds its schema next to the spec: run it in the tree.
install_in_tree "$top/$spec" "$spec"
gen() { # mode, --header|--source, output path
	mkdir -p "$(dirname "$out/$3")"
	(cd "$tree" && python3 tools/net/ynl/ynl-gen-c.py --mode "$1" "$2" \
		--spec "$spec" -o "$out/$3")
}
gen uapi --header include/uapi/linux/taskdiag.h
gen kernel --header kernel/taskdiag-nl-gen.h
gen kernel --source kernel/taskdiag-nl-gen.c

if [ "$out" != "$top" ]; then
	for f in include/uapi/linux/taskdiag.h kernel/taskdiag-nl-gen.h \
		 kernel/taskdiag-nl-gen.c; do
		diff -u "$top/$f" "$out/$f" ||
			die "$f is out of sync with $spec: run 'make regen'"
	done
	echo "generated files in sync with $spec"
fi
