#!/usr/bin/env bash
# Screenshots a heartland report.html in headless Chromium, to look at it as a reader would.
# Not part of CI. Installs Debian's chromium if it is missing (needs root and apt).
#
#   scripts/screenshot-report.sh [REPORT.html] [OUT.png] [WIDTHxHEIGHT]
#
# Defaults: outputs/baseline_2014/report.html, its folder's report.png, 1280x4000.
set -euo pipefail

report=${1:-outputs/baseline_2014/report.html}
out=${2:-$(dirname "$report")/report.png}
size=${3:-1280x4000}

if [ ! -f "$report" ]; then
    echo "no report at $report (run \`cargo run --release\` first)" >&2
    exit 2
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "installing Debian's chromium…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars \
    --screenshot="$abs_out" --window-size="${size/x/,}" "file://$abs_report" 2>/dev/null

echo "$abs_out"
