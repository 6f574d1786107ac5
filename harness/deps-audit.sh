#!/bin/bash
# Which Debian packages did a command run programs from? Lists those that
# are neither on the stock machine image nor installed by harness/deps.sh
# (with what they depend on): what a fresh machine would lack.
#
# Usage: harness/deps-audit.sh STOCK_LIST COMMAND...
#   STOCK_LIST: the image's package names, one per line
#   e.g. harness/deps-audit.sh stock.txt make check
# Runs COMMAND under strace (execve only, seccomp-filtered: cheap).
set -eu
stock=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
strace -f -qq --seccomp-bpf -e trace=execve -e signal=none -o "$log" "$@" || rc=$?

# The programs that ran, resolved to their files and packages.
progs=$(sed -n 's/.*execve("\([^"]*\)".* = 0$/\1/p' "$log" | sort -u)
pkgs=$(for p in $progs; do
	f=$(readlink -f "$p" 2>/dev/null) || continue
	# With merged /usr, dpkg knows many files by their /bin, /sbin path.
	for q in "$f" "${f#/usr}" "$p" "${p#/usr}"; do
		dpkg -S "$q" 2>/dev/null | grep -v '^diversion by' && break
	done || echo "unpackaged-program-$p: "
done | sed 's/: .*//; s/, /\n/g' | sed 's/:[a-z0-9]*$//' | sort -u)

# What deps.sh installs, and everything those depend on.
mapfile -t wanted < <(sed -n '/^packages=(/,/^)/p' "$(dirname "$0")/deps.sh" |
	sed 's/#.*//; s/packages=(//; s/)//' | tr -s ' \t' '\n' | sed '/^$/d')
covered=$( (cat "$stock"; printf '%s\n' "${wanted[@]}";
	apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances \
		"${wanted[@]}" 2>/dev/null | sed -n 's/^[ |]*Depends: //p; /^[a-z0-9]/p') |
	sed 's/[<>]//g; s/:.*//' | sort -u)

# Programs of no package: the project's own scripts and build outputs,
# and the image's own toolchains (pyenv's python3, rustup's rustc).
own=$(echo "$pkgs" | sed -n 's/^unpackaged-program-//p')
pkgs=$(echo "$pkgs" | grep -v '^unpackaged-program-' || true)
missing=$(comm -23 <(echo "$pkgs") <(echo "$covered"))
echo "deps-audit: $(echo "$progs" | wc -l) programs from $(echo "$pkgs" | wc -l) packages ran"
echo "deps-audit: $(echo "$own" | grep -c . || true) programs of no package (the project's, the image's toolchains):"
echo "$own" | grep -v "^$PWD\|^\./\|^harness/\|^scripts/\|/build/" | sed 's/^/  /' || true
if [ -n "$missing" ]; then
	echo "deps-audit: not on the stock image nor installed by deps.sh:"
	echo "$missing" | sed 's/^/  /'
	exit 1
fi
echo "deps-audit: every package is on the stock image or installed by deps.sh"
exit $rc
