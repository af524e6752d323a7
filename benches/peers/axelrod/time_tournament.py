"""The same tournament in axelrod and in heartland, on one core each, CPU time.

    python benches/peers/axelrod/time_tournament.py target/release/heartland [REPETITIONS] [NOISE]

The tournament: the thirteen deterministic strategies of make_fixtures.py, the prisoner's
dilemma, 200 turns, REPETITIONS repetitions (default 10), NOISE (default 0). axelrod is timed
from the Tournament's construction to its ResultSet (imports excluded), serially in its own
process (`processes=None`: with `processes=1` axelrod plays in a worker process whose CPU time
the parent does not see); heartland is the whole `heartland tournament --threads 1 --no-charts` command (starting,
reading the file, playing, writing the tables), as child CPU time. Without noise both rankings
must agree exactly; with noise they agree in distribution only (different random streams).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time

import axelrod as axl

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import STRATEGIES  # noqa: E402


def toml_player(spec):
    parts = [f'strategy = "{spec["strategy"]}"']
    for k, v in spec.items():
        if k == "strategy":
            continue
        if isinstance(v, list):
            parts.append(f"{k} = [{', '.join(str(x) for x in v)}]")
        elif isinstance(v, str):
            parts.append(f'{k} = "{v}"')
        else:
            parts.append(f"{k} = {v}")
    return "{ " + ", ".join(parts) + " }"


def main():
    binary = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    noise = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    players = [make() for _, make in STRATEGIES]
    start = time.process_time()
    results = axl.Tournament(players, turns=200, repetitions=reps, noise=noise, seed=1).play(progress_bar=False)
    ax_cpu = time.process_time() - start

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "timing.toml")
        with open(path, "w") as f:
            f.write('name = "Timing"\ngame = "prisoners_dilemma"\nturns = 200\n')
            f.write(f"repetitions = {reps}\nnoise = {noise}\nseed = 1\nplayers = [\n")
            for i, (spec, _) in enumerate(STRATEGIES):
                f.write(f"    {toml_player(dict(spec, name=str(i)))},\n")
            f.write("]\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([binary, "tournament", path, "--out", os.path.join(d, "out"), "--threads", "1", "--no-charts", "--quiet"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        hl_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        with open(os.path.join(d, "out", "players.csv")) as f:
            rows = [line.split(",") for line in f.read().splitlines()[1:]]
    hl_ranking = [int(r[1]) for r in rows]
    print(f"axelrod {axl.__version__}: {ax_cpu:.3f} CPU-s; ranking {list(results.ranking)}")
    print(f"heartland: {hl_cpu:.3f} CPU-s; ranking {hl_ranking}")
    print(f"ratio: {ax_cpu / hl_cpu:.0f}x; rankings {'agree' if hl_ranking == list(results.ranking) else 'DIFFER'}")


if __name__ == "__main__":
    main()
