#!/usr/bin/env bash
# Runs the demo with the given celeriac binary. Until `celeriac demo` exists, says so and shows
# what the binary offers today.
set -euo pipefail
bin=$1
shift || true
if "$bin" --help | grep -qE '^[[:space:]]+demo([[:space:]]|$)'; then
    exec "$bin" demo "$@"
fi
echo "celeriac: the all-in-one demo (broker, workers, load and console) is not built yet."
echo "What this build offers today: a broker ('celeriac broker'), and the admin verbs that"
echo "drive Python Celery workers on it or on Redis:"
echo
"$bin" --help
