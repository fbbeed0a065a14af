#!/usr/bin/env bash
# The fault-injection runs of RELIABILITY.md (issue #10), driven by Tests/Chaos (celeriac-chaos).
#   scripts/chaos.sh           every run at full size: 100,000 acks-late tasks under kill -9 and
#                              SIGSTOP on the bundled broker (appendfsync always, then everysec)
#                              and on redis-server; 100,000 malformed tasks; 1,000,000 flood frames;
#                              a 30-minute soak of the demo with a console watching
#   scripts/chaos.sh --short   the make test mode: 6,000 tasks per server, 10,000 malformed,
#                              100,000 flood frames, a 90 s soak (a few minutes)
# CONFIG=release builds and runs the release binaries (faster, but a long first build).
# Loopback only; every run has a deadline. Exits non-zero if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${CONFIG:-debug}
flags=(-c "$config")
# The same flags as the Makefile's release builds, so the two share one build.
if [ "$config" = release ]; then flags+=(--static-swift-stdlib); fi
swift build "${flags[@]}" --product celeriac >/dev/null
swift build "${flags[@]}" --product celeriac-chaos >/dev/null
bin=$(swift build "${flags[@]}" --show-bin-path)/celeriac-chaos
status=0
run() {
    echo "=== celeriac-chaos $*"
    "$bin" "$@" || status=1
}
if [ "${1:-}" = "--short" ]; then
    run faults --short --server celeriac --server redis --appendfsync always
    run malformed --messages 10000 --batch 5000
    run flood --frames 100000 --connections 20
    run soak --seconds 90 --interval 5
else
    run faults --server celeriac --server redis --appendfsync always --appendfsync everysec
    run malformed --messages 100000
    run flood --frames 1000000 --connections 20
    run soak --seconds 1800
fi
exit $status
