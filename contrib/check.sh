#!/usr/bin/env bash
# Set everything up on a fresh Debian 12 machine and run every test:
#   1. install the build dependencies (contrib/install-deps.sh),
#   2. build with gcc and -Werror, run the unit tests (make check),
#   3. run the functional tests (test/functional/test_runner.py),
#   4. build with ASan + UBSan and run the unit and functional tests again
#      (a functional test fails on any sanitizer report in a node's stderr),
#   5. when clang is present, build the fuzz targets (clang, -Werror) and run
#      each from its corpus for ROSTRA_FUZZ_SECONDS (default 10),
#   6. make distcheck (skip with ROSTRA_SKIP_DISTCHECK=1).
# The last line is "N passed, N failed"; the exit status is non-zero on any
# failure.
set -uo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${ROSTRA_FUZZ_SECONDS:-10}
passed=0
failed=0
skipped=0
failures=()

step() { printf '\n==> %s\n' "$*"; }
fail_step() {
	failed=$((failed + 1))
	failures+=("$1")
	echo "FAIL: $1"
}
die() {
	echo "check.sh: $*" >&2
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
}

# Counts the TAP results that automake's driver wrote into *.trs files.
count_unit_results() {
	local dir=$1 label=$2 p f s
	p=$(cat "$dir"/test/unit/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
	f=$(cat "$dir"/test/unit/*.trs 2>/dev/null | grep -c -E '^:test-result: (FAIL|ERROR|XPASS)')
	s=$(cat "$dir"/test/unit/*.trs 2>/dev/null | grep -c '^:test-result: SKIP')
	echo "$label: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	skipped=$((skipped + s))
	if [ "$f" -gt 0 ]; then
		failed=$((failed + f))
		failures+=("$label")
	fi
}

# Adds the "N passed, N failed[, N skipped]" summary line of a runner's log.
count_summary() {
	local log=$1 label=$2 line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail_step "$label (no summary line)"
		return
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
	passed=$((passed + p))
	skipped=$((skipped + ${s:-0}))
	if [ "$f" -gt 0 ]; then
		failed=$((failed + f))
		failures+=("$label")
	fi
}

step "Installing dependencies and building (gcc, -Werror)"
./contrib/build.sh || die "the build failed"

step "Unit tests"
(cd build && make -j"$jobs" -s check >check.out 2>&1)
unit_rc=$?
count_unit_results build "unit tests"
if [ $unit_rc -ne 0 ] && ! grep -q -E '^:test-result: (FAIL|ERROR)' build/test/unit/*.trs 2>/dev/null; then
	cat build/check.out
	fail_step "make check"
fi
grep -h -E '^(not ok|# FAILED)' build/test/unit/*.log 2>/dev/null | head -n 50

step "Functional tests"
python3 test/functional/test_runner.py --builddir build --jobs "$jobs" | tee build/functional.out
count_summary build/functional.out "functional tests"

step "Unit tests under ASan + UBSan"
mkdir -p build-san
if (cd build-san && ../configure --enable-werror --enable-sanitizers -q && make -j"$jobs" -s) >build-san/build.out 2>&1; then
	(cd build-san && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 make -j"$jobs" -s check >check.out 2>&1)
	count_unit_results build-san "sanitizer unit tests"
	grep -h -E '^(not ok|# FAILED)|ERROR: AddressSanitizer|runtime error' build-san/test/unit/*.log 2>/dev/null | head -n 50

	step "Functional tests under ASan + UBSan"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		python3 test/functional/test_runner.py --builddir build-san --jobs "$jobs" | tee build-san/functional.out
	count_summary build-san/functional.out "sanitizer functional tests"
else
	cat build-san/build.out
	fail_step "sanitizer build"
fi

if command -v clang >/dev/null 2>&1; then
	step "Fuzz targets (clang, ${fuzz_seconds} s each)"
	mkdir -p build-fuzz
	if (cd build-fuzz && CC=clang ../configure --enable-werror --enable-fuzz -q && make -j"$jobs" -s) >build-fuzz/build.out 2>&1; then
		./contrib/fuzz.sh build-fuzz "$fuzz_seconds" | tee build-fuzz/fuzz.out
		count_summary build-fuzz/fuzz.out "fuzz targets"
	else
		cat build-fuzz/build.out
		fail_step "fuzz build"
	fi
else
	echo "clang not found: fuzz smoke run skipped"
	skipped=$((skipped + 1))
fi

if [ "${ROSTRA_SKIP_DISTCHECK:-0}" != 1 ]; then
	step "make distcheck"
	if (cd build && make -j"$jobs" -s distcheck >distcheck.out 2>&1); then
		echo "PASS: make distcheck"
		passed=$((passed + 1))
	else
		tail -n 60 build/distcheck.out
		fail_step "make distcheck"
	fi
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "Failed: ${failures[*]}"
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
