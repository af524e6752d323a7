#!/usr/bin/env bash
# Plays a few turns of `heartland play` in a real terminal (tmux), typing as a player would,
# and saves each screen as text for a person to read.
#
#   scripts/try-play-tmux.sh [OUT_DIR]     # default: outputs/try-play
#
# Needs tmux (apt-get install tmux). The screens are OUT_DIR/screen-NN.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-outputs/try-play}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cargo build --quiet
bin=$PWD/target/debug/heartland
session=heartland-try-$$
rm -f "$out"/screen-*.txt "$out/game.json"
tmux new-session -d -s "$session" -x 160 -y 50 -c "$out" \
    "$bin play baseline_2014 --as kazakhstan --save game.json --forecast-runs 100; echo '[heartland exited]'; sleep 30"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
n=0
shot() {
    sleep "${1:-0.6}"
    n=$((n + 1))
    tmux capture-pane -p -t "$session" > "$(printf '%s/screen-%02d.txt' "$out" "$n")"
}
type() { tmux send-keys -t "$session" -l "$1"; tmux send-keys -t "$session" Enter; }
shot 1.5                      # the first turn's screen and prompt
type "forecast"; shot 4       # where the game is heading
type ""; shot                 # decide: the first decision
type "?"; shot                # the model's reasons
type "maybe"; shot            # bad input: asked again
type "n"; shot                # leave the transit route, against the model
type "model"; shot            # the model's choices for the rest of the turn
type "inject taliban_offensive the seminar's first inject"; shot
type "set trust.russia.kazakhstan 0.3 the umpire rules a rift"; shot
type "model"; shot 1          # second turn, all the model's choices
type "undo"; shot 1           # back to the second turn
type "quit"; shot 1           # saved
echo "screens in $out:"
ls "$out"/screen-*.txt
