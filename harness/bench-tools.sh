#!/bin/bash
# The programs make bench and make profile run in the guest besides the
# selftests' tools, built into $BUILD/bench: the population holder and the
# floor's BPF iterators with their reader.
#
# Usage: harness/bench-tools.sh (after the bench kernel is built)
set -eu
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench
# bpftool is in /usr/sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin
mkdir -p "$out"
# The population holder, static: 50,000 copies of it must fork fast and
# cost the guest little memory.
gcc -O2 -Wall -static -pthread -o "$out/bench-hold" "$top/harness/bench-hold.c"
# The floor (harness/floor): the BPF task and task_vma iterators, compiled
# against the bench kernel's BTF, and their reader.
floor=$out/floor
mkdir -p "$floor"
bpftool btf dump file "$BUILD/obj-bench/vmlinux" format c >"$floor/vmlinux.h"
clang -O2 -g -Wall -target bpf -I"$floor" -c "$top/harness/floor/td_iter.bpf.c" \
	-o "$floor/td_iter.bpf.o"
bpftool gen skeleton "$floor/td_iter.bpf.o" name td_iter_bpf >"$floor/td_iter.skel.h"
gcc -O2 -Wall -static -Wl,--no-warnings -I"$floor" -o "$out/td_iter" \
	"$top/harness/floor/td_iter.c" $(pkg-config --static --libs libbpf)

