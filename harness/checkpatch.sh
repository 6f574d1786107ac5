#!/bin/bash
# Run the kernel's checkpatch.pl --strict on what the series adds: its new
# source files (not the YNL-generated ones, which follow the generator's
# style) and its patches to upstream files.
#
# Usage: harness/checkpatch.sh
set -eu
. "$(dirname "$0")/lib.sh"

mapfile -t files < <(cd "$top" && git ls-files --cached --others \
	--exclude-standard -- $kernel_dirs | grep -E '\.(c|h)$' |
	xargs grep -L '^/\* YNL-GEN ')
cd "$tree"
status=0
scripts/checkpatch.pl --strict --terse --no-summary --show-types -f \
	"${files[@]}" || status=1
scripts/checkpatch.pl --strict --terse --no-summary --show-types \
	$(series) || status=1
[ $status -eq 0 ] && echo "checkpatch --strict: ${#files[@]} files, $(series | wc -l) patches clean"
exit $status
