#!/bin/bash
# Run the kernel's checkpatch.pl --strict on what the series adds: its new
# source files (not the YNL-generated ones, which follow the generator's
# style) and its patches to upstream files. Any ERROR, WARNING or CHECK
# fails, except two false positives on kselftest harness idioms (below).
#
# Usage: harness/checkpatch.sh
set -eu
. "$(dirname "$0")/lib.sh"

# The new files as the last assembly installed them in the tree.
mapfile -t files < <(cd "$tree" && grep -E '\.(c|h)$' "$BUILD/.new-files" |
	xargs grep -L '^/\* YNL-GEN ')

# A "FIXTURE_DATA(name) *self" parameter reads to checkpatch as a
# multiplication; wrappers of the harness's SKIP(return, ...) are macros
# with flow control by design; user space has no BIT_ULL(); <elf.h>'s
# types are CamelCase.
false_positive() { # file, line, report
	case $3 in
	*"SPACING: spaces preferred around that '*'"*)
		sed -n "$2p" "$tree/$1" | grep -q 'FIXTURE_DATA(' ;;
	*MACRO_WITH_FLOW_CONTROL* | *MACRO_ARG_REUSE*)
		[[ $1 == tools/testing/selftests/* ]] &&
			grep -q 'SKIP(return' "$tree/$1" ;;
	*BIT_MACRO*)
		[[ $1 == tools/testing/selftests/* ]] ;;
	*"CAMELCASE: Avoid CamelCase: <Elf64_"*)
		[[ $1 == tools/testing/selftests/* ]] ;;
	*) false ;;
	esac
}

reports=0
while IFS=: read -r file line report; do
	false_positive "$file" "$line" "$report" && continue
	echo "$file:$line:$report"
	reports=$((reports + 1))
done < <(cd "$tree" && {
	scripts/checkpatch.pl --strict --terse --no-summary --show-types \
		-f "${files[@]}"
	scripts/checkpatch.pl --strict --terse --no-summary --show-types \
		$(series)
} | grep -E ': (ERROR|WARNING|CHECK):')

echo "checkpatch --strict: ${#files[@]} files, $(series | wc -l) patches, $reports report(s)"
[ $reports -eq 0 ]
