#!/usr/bin/env python3
"""heartland against Mesa on the dozen scenario: the same model, statistically the same results,
and the time each takes per core. Run by hand (see run.sh), never in CI.

1. Agreement. heartland runs NH runs (series.csv: per step, the mean over runs of each issue's
   mutual cooperation `coop.ISSUE`, of each side's action `coop_rate.ISSUE.ACTOR` with a
   one-turn window, and of each trust pair `trust.A.B`); dozen_mesa.py runs NM runs of its
   Mesa model. Compared per step: the mean share of cooperative moves (the headline
   trajectory) and the mean trust, each within sampling error (the spread across runs is
   Mesa's, which the same model shares); and every cell (step x issue, step x side) of
   cooperation, as two-sample tests of proportions. heartland's means are exact (fixed-point
   sums), so all the error is sampling error.
2. Speed. hyperfine times `heartland run` (one thread, every output file and chart written)
   and the Mesa script (one process) on the same scenario, each at two run counts; the figure
   per core is actor-decisions (and agent-steps) per CPU-second of the extra runs, CPU = user +
   system time.

    python compare.py --heartland target/release/heartland --python /tmp/mesa-venv/bin/python
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "dozen.toml")
MESA = os.path.join(HERE, "dozen_mesa.py")


def heartland_means(binary, runs, seed, out):
    subprocess.run(
        [binary, "run", SCENARIO, "--runs", str(runs), "--seed", str(seed), "--threads", "1", "--out", out, "-q"],
        check=True,
    )
    means = {}
    with open(os.path.join(out, "series.csv"), newline="") as f:
        for row in csv.DictReader(f):
            means.setdefault((row["variable"], row["subject"]), []).append(float(row["mean"]))
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    return means, manifest


def mesa_stats(python, runs, seed, out):
    subprocess.run([python, MESA, SCENARIO, "--runs", str(runs), "--seed", str(seed), "--out", out], check=True)
    with open(out) as f:
        return json.load(f)


def agreement(h, m, nh):
    nm, steps = m["runs"], m["steps"]
    sides = m["sides"]
    report = []
    # Headline: per step, the share of cooperative moves and the mean trust over sides.
    worst = 0.0
    rows = []
    for t in range(steps):
        h_share = sum(h[("coop_rate", f"{i}.{a}")][t] for i, a in sides) / len(sides)
        partner = {}
        for i, a in sides:
            issue = next(s for s in sides if s[0] == i and s[1] != a)
            partner[(i, a)] = issue[1]
        h_trust = sum(h[("trust", f"{a}.{partner[(i, a)]}")][t] for i, a in sides) / len(sides)
        m_share = m["share_sum"][t] / nm
        m_trust = m["trust_sum"][t] / nm
        sd_share = math.sqrt(max(m["share_sq"][t] / nm - m_share**2, 0.0) * nm / (nm - 1))
        sd_trust = math.sqrt(max(m["trust_sq"][t] / nm - m_trust**2, 0.0) * nm / (nm - 1))
        # Same model, same spread across runs: the difference has this standard error.
        se_share = sd_share * math.sqrt(1 / nh + 1 / nm)
        se_trust = sd_trust * math.sqrt(1 / nh + 1 / nm)
        z_share = (h_share - m_share) / se_share if se_share > 0 else 0.0
        z_trust = (h_trust - m_trust) / se_trust if se_trust > 0 else 0.0
        worst = max(worst, abs(z_share), abs(z_trust))
        rows.append((t + 1, h_share, m_share, se_share, z_share, h_trust, m_trust, se_trust, z_trust))
    report.append("step  share cooperating: heartland  Mesa (SE of diff)   z  |  mean trust: heartland  Mesa (SE)   z")
    for r in rows:
        if r[0] in (1, 2, 4) or r[0] % 8 == 0 or r[0] == steps:
            report.append(
                f"{r[0]:>4}  {r[1]:>27.4f}  {r[2]:.4f} ({r[3]:.4f}) {r[4]:+5.2f}"
                f"  |  {r[5]:>21.4f}  {r[6]:.4f} ({r[7]:.4f}) {r[8]:+5.2f}"
            )
    # Cells: proportions per step and issue (mutual) and per step and side (action).
    zs = []
    for t in range(steps):
        for k, issue in enumerate(m["issues"]):
            zs.append(two_proportions(h[("coop", issue)][t], nh, m["mutual"][t][k] / nm, nm))
        for s, (i, a) in enumerate(sides):
            zs.append(two_proportions(h[("coop_rate", f"{i}.{a}")][t], nh, m["acts"][t][s] / nm, nm))
    cells = len(zs)
    beyond = sum(abs(z) > 1.96 for z in zs)
    bonferroni = z_two_sided(0.01 / cells)
    headline = 2 * steps
    report.append("")
    report.append(
        f"headline trajectories: {headline} step means, largest |z| {worst:.2f} "
        f"(Bonferroni bound at 1% for {headline}: {z_two_sided(0.01 / headline):.2f})"
    )
    report.append(
        f"cells: {cells} proportions (step x issue mutual cooperation, step x side action): "
        f"{beyond} ({100 * beyond / cells:.1f}%) with |z| > 1.96 (5% expected), mean z^2 {sum(z * z for z in zs) / cells:.2f} "
        f"(1 expected), largest |z| {max(abs(z) for z in zs):.2f} (Bonferroni bound at 1%: {bonferroni:.2f})"
    )
    ok = worst < z_two_sided(0.01 / headline) and max(abs(z) for z in zs) < bonferroni
    report.append("AGREE: the two implementations give the same results within sampling error" if ok else "DISAGREE")
    return "\n".join(report), ok


def two_proportions(p1, n1, p2, n2):
    p = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return (p1 - p2) / se if se > 0 else 0.0


def z_two_sided(alpha):
    """The z with P(|Z| > z) = alpha, by bisection on erfc."""
    lo, hi = 0.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if math.erfc(mid / math.sqrt(2)) > alpha:
            lo = mid
        else:
            hi = mid
    return lo


def timing(binary, python, runs_h, runs_m, warmup, repeat, workdir):
    """Times each tool at two run counts, so that the difference, the cost of the extra runs,
    is free of start-up (Mesa's imports take about half a second) and of fixed work (heartland
    draws its charts once per command)."""
    out = os.path.join(workdir, "hyperfine.json")
    commands = []
    for runs in (runs_h // 5, runs_h):
        commands.append(f"{binary} run {SCENARIO} --runs {runs} --threads 1 -q --out {workdir}/h{runs}")
    for runs in (runs_m // 5, runs_m):
        commands.append(f"{python} {MESA} {SCENARIO} --runs {runs} --out {workdir}/m{runs}.json")
    subprocess.run(
        ["hyperfine", "-N", "-w", str(warmup), "-r", str(repeat), "--export-json", out, *commands],
        check=True,
    )
    with open(out) as f:
        results = json.load(f)["results"]
    decisions = []
    for runs in (runs_h // 5, runs_h):
        with open(os.path.join(workdir, f"h{runs}", "manifest.json")) as f:
            decisions.append(json.load(f)["actor_decisions"])
    for runs in (runs_m // 5, runs_m):
        with open(os.path.join(workdir, f"m{runs}.json")) as f:
            m = json.load(f)
        decisions.append(m["decisions"])
    # Agent-steps per actor-decision: each state makes one decision per issue it is a side of.
    steps_per_decision = m["agent_steps"] / m["decisions"]
    lines = [
        "",
        "whole commands (CPU = user + system, mean of the repeats):",
        "tool        runs   wall s (± sd)     CPU s   actor-decisions/CPU-s   agent-steps/CPU-s",
    ]
    rows = []
    for r, label, runs, d in zip(
        results,
        ["heartland", "heartland", "Mesa", "Mesa"],
        [runs_h // 5, runs_h, runs_m // 5, runs_m],
        decisions,
    ):
        cpu = r["user"] + r["system"]
        rows.append((label, runs, r["mean"], r["stddev"] or 0.0, cpu, d))
        lines.append(
            f"{label:<9} {runs:>7} {r['mean']:>8.3f} (± {r['stddev'] or 0:.3f}) {cpu:>8.3f}"
            f" {d / cpu:>22.3e} {d * steps_per_decision / cpu:>19.3e}"
        )
    lines.append("")
    lines.append("per core, the extra runs of the larger command (start-up and fixed work cancel out):")
    per_core = []
    for small, large in [(rows[0], rows[1]), (rows[2], rows[3])]:
        d, cpu = large[5] - small[5], large[4] - small[4]
        per_core.append(d / cpu)
        lines.append(
            f"{large[0]:<9} {large[1] - small[1]:>7} runs  {cpu:>7.3f} CPU s  {d / cpu:>10.3e} actor-decisions/CPU-s"
            f"  {d * steps_per_decision / cpu:>10.3e} agent-steps/CPU-s"
        )
    whole = (rows[1][5] / rows[1][4]) / (rows[3][5] / rows[3][4])
    lines.append(f"heartland / Mesa per core: {per_core[0] / per_core[1]:.0f}x (whole commands at the larger counts: {whole:.0f}x)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--heartland", default=os.path.join(HERE, "..", "..", "..", "target", "release", "heartland"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--runs-heartland", type=int, default=20000, help="runs for the agreement check")
    ap.add_argument("--runs-mesa", type=int, default=2000, help="runs for the agreement check")
    ap.add_argument("--time-heartland", type=int, default=100000, help="runs timed (and a fifth of them)")
    ap.add_argument("--time-mesa", type=int, default=1000, help="runs timed (and a fifth of them)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-timing", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        h, manifest = heartland_means(args.heartland, args.runs_heartland, 1, os.path.join(work, "agree"))
        m = mesa_stats(args.python, args.runs_mesa, 2, os.path.join(work, "mesa.json"))
        print(f"dozen.toml: {m['steps']} steps, {len(m['issues'])} issues, {len(m['sides'])} decisions a step")
        print(f"agreement: heartland {args.runs_heartland} runs (seed 1), Mesa {args.runs_mesa} runs (seed 2)\n")
        text, ok = agreement(h, m, args.runs_heartland)
        print(text)
        if not args.skip_timing:
            print(timing(args.heartland, args.python, args.time_heartland, args.time_mesa, 1, args.repeat, work))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
