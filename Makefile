# task_diag: build a 6.12 kernel with the series applied, boot it in QEMU,
# and show (make run) or test (make check) the taskdiag netlink family.
# Everything built goes to build/ (BUILD=dir to change it). See README.md.

H := harness
export BUILD ?= $(CURDIR)/build

.PHONY: all run check deps tree kernel-debug kernel-production kernel-bench \
	regen refresh-patch checkpatch bench profile series series-check fuzz stress \
	clean distclean help

all: help

help:
	@echo "make run        build the production kernel, boot it, show task_diag at work"
	@echo "make check      build the debug kernel, boot it, run the kselftests and checks"
	@echo "make bench      build the bench kernel (production + BPF, BTF), time task_diag"
	@echo "                against /proc, the BPF iterators, ps and taskstats for 1,000"
	@echo "                to 50,000 tasks (table in build/bench)"
	@echo "make profile    perf profiles of the dumps, the BPF iterators and the /proc"
	@echo "                readers of 10,000 processes (build/profile)"
	@echo "make deps       install missing Debian packages"
	@echo "make tree       assemble build/linux (upstream + new files + patches)"
	@echo "make regen      regenerate uapi/kernel files from the YNL spec"
	@echo "make refresh-patch P=patches/NNNN-x.patch [FILES=...]"
	@echo "                store edits made in build/linux back into a patch"
	@echo "make checkpatch run checkpatch.pl --strict on the series"
	@echo "make series     write the series as git format-patch files to build/series"
	@echo "                (and results/series), from series/ and the repository"
	@echo "make series-check  git am, build every commit, checkpatch, sparse, W=1,"
	@echo "                kernel-doc and rst checks of the series"
	@echo "make fuzz       the spec-driven fuzzer on the debug kernel: 1,000,000 requests"
	@echo "                (FUZZ_REQUESTS, FUZZ_SEED=random|N; hours under QEMU)"
	@echo "make stress     the stress test on the debug kernel for 300 s (STRESS_SECONDS;"
	@echo "                make check runs it for 20 s)"
	@echo "make clean      remove build outputs but keep the unpacked trees and ccache"

deps:
	@$(H)/deps.sh

tree: deps
	@$(H)/assemble.sh

# Explicit rules: make applies no pattern rule to a .PHONY target.
kernel-debug: tree
	@$(H)/build-kernel.sh debug

kernel-production: tree
	@$(H)/build-kernel.sh production

# The production kernel with BPF and BTF, for make bench's floor
kernel-bench: tree
	@$(H)/build-kernel.sh bench

run: kernel-production
	@$(H)/build-selftests.sh production
	@$(H)/run.sh

bench: kernel-bench
	@$(H)/build-selftests.sh bench
	@$(H)/bench.sh

profile: kernel-bench
	@$(H)/build-selftests.sh bench
	@$(H)/profile.sh

check: kernel-debug
	@$(H)/build-selftests.sh debug
	@$(H)/check.sh

regen: tree
	@$(H)/regen.sh

refresh-patch:
	@$(H)/refresh-patch.sh $(P) $(FILES)

checkpatch: tree
	@$(H)/checkpatch.sh

series: tree
	@$(H)/series.sh

# Needs the debug kernel's config and objects (what every commit is built
# with, and which objects are part of the kernel).
series-check: kernel-debug series
	@$(H)/series-check.sh

# Long modes, too long for make check: one program in the debug guest.
FUZZ_REQUESTS ?= 1000000
FUZZ_SEED ?= random
fuzz: kernel-debug
	@$(H)/build-selftests.sh debug
	@$(H)/long-run.sh fuzz 43200 -- fuzz -n $(FUZZ_REQUESTS) -s $(FUZZ_SEED)

# The guest's limit: the run, then the test's own (setup, the last dumps,
# the wind-down and the slab figures: under 6 min) and the boot.
STRESS_SECONDS ?= 300
stress: kernel-debug
	@$(H)/build-selftests.sh debug
	@$(H)/long-run.sh stress $$(($(STRESS_SECONDS) + 600)) -- \
		stress -d $(STRESS_SECONDS)

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/kselftest $(BUILD)/vm $(BUILD)/*.log \
		$(BUILD)/series $(BUILD)/series-obj $(BUILD)/series-check

distclean:
	rm -rf $(BUILD)
