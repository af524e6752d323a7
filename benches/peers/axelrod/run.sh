#!/usr/bin/env bash
# The axelrod peer check, by hand (never in CI):
#   1. a virtual environment with axelrod 4.14 (Python 3.10 or newer);
#   2. the reference fixtures, tests/fixtures/axelrod/*.json (commit them if they change);
#   3. the same tournament timed in axelrod and in heartland, CPU time on one core each
#      (results in docs/PERFORMANCE.md).
# Usage: benches/peers/axelrod/run.sh [VENV]   (default /tmp/axelrod-venv)
set -euo pipefail
cd "$(dirname "$0")/../../.."
venv=${1:-/tmp/axelrod-venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "axelrod==4.14.*"
fi
"$venv/bin/python" benches/peers/axelrod/make_fixtures.py tests/fixtures/axelrod
cargo build --release --quiet
"$venv/bin/python" benches/peers/axelrod/time_tournament.py target/release/heartland
