#!/usr/bin/env bash
# Runs the demo with the given celeriac binary. Until `celeriac demo` lands (issue: make demo),
# say so and show what the binary offers today.
set -euo pipefail
bin=$1
shift || true
if "$bin" help demo >/dev/null 2>&1; then
    exec "$bin" demo "$@"
fi
echo "celeriac: the all-in-one demo is not built yet; here is what this build offers:"
"$bin" --help
