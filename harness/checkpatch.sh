#!/bin/bash
# Run the kernel's checkpatch.pl --strict on what the series adds: its new
# source files (not the YNL-generated ones, which follow the generator's
# style) and its patches to upstream files. Any ERROR, WARNING or CHECK
# fails, except false positives on kselftest harness idioms
# (checkpatch_false_positive in lib.sh).
#
# Usage: harness/checkpatch.sh
set -eu
. "$(dirname "$0")/lib.sh"

# The new files as the last assembly installed them in the tree.
mapfile -t files < <(cd "$tree" && grep -E '\.(c|h)$' "$BUILD/.new-files" |
	xargs grep -L '^/\* YNL-GEN ')

reports=0
while IFS=: read -r file line report; do
	checkpatch_false_positive "$file" "$line" "$report" && continue
	echo "$file:$line:$report"
	reports=$((reports + 1))
done < <(cd "$tree" && {
	# checkpatch.pl exits 1 when it reports anything: go on to the patches.
	scripts/checkpatch.pl --strict --terse --no-summary --show-types \
		-f "${files[@]}" || true
	scripts/checkpatch.pl --strict --terse --no-summary --show-types \
		$(series) || true
} | grep -E ': (ERROR|WARNING|CHECK):')

echo "checkpatch --strict: ${#files[@]} files, $(series | wc -l) patches, $reports report(s)"
[ $reports -eq 0 ]
