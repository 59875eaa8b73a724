#!/usr/bin/env bash
# All tests: install everything they need (Python packages, web assets, Chromium, Neo4j via
# Maven), then ruff, mypy and pytest. Neo4j is started by the test session when NEO4J_URI is
# unset, and stopped afterwards. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/install-web-assets.sh
PYTHON=.venv/bin/python bash scripts/install-browser.sh
bash scripts/setup-kgx.sh
echo "==> ruff" >&2
.venv/bin/ruff check kg ontology loaders service tests bench
echo "==> mypy" >&2
.venv/bin/mypy
echo "==> pytest" >&2
mkdir -p artifacts
.venv/bin/python -m pytest "$@"
