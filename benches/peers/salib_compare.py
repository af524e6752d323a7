#!/usr/bin/env python3
"""Sobol' indices of the Ishigami function with SALib, to compare with heartland's
`sensitivity::sobol` (same design layout and estimators) and to time SALib at the same N.

Run by hand, never in CI:

    python3 -m venv /tmp/salib-venv && /tmp/salib-venv/bin/pip install SALib numpy
    /tmp/salib-venv/bin/python benches/peers/salib_compare.py [N] [--replicates R]

Prints, for N base rows with second-order indices (N * (2k + 2) runs):
- unscrambled design (scramble=False, skip_values=0): the point estimates, which the Rust test
  `sensitivity::sobol::tests::unscrambled_ishigami_matches_salib` reproduces to 1e-9 (same
  points, same estimators);
- scrambled design (SALib's default): estimates with their `*_conf` half-widths, which agree
  with the Rust ones within sampling error (the scrambles differ);
- wall time of sampling, evaluation and analysis (with R bootstrap resamples).
The Rust counterpart of the timing is
`cargo test --release --lib salib_peer -- --ignored --nocapture`.
"""

import argparse
import time

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def analytic(a=7.0, b=0.1):
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * np.pi**8 / 225
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v], v13 / v


def run(n, scramble, replicates, seed):
    t0 = time.perf_counter()
    x = sobol_sample.sample(PROBLEM, n, calc_second_order=True, scramble=scramble, seed=seed)
    t1 = time.perf_counter()
    y = Ishigami.evaluate(x)
    t2 = time.perf_counter()
    si = sobol_analyze.analyze(PROBLEM, y, calc_second_order=True, num_resamples=replicates, seed=seed)
    t3 = time.perf_counter()
    return si, (t1 - t0, t2 - t1, t3 - t2), len(y)


def show(label, si, times, runs):
    print(f"{label}: {runs} runs; sample {times[0]:.4f} s, evaluate {times[1]:.4f} s, analyze {times[2]:.4f} s")
    for i, name in enumerate(PROBLEM["names"]):
        print(
            f"  {name}: S1 {si['S1'][i]:+.12f} ± {si['S1_conf'][i]:.4f}"
            f"   ST {si['ST'][i]:+.12f} ± {si['ST_conf'][i]:.4f}"
        )
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        print(f"  S2[{i},{j}] {si['S2'][i, j]:+.12f} ± {si['S2_conf'][i, j]:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1024, help="base rows N (default 1024)")
    parser.add_argument("--replicates", type=int, default=100, help="bootstrap resamples (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the scramble and the bootstrap")
    args = parser.parse_args()

    s1, st, s13 = analytic()
    print("analytic: S1 " + ", ".join(f"{v:.4f}" for v in s1) + "; ST " + ", ".join(f"{v:.4f}" for v in st)
          + f"; S2[0,2] {s13:.4f}")
    show("unscrambled", *run(args.n, False, args.replicates, args.seed))
    show("scrambled", *run(args.n, True, args.replicates, args.seed))


if __name__ == "__main__":
    main()
