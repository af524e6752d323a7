"""Reference results from the axelrod library, for heartland's games engine to reproduce exactly.

Run by hand, never in CI (benches/peers/axelrod/run.sh makes the virtual environment):

    python benches/peers/axelrod/make_fixtures.py tests/fixtures/axelrod

Writes one JSON file per game: every match-up of the deterministic strategies below (including
each with itself), with both players' actions and total scores over 200 turns, and a full
round-robin tournament of the same strategies (axelrod's defaults: 200 turns, self-play included
in the matches but left out of scores, wins and ranks), with its ranked names, per-repetition
normalised scores (mean score per turn over the opponents), wins, cooperation ratings and the
payoff matrix. Each strategy is written as heartland's tournament file writes it, beside the
name axelrod gives it.
"""

import json
import sys
from pathlib import Path

import axelrod as axl

TURNS = 200
REPETITIONS = 2

# heartland's spelling (as in a tournament file) and the axelrod player it stands for.
STRATEGIES = [
    ({"strategy": "Cooperator"}, lambda: axl.Cooperator()),
    ({"strategy": "Defector"}, lambda: axl.Defector()),
    ({"strategy": "TitForTat"}, lambda: axl.TitForTat()),
    ({"strategy": "Grudger"}, lambda: axl.Grudger()),
    ({"strategy": "TitForTwoTats"}, lambda: axl.TitFor2Tats()),
    ({"strategy": "TwoTitsForTat"}, lambda: axl.TwoTitsForTat()),
    ({"strategy": "WinStayLoseShift"}, lambda: axl.WinStayLoseShift()),
    ({"strategy": "SuspiciousTitForTat"}, lambda: axl.SuspiciousTitForTat()),
    ({"strategy": "Alternator"}, lambda: axl.Alternator()),
    ({"strategy": "GTFT", "p": 0.0}, lambda: axl.GTFT(p=0)),
    ({"strategy": "Random", "p": 1.0}, lambda: axl.Random(p=1)),
    (
        {"strategy": "MemoryOne", "four": [1.0, 0.0, 0.0, 0.0], "initial": "C"},
        lambda: axl.MemoryOnePlayer(four_vector=(1, 0, 0, 0), initial=axl.Action.C),
    ),
    (
        {"strategy": "MemoryOne", "four": [0.0, 1.0, 1.0, 0.0], "initial": "D"},
        lambda: axl.MemoryOnePlayer(four_vector=(0, 1, 1, 0), initial=axl.Action.D),
    ),
]

GAMES = {
    "prisoners_dilemma": dict(r=3, s=0, t=5, p=1),
    "stag_hunt": dict(r=4, s=1, t=3, p=2),
    "chicken": dict(r=3, s=1, t=4, p=0),
}


def actions(result, index):
    return "".join(str(play[index]) for play in result)


def fixture(game_name, rpst):
    game = axl.Game(**rpst)
    specs = [spec for spec, _ in STRATEGIES]
    matches = []
    n = len(STRATEGIES)
    for i in range(n):
        for j in range(i, n):
            players = (STRATEGIES[i][1](), STRATEGIES[j][1]())
            match = axl.Match(players, turns=TURNS, game=game)
            result = match.play()
            a, b = match.final_score()
            matches.append(
                {
                    "a": i,
                    "b": j,
                    "actions_a": actions(result, 0),
                    "actions_b": actions(result, 1),
                    "score_a": float(a),
                    "score_b": float(b),
                }
            )
    players = [make() for _, make in STRATEGIES]
    tournament = axl.Tournament(players, game=game, turns=TURNS, repetitions=REPETITIONS, seed=1)
    results = tournament.play(progress_bar=False, processes=1)
    return {
        "axelrod_version": axl.__version__,
        "game": game_name,
        "payoffs": rpst,
        "turns": TURNS,
        "repetitions": REPETITIONS,
        "players": specs,
        "axelrod_names": [str(p) for p in players],
        "matches": matches,
        "tournament": {
            "ranking": [int(i) for i in results.ranking],
            "ranked_names": list(results.ranked_names),
            "normalised_scores": [[float(x) for x in row] for row in results.normalised_scores],
            "scores": [[float(x) for x in row] for row in results.scores],
            "wins": [[int(x) for x in row] for row in results.wins],
            "cooperating_rating": [float(x) for x in results.cooperating_rating],
            "payoff_matrix": [[float(x) for x in row] for row in results.payoff_matrix],
        },
    }


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/axelrod")
    out.mkdir(parents=True, exist_ok=True)
    for name, rpst in GAMES.items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(fixture(name, rpst), indent=1) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
