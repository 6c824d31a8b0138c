#!/usr/bin/env bash
# Run every fuzz target from its seed corpus for a while.
#   contrib/fuzz.sh BUILDDIR [SECONDS]
# BUILDDIR is a tree configured with CC=clang --enable-fuzz and built.
# New inputs go to a scratch folder, so the committed corpus is not touched.
# Prints one line per target and ends with "N passed, N failed".
set -uo pipefail
builddir=${1:?usage: contrib/fuzz.sh BUILDDIR [SECONDS]}
seconds=${2:-60}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
for target in "$builddir"/test/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	name=$(basename "$target")
	corpus="$srcdir/test/fuzz/corpus/$name"
	if [ ! -d "$corpus" ]; then
		echo "FAIL: $name (no seed corpus in test/fuzz/corpus/$name)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$scratch/$name"
	log="$scratch/$name.log"
	if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$scratch/$name-" "$scratch/$name" "$corpus" >"$log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1)
		echo "PASS: $name (${runs:-ran} in ${seconds} s)"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		tail -n 40 "$log" | sed 's/^/    /'
		for a in "$scratch/$name"-*; do
			[ -e "$a" ] && echo "    reproducer: $(od -An -tx1 "$a" | tr -d ' \n' | head -c 400)"
		done
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
