#!/usr/bin/env bash
# The main job: install, build the graph into the embedded store, serve the API and the web
# form on 127.0.0.1 (port KG_PORT, default 8765). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/install-web-assets.sh
.venv/bin/kg build
exec .venv/bin/kg serve --host 127.0.0.1 "$@"
