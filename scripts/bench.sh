#!/usr/bin/env bash
# Performance benchmarks (issue 8), one command: installs what they need (the package, matplotlib,
# Debian's wrk), then runs `python -m bench` with the arguments given (e.g. --quick). Starts and
# stops its own local Neo4j unless NEO4J_URI is set. Writes bench/results/results.md and *.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends wrk
fi
PATH="$PWD/.venv/bin:$PATH" exec .venv/bin/python -m bench "$@"
