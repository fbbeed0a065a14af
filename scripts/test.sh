#!/usr/bin/env bash
# Runs each test target in its own process, one after another.
#
# Why not one `swift test`: Swift Testing runs every test of the process on the cooperative
# pool, which has one thread per core. On a 2-core machine two CPU-bound suites (the fuzz
# runs, the engine's random-command test) starve the I/O-bound ones of threads, and their
# network timeouts fire. Each target on its own is run as its authors ran it.
#   scripts/test.sh [TARGET...]     (default: every folder under Tests/ ending in Tests)
set -uo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for dir in Tests/*Tests; do targets+=("$(basename "$dir")"); done
fi
passed=0
failed=0
tests_run=0
tests_failed=0
failed_targets=()
# The client suites run once on redis-server and once on the bundled broker.
runs=()
for target in "${targets[@]}"; do
    runs+=("$target")
    case "$target" in
        CeleriacTests|CeleriacWorkerTests) runs+=("$target@celeriac") ;;
    esac
done
for run in "${runs[@]}"; do
    target=${run%@*}
    server=redis
    [ "$run" != "$target" ] && server=${run#*@}
    echo "=== $target (server: $server)"
    log=$(mktemp)
    CELERIAC_TEST_SERVER=$server swift test --skip-build --filter "^${target}\\." 2>&1 | tee "$log" | grep -E '✘|Test run with|error:' || true
    status=${PIPESTATUS[0]}
    count=$(grep -oE 'Test run with [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
    tests_run=$((tests_run + ${count:-0}))
    tests_failed=$((tests_failed + $(grep -E '✘ Test .* failed after' "$log" | grep -cv '✘ Test run with')))
    if [ "$status" -ne 0 ] || grep -q '✘ Test run' "$log"; then
        failed=$((failed + 1))
        failed_targets+=("$run")
    elif [ -n "$count" ] && [ "$count" -gt 0 ]; then
        passed=$((passed + 1))
    else
        echo "$target: ran no test"
        failed=$((failed + 1))
        failed_targets+=("$run (no test ran)")
    fi
    rm -f "$log"
done
# Fault injection and fuzzing (issue #10) in their short modes, on a full run only; `make chaos`
# and `make fuzz` run them longer (RELIABILITY.md). The fuzz build (release, with the fuzzer and
# address sanitizers, its own .build-fuzz) takes about 17 minutes from scratch on a loaded
# 2-core machine.
if [ $# -eq 0 ]; then
    echo "=== fuzz (30 s per target)"
    if scripts/fuzz.sh 30; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_targets+=("fuzz")
    fi
    echo "=== chaos (short)"
    if scripts/chaos.sh --short 2>&1 | grep -E '^(==|faults:|sent|duplicates|  [0-9]|crashes|chaos: (FAILED|passed)|  - )'; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_targets+=("chaos")
    fi
fi
echo
[ ${#failed_targets[@]} -gt 0 ] && echo "failed targets: ${failed_targets[*]}"
echo "test targets: $passed passed, $failed failed"
echo "tests: $((tests_run - tests_failed)) passed, $tests_failed failed"
[ "$failed" -eq 0 ]
