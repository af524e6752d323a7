#!/usr/bin/env python3
"""The dozen scenario (dozen.toml) as a Mesa 3.3 model, for the peer comparison in this folder.

The model is heartland's, restricted to what dozen.toml uses: states only, dyadic issues, no
patrons, public goods, state variables or events. Each step (a quarter):

1. every state decides, on each issue it is a side of, whether to cooperate: belief q = its trust
   in the partner; advantage = q (R - T) + (1 - q) (S - P), with R, S, T, P its payoffs weighted
   by its interests; P(cooperate) = eps + (1 - 2 eps) / (1 + exp(-lambda * advantage)), drawn
   against a uniform number;
2. every state learns from what it saw: for each partner, x = the share of the partner's moves
   this step that were cooperative; tau <- clip(tau + g x (1 - tau) - l (1 - x) tau, 0, 1),
   then tau <- tau + f (tau0 - tau), with the per-year rates converted per step as heartland
   does: 1 - (1 - r) ** (years per step).

The numbers are read from dozen.toml (Python's tomllib), so the two implementations share one
source. The random numbers are Python's (Mersenne Twister), not heartland's (ChaCha8): the
two agree in distribution, which compare.py checks. Written the way a Mesa user would: agents
with a `decide` and a `learn` step, activated in stages through the model's AgentSet; each
step's results recorded by the model (see `Dozen.__init__` on Mesa's DataCollector).

    python dozen_mesa.py dozen.toml --runs 200 --seed 1 --out stats.json
"""

import argparse
import json
import math
import tomllib

import mesa


def number(x):
    """A fixed parameter: a number, or a table with `value` (no distributions here)."""
    if isinstance(x, dict):
        if "value" not in x:
            raise ValueError(f"only fixed values are supported, not {x}")
        return float(x["value"])
    return float(x)


def quarters(date):
    year, q = date.split("-Q")
    return int(year) * 4 + int(q) - 1


