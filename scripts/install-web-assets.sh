#!/usr/bin/env bash
# Install the web form's JavaScript dependencies from npm (package-lock.json) and copy them into
# service/static/vendor/ (the package's postinstall step). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed for the web form's graph view (Cytoscape.js); install Node.js" >&2
  exit 1
fi
echo "==> npm ci (web assets)" >&2
npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2
