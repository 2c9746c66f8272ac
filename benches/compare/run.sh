#!/usr/bin/env bash
# Sets up statsforecast 2.1.1 in a virtualenv and a release dfcast, then runs the
# side-by-side comparison. Extra arguments go to compare.py (e.g. --case m1_monthly:AutoETS).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${SF_VENV:-$root/bench-results/sf-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet statsforecast==2.1.1 pandas pyarrow
fi
(cd "$root" && cargo build --release --bin dfcast)
SF_PYTHON="$venv/bin/python" python3 "$root/benches/compare/compare.py" "$@"
