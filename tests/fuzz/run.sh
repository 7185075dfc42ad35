#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time on a copy of its seed corpus
# (tests/fuzz/corpus/<Target>/) and ends with "N passed, N failed": a target
# passes when it ran its time without a finding. A finding's input is kept
# in build-fuzz/findings/.
#   tests/fuzz/run.sh SECONDS TARGET...
set -u
cd "$(dirname "$0")/../.."
seconds=$1; shift
passed=0 failed=0
mkdir -p build-fuzz/findings
for target in "$@"; do
    name=$(basename "$target")
    work=$(mktemp -d)
    cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
    if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=build-fuzz/findings/"$name"- "$work" > "$work.log" 2>&1; then
        echo "$name: $(grep -E '^Done [0-9]+ runs' "$work.log" | tail -n 1)"
        passed=$((passed + 1))
    else
        echo "$name: FINDING"; tail -n 40 "$work.log"
        failed=$((failed + 1))
    fi
    rm -rf "$work" "$work.log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
