#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, N failed" for all.
#   tests/run-all.sh HCHATD_BINARY TEST_BINARY [--no-e2e | --with-asan]
# --with-asan also runs the CppUnit suites of the build-asan/ binaries and
# each libFuzzer target of build-fuzz/ for a short bounded time.
set -u
cd "$(dirname "$0")/.."
binary=$(realpath "$1") tests=$(realpath "$2") e2e=${3:-}
export HCHATD_BIN=$binary
passed=0 failed=0

count() { # adds the "N passed, N failed" line of a suite's output
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then failed=$((failed + 1)); echo "(no result line: counted as one failure)"; return; fi
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
}

out=$(mktemp)
fuzzOut=$(mktemp)
if [ "$e2e" = "--with-asan" ]; then
    # The fuzz targets keep one core busy; the suites mostly wait on
    # sockets. Side by side they save the fuzzing's minute; the report
    # comes after the suites'.
    tests/fuzz/run.sh "${FUZZ_CHECK_SECONDS:-10}" build-fuzz/*Fuzz > "$fuzzOut" 2>&1 &
    fuzzing=$!
fi

# suites COMMAND…: the CppUnit tests of a test binary as three shards side
# by side (HCHAT_TEST_SHARD; the tests mostly wait on sockets and timers,
# so three take about 0.45 of the time of one on two cores); the outputs,
# then their counts.
suites() {
    local others=() pids=() k
    for k in 1 2; do
        others+=("$(mktemp)")
        HCHAT_TEST_SHARD=$k/3 "$@" > "${others[-1]}" 2>&1 &
        pids+=($!)
    done
    HCHAT_TEST_SHARD=0/3 "$@" 2>&1 | tee "$out"
    wait "${pids[@]}"
    count "$out"
    for k in "${others[@]}"; do
        cat "$k"
        count "$k"
        rm -f "$k"
    done
}

echo "== CppUnit: unit and integration tests"
suites "$tests"

if [ "$e2e" = "--with-asan" ]; then
    echo "== CppUnit again, against the AddressSanitizer + UBSan build"
    # Not the suites that install the normal build (make install, make deb):
    # against build-asan they would test the same files again.
    suites env HCHAT_TEST_SKIP=hchat::test::InstallTest,hchat::test::PackageTest \
        LSAN_OPTIONS=suppressions=$(realpath tests/lsan.supp) \
        HCHATD_BIN=$(realpath build-asan/hchatd) ASAN_OPTIONS=detect_leaks=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 build-asan/hchatd-tests
fi

if [ "$e2e" = "--with-asan" ]; then
    echo "== libFuzzer targets, ${FUZZ_CHECK_SECONDS:-10} s each (make fuzz runs them longer)"
    wait "$fuzzing"
    cat "$fuzzOut"
    count "$fuzzOut"
fi

if [ "$e2e" != "--no-e2e" ]; then
    echo "== Browser tests (chromium + playwright-core)"
    (cd tests/e2e && node --test --test-reporter=spec 2>&1) | tee "$out"
    p=$(grep -E '^ℹ pass [0-9]+' "$out" | awk '{print $3}')
    f=$(grep -E '^ℹ fail [0-9]+' "$out" | awk '{print $3}')
    if [ -z "$p" ]; then echo "(no browser result: counted as one failure)"; failed=$((failed + 1));
    else echo "$p passed, $f failed"; passed=$((passed + p)); failed=$((failed + f)); fi
fi
rm -f "$out" "$fuzzOut"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
