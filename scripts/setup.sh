#!/usr/bin/env bash
# Create .venv (if missing) and install ketamine-kg into it, with the extras named as arguments.
# Usage: scripts/setup.sh [extra ...]      e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PYTHON --version)" >&2
  "$PYTHON" -m venv .venv
fi
extras=""
if [ "$#" -gt 0 ]; then extras="[$(IFS=,; echo "$*")]"; fi
echo "==> installing ketamine-kg${extras} into .venv" >&2
.venv/bin/python -m pip install --quiet --upgrade pip >&2
.venv/bin/python -m pip install --quiet -e ".${extras}" >&2
