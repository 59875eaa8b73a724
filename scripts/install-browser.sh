#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium (only when /usr/bin/chromium is
# missing) and the Python Playwright client. Idempotent; never runs `playwright install`
# (the tests drive the system Chromium through executable_path).
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi

PY=${PYTHON:-python3}
if ! "$PY" -c "import playwright" >/dev/null 2>&1; then
    "$PY" -m pip install --quiet "playwright>=1.40"
fi
