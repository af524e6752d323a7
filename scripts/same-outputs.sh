#!/usr/bin/env bash
# Checks that a refactoring left every output of every shipped scenario and sweep unchanged.
#
#   scripts/same-outputs.sh save DIR     # before: run everything into DIR
#   scripts/same-outputs.sh check DIR    # after: run again into a temporary folder, compare
#
# Tables (CSV) and charts must be byte-identical; in manifest.json the fields that describe
# the machine and the moment (wall_seconds, threads) are left out of the comparison, and so is
# the report's wall-time row.
# Set CHARTS=0 to compare the tables and manifests only (when a change is meant to alter
# what the charts and the report show).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?save or check}
dir=${2:?a folder}
cargo build --release --quiet
bin=target/release/heartland
produce() {
    local into=$1
    mkdir -p "$into"
    for s in scenarios/*.toml; do
        "$bin" run "$s" --out "$into/$(basename "$s" .toml)" --quiet
    done
    for s in scenarios/sweeps/*.toml; do
        "$bin" sweep "$s" --out "$into/sweep_$(basename "$s" .toml)" --quiet --per-run
    done
}
case $mode in
save) produce "$dir" ;;
check)
    new=$(mktemp -d)
    trap 'rm -rf "$new"' EXIT
    produce "$new"
    status=0
    while IFS= read -r f; do
        rel=${f#"$dir"/}
        case $rel in
        *manifest.json)
            if ! diff <(grep -vE '"(wall_seconds|threads)"' "$f") <(grep -vE '"(wall_seconds|threads)"' "$new/$rel") >/dev/null; then
                echo "differs: $rel"; status=1
            fi ;;
        *report.html)
            if [ "${CHARTS:-1}" = 1 ] && ! diff <(grep -v '<th>wall time</th>' "$f") <(grep -v '<th>wall time</th>' "$new/$rel") >/dev/null; then
                echo "differs: $rel"; status=1
            fi ;;
        *charts/*)
            if [ "${CHARTS:-1}" = 1 ] && ! cmp -s "$f" "$new/$rel"; then echo "differs: $rel"; status=1; fi ;;
        *)
            if ! cmp -s "$f" "$new/$rel"; then echo "differs: $rel"; status=1; fi ;;
        esac
    done < <(find "$dir" -type f | sort)
    n=$(find "$dir" -type f | wc -l)
    [ $status = 0 ] && echo "all $n files identical"
    exit $status ;;
*) echo "usage: $0 save|check DIR" >&2; exit 2 ;;
esac
