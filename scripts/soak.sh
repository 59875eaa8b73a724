#!/usr/bin/env bash
# Soak: two minutes of 32 concurrent clients against `kg serve` (waitress) on 127.0.0.1 with a mixed
# query set; prints requests served, errors and RSS by quarter, and fails on any error or on RSS
# growth above 10 %. Extra arguments go to `python -m tests.soak` (e.g. --store neo4j, --duration 300).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
exec "$PYTHON" -m tests.soak --duration 120 --clients 32 "$@"
