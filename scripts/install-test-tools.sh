#!/usr/bin/env bash
# Install what the test suite needs besides Python packages: the SARIF
# Multitool (npm) and the Apache Kafka jars (Maven Central, through mvn).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.cache/tools"
python="${PYTHON:-python3}"

mkdir -p "$tools"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
    echo "Installing @microsoft/sarif-multitool into $tools"
    (cd "$tools" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool@5.7.0)
    chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi

echo "Resolving Apache Kafka jars with Maven (cached after the first run)"
"$python" -m scanner.localkafka fetch
