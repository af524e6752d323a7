#!/bin/sh
# heartland against Mesa on the dozen scenario: same model, same results within sampling error,
# and the time each takes per core. By hand, never in CI. Needs Python >= 3.11 (Mesa 3.3),
# hyperfine (apt-get install hyperfine) and cargo. Arguments go to compare.py, e.g.
#   benches/peers/mesa/run.sh --runs-mesa 500 --skip-timing
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
venv=${MESA_VENV:-/tmp/heartland-mesa-venv}
python=${PYTHON:-python3}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install -q "mesa==3.3.*"
command -v hyperfine >/dev/null || { echo "run.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
(cd "$root" && cargo build --release -q)
exec "$venv/bin/python" "$here/compare.py" --heartland "$root/target/release/heartland" --python "$venv/bin/python" "$@"
