#!/usr/bin/env bash
# Builds the libFuzzer targets under Fuzz/ and runs each for the given number of seconds.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${1:-60}
swift build -c release --scratch-path ../.build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null
bin=$(swift build -c release --scratch-path ../.build-fuzz --show-bin-path)
# The Swift backtracer makes each crash take seconds; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
for target in fuzz-resp; do
    name=${target#fuzz-}
    mkdir -p "corpus-run/$name" artifacts
    echo "fuzz: $target for ${seconds}s"
    "$bin/$target" -max_total_time="$seconds" -max_len=4096 -artifact_prefix=artifacts/ \
        "corpus-run/$name" "corpus/$name" 2>&1 | tail -n 3
done
