#!/usr/bin/env bash
# Installs what Celeriac needs on a fresh Debian/Ubuntu machine, and only what is missing.
#   scripts/bootstrap.sh          build needs: Lua 5.1 and ncurses headers
#   scripts/bootstrap.sh --test   also redis-server, tmux and the Python Celery virtualenv
# Re-running it when everything is present is silent and takes well under a second.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_pkg liblua5.1-0-dev || missing+=(liblua5.1-0-dev)
have_pkg libncurses-dev || missing+=(libncurses-dev)
have_pkg pkg-config || missing+=(pkg-config)
if [ "$want_test" = 1 ]; then
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
    command -v tmux >/dev/null 2>&1 || missing+=(tmux)
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "bootstrap: installing ${missing[*]}"
        # A fresh machine's package lists can be empty: update first or install fails.
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: missing system packages: ${missing[*]}" >&2
        echo "bootstrap: run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

if [ "$want_test" = 1 ]; then
    venv="$here/.build/venv"
    stamp="$venv/.celeriac-requirements"
    reqs="celery==5.7.0 redis flower packaging"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$reqs" ]; then
        echo "bootstrap: creating Python virtualenv in .build/venv ($reqs)"
        mkdir -p "$here/.build"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check $reqs
        echo "$reqs" > "$stamp"
    fi
fi