class Scenario:
    """What the model needs from dozen.toml."""

    def __init__(self, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        sc = doc["scenario"]
        if sc["step"] != "quarter":
            raise ValueError("this peer steps by quarter only")
        self.steps = quarters(sc["end"]) - quarters(sc["start"]) + 1
        years = 0.25
        dims = doc["dimensions"]
        defaults = {k: number(v) for k, v in doc.get("defaults", {}).get("behaviour", {}).items()}
        default_trust = number(doc.get("model", {}).get("trust", 0.5))
        per_step = lambda r: 1.0 - (1.0 - min(max(r, 0.0), 1.0)) ** years
        self.actors = []
        for name, a in doc["actors"].items():
            if a["kind"] != "state":
                raise ValueError("states only")
            b = dict(defaults)
            b.update({k: number(v) for k, v in a.get("behaviour", {}).items()})
            self.actors.append(
                {
                    "name": name,
                    "interests": {d: number(a.get("interests", {}).get(d, 0.0)) for d in dims},
                    "lambda": b["rationality"],
                    "error": b["error"],
                    "gain": per_step(b["trust_gain"]),
                    "loss": per_step(b["trust_loss"]),
                    "forgive": per_step(b["forgiveness"]),
                }
            )
        trust = doc.get("trust", {})
        self.trust = lambda a, b: number(trust.get(a, {}).get(b, default_trust))
        self.issues = []
        for name, i in doc["issues"].items():
            if i["kind"] != "dyadic":
                raise ValueError("dyadic issues only")
            sides = []
            for side in i["sides"]:
                interests = next(a["interests"] for a in self.actors if a["name"] == side)
                r = s = t = p = 0.0
                for dim, pay in i["payoffs"].get(side, {}).items():
                    w = interests[dim]
                    r += w * number(pay.get("reward", 0.0))
                    s += w * number(pay.get("sucker", 0.0))
                    t += w * number(pay.get("temptation", 0.0))
                    p += w * number(pay.get("punishment", 0.0))
                sides.append({"actor": side, "rt": r - t, "sp": s - p})
            self.issues.append({"name": name, "sides": sides})


class Side:
    """One state's place in one issue."""

    __slots__ = ("issue", "owner", "partner", "rt", "sp", "act", "other")

    def __init__(self, issue, rt, sp):
        self.issue, self.rt, self.sp = issue, rt, sp
        self.owner = self.partner = self.other = None
        self.act = False


class Country(mesa.Agent):
    def __init__(self, model, spec):
        super().__init__(model)
        self.label = spec["name"]
        self.lam, self.eps = spec["lambda"], spec["error"]
        self.gain, self.loss, self.forgive = spec["gain"], spec["loss"], spec["forgive"]
        self.sides = []
        self.trust = {}
        self.trust0 = {}

    def decide(self):
        for side in self.sides:
            q = self.trust[side.partner]
            x = self.lam * (q * side.rt + (1.0 - q) * side.sp)
            if x >= 0.0:
                p = 1.0 / (1.0 + math.exp(-x))
            else:
                e = math.exp(x)
                p = e / (1.0 + e)
            side.act = self.random.random() < self.eps + (1.0 - 2.0 * self.eps) * p

    def learn(self):
        seen, coop = {}, {}
        for side in self.sides:
            j = side.partner
            seen[j] = seen.get(j, 0) + 1
            coop[j] = coop.get(j, 0) + side.other.act
        for j, tau in self.trust.items():
            if j in seen:
                x = coop[j] / seen[j]
                tau = min(max(tau + self.gain * x * (1.0 - tau) - self.loss * (1.0 - x) * tau, 0.0), 1.0)
            self.trust[j] = tau + self.forgive * (self.trust0[j] - tau)


class Dozen(mesa.Model):
    def __init__(self, sc, seed):
        super().__init__(seed=seed)
        by_name = {spec["name"]: Country(self, spec) for spec in sc.actors}
        self.pairs = []
        for issue in sc.issues:
            (a, b) = [by_name[s["actor"]] for s in issue["sides"]]
            (sa, sb) = [Side(issue["name"], s["rt"], s["sp"]) for s in issue["sides"]]
            sa.owner, sb.owner, sa.partner, sb.partner, sa.other, sb.other = a, b, b, a, sb, sa
            a.sides.append(sa)
            b.sides.append(sb)
            self.pairs.append((sa, sb))
            for x, y in [(a, b), (b, a)]:
                x.trust[y] = x.trust0[y] = sc.trust(x.label, y.label)
        # Per step: each issue's mutual cooperation, each side's action and its state's trust
        # in the partner. (A mesa.DataCollector with these as model reporters gives the same
        # rows, but deep-copies them at every step, and the script takes about 1.2 times as
        # long. Recorded by hand here, so Mesa is timed at its faster.)
        self.rows = {"mutual": [], "acts": [], "trust": []}

    def step(self):
        self.agents.do("decide")
        self.agents.do("learn")
        self.rows["mutual"].append([sa.act and sb.act for sa, sb in self.pairs])
        self.rows["acts"].append([s.act for pair in self.pairs for s in pair])
        self.rows["trust"].append([s.owner.trust[s.partner] for pair in self.pairs for s in pair])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="JSON file for the statistics compare.py reads")
    args = ap.parse_args()
    sc = Scenario(args.scenario)
    steps, n_issues = sc.steps, len(sc.issues)
    # Sums over runs, per step: mutual cooperation per issue, cooperation per side, trust per
    # side (its state's trust in the partner); per run and step: the share of cooperative moves
    # and the mean trust, for the spread across runs.
    mutual = [[0] * n_issues for _ in range(steps)]
    acts = [[0] * (2 * n_issues) for _ in range(steps)]
    trust = [[0.0] * (2 * n_issues) for _ in range(steps)]
    share_sum = [0.0] * steps
    share_sq = [0.0] * steps
    trust_sum = [0.0] * steps
    trust_sq = [0.0] * steps
    for run in range(args.runs):
        model = Dozen(sc, seed=args.seed * 1_000_003 + run)
        for _ in range(steps):
            model.step()
        rows = model.rows
        for t in range(steps):
            for k, m in enumerate(rows["mutual"][t]):
                mutual[t][k] += m
            for s, a in enumerate(rows["acts"][t]):
                acts[t][s] += a
            for s, x in enumerate(rows["trust"][t]):
                trust[t][s] += x
            share = sum(rows["acts"][t]) / (2 * n_issues)
            share_sum[t] += share
            share_sq[t] += share * share
            mean_trust = sum(rows["trust"][t]) / (2 * n_issues)
            trust_sum[t] += mean_trust
            trust_sq[t] += mean_trust * mean_trust
    if args.out:
        with open(args.out, "w") as f:
            json.dump(
                {
                    "runs": args.runs,
                    "steps": steps,
                    "issues": [i["name"] for i in sc.issues],
                    "sides": [[i["name"], s["actor"]] for i in sc.issues for s in i["sides"]],
                    "mutual": mutual,
                    "acts": acts,
                    "trust": trust,
                    "share_sum": share_sum,
                    "share_sq": share_sq,
                    "trust_sum": trust_sum,
                    "trust_sq": trust_sq,
                    "decisions": args.runs * steps * 2 * n_issues,
                    "agent_steps": args.runs * steps * len(sc.actors),
                },
                f,
            )


if __name__ == "__main__":
    main()
