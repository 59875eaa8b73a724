#!/usr/bin/env bash
# A separate venv with KGX (the Biolink KGX toolkit), used only by the test that runs KGX's own
# validator on our KGX export (tests/helpers/kgx_validate.py). KGX pins documentation and test
# tooling (sphinx, tox, pyarrow, ...) that the project does not need, so it is kept out of .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv-kgx/bin/python ]; then
  echo "==> creating .venv-kgx with $($PYTHON --version)" >&2
  "$PYTHON" -m venv .venv-kgx
fi
if ! .venv-kgx/bin/python -m pip show kgx >/dev/null 2>&1; then
  echo "==> installing kgx into .venv-kgx" >&2
  .venv-kgx/bin/python -m pip install --quiet --upgrade pip >&2
  .venv-kgx/bin/python -m pip install --quiet "kgx>=2.6,<3" >&2
fi
