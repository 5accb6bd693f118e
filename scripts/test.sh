#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: create .venv, install
# streamaudit with its test extras, install the SARIF Multitool and the Kafka
# jars, then run pytest. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
PYTHON=.venv/bin/python scripts/install-test-tools.sh

exec .venv/bin/python -m pytest "$@"
