#!/usr/bin/env bash
# Builds the libFuzzer targets under Fuzz/ and runs each for the given number of seconds.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: resp broker protocol; default all)
# The corpora under Fuzz/corpus/ are seeded from the captured Celery traffic
# (Fuzz/tools/seed_corpus.py); what a run adds goes to Fuzz/corpus-run/ (not committed), and a
# crashing input to Fuzz/artifacts/. Exits non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(resp broker protocol)
started=$(date +%s)
swift build -c release --scratch-path ../.build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null
echo "fuzz: build took $(( $(date +%s) - started ))s"
bin=$(swift build -c release --scratch-path ../.build-fuzz --show-bin-path)
# The Swift backtracer makes each crash take seconds; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
status=0
for name in "${targets[@]}"; do
    mkdir -p "corpus-run/$name" artifacts
    echo "fuzz: fuzz-$name for ${seconds}s"
    if ! "$bin/fuzz-$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="artifacts/$name-" "corpus-run/$name" "corpus/$name" >"artifacts/$name.log" 2>&1; then
        status=1
        echo "fuzz: fuzz-$name FAILED (inputs in Fuzz/artifacts/):"
        grep -v '^#' "artifacts/$name.log" | tail -n 30
    else
        tail -n 2 "artifacts/$name.log"
    fi
done
exit $status
