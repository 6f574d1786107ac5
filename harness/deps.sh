#!/bin/bash
# Install the Debian packages the build, the VM and the tests need, if any
# is missing. As root it runs apt-get itself; otherwise it prints the
# command to run and fails.
#
# Usage: harness/deps.sh
set -eu

packages=(
	linux-source-6.12	# the upstream tree the series applies to
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
	ccache			# warm rebuilds
	python3 python3-yaml python3-jsonschema	# YNL code generator
	perl			# checkpatch.pl
	qemu-system-x86 busybox-static	# the test VM
	libnl-3-dev libnl-genl-3-dev libcap-dev pkg-config	# selftests
	procps strace linux-perf	# used inside the guest (perf: make profile)
	rsync			# kselftest install
	gnuplot-nox		# make bench: the plot
	dwarves			# pahole: the production kernel's BTF
	clang bpftool libbpf-dev zlib1g-dev	# make bench: the BPF floor
	git sparse python3-docutils	# make series, make series-check
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "  DEPS    all installed; linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages: ${missing[*]}" >&2
	echo "Run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "  DEPS    installing: ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive $cmd
