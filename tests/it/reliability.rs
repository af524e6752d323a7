//! Reliability: hostile input, crashes mid-run and bounded memory (the reliability issue).
//! Each section says what it shows; `errors.rs`, `cli.rs` and `sweep.rs` hold the rest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use heartland::Scenario;
use heartland::model::metric::Metric;
use heartland::montecarlo::{self, Plan};
use heartland::simulation::Simulation;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};

use crate::fixture;

// ------------------------------------------------------------------ generated scenarios
//
// A generator builds scenario texts from small random structures: a few states and
// organizations, interests and behaviour with values in and out of range (non-finite
// included), dyadic issues and public goods naming existing or misspelt actors, state
// variables, events, outcomes and distributions. Half the cases are clean (valid by
// construction); the others carry faults. The property runs a fixed number of cases from a
// fixed seed, so CI is reproducible and the suite stays fast in a debug build (under a
// second). To explore further, set `PROPTEST_CASES` and `PROPTEST_RNG_SEED` (any number):
//
//     PROPTEST_CASES=100000 PROPTEST_RNG_SEED=$RANDOM cargo test --release --test it reliability::generated

/// Cases of the property: enough to reach every kind of element and fault many times, few
/// enough for a debug build (each case validates a text and, if valid, plays a few short runs).
const CASES: u32 = 128;

/// The seed of the generator unless `PROPTEST_RNG_SEED` is set.
const SEED: u64 = 0x4865_6172_746c_616e;

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    // A failure is printed with its minimal text; it becomes a named regression test, not a
    // file that proptest writes into the source tree.
    c.failure_persistence = None;
    c
}

/// A number as the generator writes it: inside the key's domain (anywhere, or at an edge), or
/// possibly outside it (non-finite, negative, huge; some of these happen to be valid for
/// some keys).
#[derive(Debug, Clone)]
enum Num {
    Mid(f64),
    Edge(bool),
    Wild(usize),
}

const WILD: [&str; 12] = ["nan", "inf", "-inf", "-1.0", "1e308", "-1e308", "1e7", "0", "2.5", "-0.0", "1e-320", "0.5"];

fn num() -> BoxedStrategy<Num> {
    prop_oneof![
        12 => (0.0..=1.0f64).prop_map(Num::Mid),
        2 => any::<bool>().prop_map(Num::Edge),
        1 => (0..WILD.len()).prop_map(Num::Wild),
    ]
    .boxed()
}

/// A parameter: a number, a `{ value }` table, or a distribution.
#[derive(Debug, Clone)]
enum Param {
    Fixed(Num),
    Table(Num),
    Uniform(Num, Num),
    Normal(Num, Num),
    Triangular(Num, Num, Num),
    Beta(Num, Num),
    Choice(Vec<Num>),
}

fn param() -> BoxedStrategy<Param> {
    prop_oneof![
        10 => num().prop_map(Param::Fixed),
        1 => num().prop_map(Param::Table),
        2 => (num(), num()).prop_map(|(a, b)| Param::Uniform(a, b)),
        1 => (num(), num()).prop_map(|(a, b)| Param::Normal(a, b)),
        1 => (num(), num(), num()).prop_map(|(a, b, c)| Param::Triangular(a, b, c)),
        1 => (num(), num()).prop_map(|(a, b)| Param::Beta(a, b)),
        1 => prop::collection::vec(num(), 0..4).prop_map(Param::Choice),
    ]
    .boxed()
}

/// A reference to a name by position; `typo` misspells it (in a hostile case).
#[derive(Debug, Clone, Copy)]
struct Ref {
    idx: usize,
    typo: bool,
}

fn reference() -> BoxedStrategy<Ref> {
    (0..8usize, prop::bool::weighted(0.06)).prop_map(|(idx, typo)| Ref { idx, typo }).boxed()
}

/// A metric path by kind, resolved against the scenario's names when rendered.
#[derive(Debug, Clone)]
struct MetricRef {
    kind: usize,
    a: Ref,
    b: Ref,
}

fn metric_ref() -> BoxedStrategy<MetricRef> {
    (0..7usize, reference(), reference()).prop_map(|(kind, a, b)| MetricRef { kind, a, b }).boxed()
}

#[derive(Debug, Clone)]
struct StateSpec {
    capability: Param,
    interests: Vec<(usize, Param)>,
    behaviour: Vec<(usize, Param)>,
}

#[derive(Debug, Clone)]
struct OrgSpec {
    members: Vec<Ref>,
    /// A member that is an organization (possibly itself).
    org_member: Option<Ref>,
    rule: usize,
    leader: Ref,
    weights: Option<Vec<Param>>,
    threshold: Option<Num>,
    veto: Option<Vec<Ref>>,
    capability: Option<Param>,
    pressure: Option<Param>,
}

#[derive(Debug, Clone)]
struct VarSpec {
    range: usize,
    initial: Num,
    target: Option<Param>,
    rate: Option<Param>,
    drivers: Vec<(MetricRef, Param)>,
}

#[derive(Debug, Clone)]
enum IssueSpec {
    Dyadic {
        sides: (Ref, Ref),
        payoffs: Vec<(bool, usize, [Option<Num>; 4])>,
        gain: Option<Param>,
        salience: Option<(Num, Vec<(MetricRef, Param)>)>,
        on_mutual: Option<(Ref, Param)>,
        active: bool,
    },
    PublicGood {
        participants: Vec<Ref>,
        threat: Ref,
        efficacy: Param,
        harm: Ref,
        exposure: Vec<Param>,
        /// Leave one participant's exposure out.
        drop_exposure: bool,
        cost: Vec<(usize, Param)>,
        reach: Option<Param>,
    },
}

#[derive(Debug, Clone)]
struct Cond {
    metric: MetricRef,
    above: bool,
    threshold: Num,
}

#[derive(Debug, Clone)]
struct EffectSpec {
    target: usize,
    a: Ref,
    b: Ref,
    op: usize,
    amount: Param,
}

#[derive(Debug, Clone)]
struct EventSpec {
    /// Scheduled at this turn (possibly past the end), or a hazard.
    at: Option<usize>,
    hazard: Param,
    repeat: bool,
    when: Vec<Cond>,
    effects: Vec<EffectSpec>,
}

#[derive(Debug, Clone)]
struct OutcomeSpec {
    when: Vec<Cond>,
    for_turns: Option<u32>,
}

/// A small scenario, with the faults a hostile case may carry. A clean case (`clean`) ignores
/// every fault and is valid by construction.
#[derive(Debug, Clone)]
struct Spec {
    clean: bool,
    /// In a hostile case, one fault site in this many is written faulty.
    sparsity: u64,
    dims: usize,
    step: usize,
    turns: usize,
    window: u32,
    model_trust: Option<Param>,
    relaxation: Option<Param>,
    defaults: Vec<(usize, Param)>,
    states: Vec<StateSpec>,
    orgs: Vec<OrgSpec>,
    trust: Vec<(Ref, Ref, Param)>,
    vars: Vec<VarSpec>,
    influence: Option<(Ref, Vec<(Ref, Param)>)>,
    issues: Vec<IssueSpec>,
    events: Vec<EventSpec>,
    outcomes: Vec<OutcomeSpec>,
    /// Structural faults: a bad name, a missing section, a wrong type, junk appended.
    fault: Option<usize>,
}

fn state_spec() -> BoxedStrategy<StateSpec> {
    (
        param(),
        prop::collection::vec((0..4usize, param()), 0..4),
        prop::collection::vec((0..BEHAVIOUR.len(), param()), 0..3),
    )
        .prop_map(|(capability, interests, behaviour)| StateSpec { capability, interests, behaviour })
        .boxed()
}

fn org_spec() -> BoxedStrategy<OrgSpec> {
    (
        prop::collection::vec(reference(), 1..4),
        prop::option::weighted(0.05, reference()),
        0..3usize,
        reference(),
        prop::option::of(prop::collection::vec(param(), 0..4)),
        prop::option::of(num()),
        prop::option::of(prop::collection::vec(reference(), 0..3)),
        prop::option::of(param()),
        prop::option::of(param()),
    )
        .prop_map(|(members, org_member, rule, leader, weights, threshold, veto, capability, pressure)| OrgSpec {
            members,
            org_member,
            rule,
            leader,
            weights,
            threshold,
            veto,
            capability,
            pressure,
        })
        .boxed()
}

fn var_spec() -> BoxedStrategy<VarSpec> {
    (
        0..4usize,
        num(),
        prop::option::of(param()),
        prop::option::of(param()),
        prop::collection::vec((metric_ref(), param()), 0..3),
    )
        .prop_map(|(range, initial, target, rate, drivers)| VarSpec { range, initial, target, rate, drivers })
        .boxed()
}

fn cond() -> BoxedStrategy<Cond> {
    (metric_ref(), any::<bool>(), num())
        .prop_map(|(metric, above, threshold)| Cond { metric, above, threshold })
        .boxed()
}

fn issue_spec() -> BoxedStrategy<IssueSpec> {
    let payoff = (any::<bool>(), 0..4usize, prop::array::uniform4(prop::option::of(num())));
    let dyadic = (
        (reference(), reference()),
        prop::collection::vec(payoff, 0..4),
        prop::option::of(param()),
        prop::option::of((num(), prop::collection::vec((metric_ref(), param()), 0..2))),
        prop::option::of((reference(), param())),
        prop::bool::weighted(0.85),
    )
        .prop_map(|(sides, payoffs, gain, salience, on_mutual, active)| IssueSpec::Dyadic {
            sides,
            payoffs,
            gain,
            salience,
            on_mutual,
            active,
        });
    let public_good = (
        prop::collection::vec(reference(), 1..5),
        reference(),
        param(),
        reference(),
        prop::collection::vec(param(), 4),
        prop::bool::weighted(0.1),
        prop::collection::vec((0..4usize, param()), 0..3),
        prop::option::of(param()),
    )
        .prop_map(|(participants, threat, efficacy, harm, exposure, drop_exposure, cost, reach)| {
            IssueSpec::PublicGood { participants, threat, efficacy, harm, exposure, drop_exposure, cost, reach }
        });
    prop_oneof![3 => dyadic, 2 => public_good].boxed()
}

fn event_spec() -> BoxedStrategy<EventSpec> {
    let effect = (0..5usize, reference(), reference(), 0..3usize, param())
        .prop_map(|(target, a, b, op, amount)| EffectSpec { target, a, b, op, amount });
    (
        prop::option::of(0..10usize),
        param(),
        any::<bool>(),
        prop::collection::vec(cond(), 0..3),
        prop::collection::vec(effect, 0..3),
    )
        .prop_map(|(at, hazard, repeat, when, effects)| EventSpec { at, hazard, repeat, when, effects })
        .boxed()
}

fn outcome_spec() -> BoxedStrategy<OutcomeSpec> {
    (prop::collection::vec(cond(), 0..3), prop::option::of(0..4u32))
        .prop_map(|(when, for_turns)| OutcomeSpec { when, for_turns })
        .boxed()
}

fn spec() -> BoxedStrategy<Spec> {
    let head = (
        (any::<bool>(), prop_oneof![Just(1u64), Just(3), Just(10), Just(40)]),
        1..4usize,
        prop_oneof![6 => Just(0usize), 1 => Just(1), 1 => Just(2), 1 => Just(3)],
        1..9usize,
        prop_oneof![8 => 1..9u32, 1 => Just(0u32), 1 => Just(65u32)],
        prop::option::of(param()),
        prop::option::of(param()),
        prop::collection::vec((0..BEHAVIOUR.len(), param()), 0..3),
    );
    let body = (
        prop::collection::vec(state_spec(), 2..5),
        prop::collection::vec(org_spec(), 0..3),
        prop::collection::vec((reference(), reference(), param()), 0..4),
        prop::collection::vec(var_spec(), 0..3),
        prop::option::of((reference(), prop::collection::vec((reference(), param()), 1..4))),
        prop::collection::vec(issue_spec(), 0..4),
        prop::collection::vec(event_spec(), 0..3),
        prop::collection::vec(outcome_spec(), 0..3),
        prop::option::weighted(0.15, 0..FAULTS),
    );
    (head, body)
        .prop_map(
            |(
                ((clean, sparsity), dims, step, turns, window, model_trust, relaxation, defaults),
                (states, orgs, trust, vars, influence, issues, events, outcomes, fault),
            )| Spec {
                clean,
                sparsity,
                dims,
                step,
                turns,
                window,
                model_trust,
                relaxation,
                defaults,
                states,
                orgs,
                trust,
                vars,
                influence,
                issues,
                events,
                outcomes,
                fault,
            },
        )
        .boxed()
}

const DIMS: [&str; 3] = ["security", "economy", "autonomy"];
const STATES: [&str; 4] = ["russia", "china", "kazakhstan", "usa"];
const ORGS: [&str; 2] = ["csto", "nato"];
const VARS: [&str; 2] = ["threat", "isaf"];
/// Behaviour keys with their domains.
const BEHAVIOUR: [(&str, Dom); 6] = [
    ("rationality", Dom::NON_NEG),
    ("trust_gain", Dom::UNIT),
    ("trust_loss", Dom::UNIT),
    ("forgiveness", Dom::UNIT),
    ("error", Dom { lo: 0.0, hi: 0.5, positive: false }),
    ("pressure", Dom::NON_NEG),
];
/// State-variable ranges a clean case picks from.
const RANGES: [(f64, f64); 4] = [(0.0, 1.0), (-5.0, 5.0), (0.0, 1e6), (-1e6, 1e6)];
const FAULTS: usize = 8;

/// A key's domain, as documented in scenarios/README.md (open domains stop at ±1e6).
#[derive(Debug, Clone, Copy)]
struct Dom {
    lo: f64,
    hi: f64,
    positive: bool,
}

impl Dom {
    const UNIT: Dom = Dom { lo: 0.0, hi: 1.0, positive: false };
    const NON_NEG: Dom = Dom { lo: 0.0, hi: 1e6, positive: false };
    const POSITIVE: Dom = Dom { lo: 0.0, hi: 1e6, positive: true };
    const REAL: Dom = Dom { lo: -1e6, hi: 1e6, positive: false };
    /// Where generated values mostly fall: the domain, narrowed to a plausible scale.
    fn typical(self) -> (f64, f64) {
        let lo = if self.positive { 0.01 } else { self.lo.max(-2.0) };
        (lo, self.hi.min(2.0))
    }
}

/// Writes a number as TOML.
fn toml_f64(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        let s = format!("{x:?}");
        if s.contains(['.', 'e']) { s } else { format!("{s}.0") }
    }
}

fn misspell(name: &str) -> String {
    let mut s: String = name.chars().take(1).collect();
    s.extend(name.chars().skip(2));
    s
}

/// Renders a [`Spec`] as scenario text.
struct Render<'a> {
    spec: &'a Spec,
    actors: Vec<String>,
    states: Vec<String>,
    vars: Vec<String>,
    issues: Vec<String>,
    /// The spec's index of each rendered issue.
    kept: Vec<usize>,
    dims: Vec<String>,
    out: String,
    /// Fault sites met so far: a hostile case keeps one site in `spec.sparsity`.
    sites: std::cell::Cell<u64>,
}

impl Render<'_> {
    /// Whether to write this site cleanly: always in a clean case; in a hostile case, all
    /// but one site in `sparsity`, so that some hostile cases carry one fault, or none.
    fn clean(&self) -> bool {
        let n = self.sites.get();
        self.sites.set(n + 1);
        self.spec.clean || !(n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32).is_multiple_of(self.spec.sparsity)
    }

    fn num(&self, n: &Num, d: Dom) -> String {
        let (lo, hi) = d.typical();
        match n {
            Num::Mid(u) => toml_f64(((lo + u * (hi - lo)) * 1000.0).round() / 1000.0),
            Num::Edge(high) => {
                if *high {
                    toml_f64(d.hi)
                } else if d.positive {
                    "1e-9".into()
                } else {
                    toml_f64(d.lo)
                }
            }
            Num::Wild(i) if !self.clean() => WILD[*i].into(),
            Num::Wild(_) => toml_f64((lo + hi) / 2.0),
        }
    }

    /// A value strictly inside `(lo, hi)` of the typical range, for distribution arguments.
    fn inner(&self, n: &Num, d: Dom) -> f64 {
        let (lo, hi) = d.typical();
        match n {
            Num::Mid(u) => lo + (0.05 + 0.9 * u) * (hi - lo),
            _ => (lo + hi) / 2.0,
        }
    }

    fn param(&self, p: &Param, d: Dom) -> String {
        let (lo, hi) = d.typical();
        match p {
            Param::Fixed(n) => self.num(n, d),
            Param::Table(n) => format!("{{ value = {}, source = \"generated\" }}", self.num(n, d)),
            Param::Uniform(a, b) if self.clean() => {
                let (a, b) = (self.inner(a, d), self.inner(b, d));
                let (l, h) = if a < b {
                    (a, b)
                } else if b < a {
                    (b, a)
                } else {
                    (lo, hi)
                };
                format!("{{ dist = \"uniform\", low = {}, high = {} }}", toml_f64(l), toml_f64(h))
            }
            Param::Uniform(a, b) => {
                format!("{{ dist = \"uniform\", low = {}, high = {} }}", self.num(a, d), self.num(b, d))
            }
            Param::Normal(m, sd) => {
                let mean = if self.clean() { toml_f64(self.inner(m, d)) } else { self.num(m, d) };
                let sd =
                    if self.clean() { toml_f64(0.01 + self.inner(sd, Dom::UNIT)) } else { self.num(sd, Dom::UNIT) };
                format!(
                    "{{ dist = \"normal\", mean = {mean}, sd = {sd}, low = {}, high = {} }}",
                    toml_f64(lo),
                    toml_f64(hi)
                )
            }
            Param::Triangular(a, b, c) if self.clean() => {
                let mut v = [self.inner(a, d), self.inner(b, d), self.inner(c, d)];
                v.sort_by(f64::total_cmp);
                if v[0] == v[2] {
                    v = [lo, (lo + hi) / 2.0, hi];
                }
                format!("{{ dist = \"triangular\", low = {}, mode = {}, high = {} }}", v[0], v[1], v[2])
            }
            Param::Triangular(a, b, c) => format!(
                "{{ dist = \"triangular\", low = {}, mode = {}, high = {} }}",
                self.num(a, d),
                self.num(b, d),
                self.num(c, d)
            ),
            Param::Beta(a, b) => {
                let shape = Dom { lo: 0.0, hi: 5.0, positive: true };
                let (a, b) = if self.clean() {
                    (toml_f64(self.inner(a, shape)), toml_f64(self.inner(b, shape)))
                } else {
                    (self.num(a, shape), self.num(b, shape))
                };
                format!(
                    "{{ dist = \"beta\", alpha = {a}, beta = {b}, low = {}, high = {} }}",
                    toml_f64(lo),
                    toml_f64(hi)
                )
            }
            Param::Choice(values) if self.clean() && values.is_empty() => self.num(&Num::Mid(0.5), d),
            Param::Choice(values) => {
                let v: Vec<String> = values.iter().map(|n| self.num(n, d)).collect();
                format!("{{ dist = \"choice\", values = [{}] }}", v.join(", "))
            }
        }
    }

    fn name(&self, r: Ref, pool: &[String]) -> String {
        if pool.is_empty() {
            return "nothing".into();
        }
        let name = &pool[r.idx % pool.len()];
        if r.typo && !self.clean() { misspell(name) } else { name.clone() }
    }

    /// A metric path of the kind asked for, falling back to one that exists.
    fn metric(&self, m: &MetricRef, outcomes: usize) -> String {
        let s = &self.states;
        let kind = match m.kind {
            0 if !self.vars.is_empty() => 0,
            2..=4 if !self.issues.is_empty() => m.kind,
            5 if self.spec.influence.is_some() => 5,
            6 if outcomes > 0 => 6,
            _ => 1,
        };
        match kind {
            0 => format!("state.{}", self.name(m.a, &self.vars)),
            2 => format!("coop.{}", self.name(m.a, &self.issues)),
            3 => format!("coop_rate.{}", self.name(m.a, &self.issues)),
            4 => {
                // A participant of the issue: its sides as rendered.
                let i = m.a.idx % self.issues.len();
                let parts = self.participants(i);
                format!("coop_rate.{}.{}", self.issues[i], self.name(m.b, &parts))
            }
            5 => {
                let (client, patrons) = self.influence_rows();
                format!("influence.{client}.{}", self.name(m.b, &patrons))
            }
            6 => {
                let ids: Vec<String> = (0..outcomes).map(|i| format!("o{i}")).collect();
                format!("outcome.{}", self.name(m.a, &ids))
            }
            _ => {
                let a = self.name(m.a, s);
                let others: Vec<String> = self.actors.iter().filter(|x| **x != a).cloned().collect();
                format!("trust.{a}.{}", self.name(m.b, &others))
            }
        }
    }

    fn participants(&self, issue: usize) -> Vec<String> {
        match &self.spec.issues[self.kept[issue]] {
            IssueSpec::Dyadic { sides, .. } => {
                let (a, b) = self.sides(*sides);
                vec![a, b]
            }
            IssueSpec::PublicGood { participants, .. } => self.distinct(participants, &self.actors),
        }
    }

    fn sides(&self, (a, b): (Ref, Ref)) -> (String, String) {
        let x = self.name(a, &self.actors);
        let mut y = self.name(b, &self.actors);
        if self.clean() && x == y {
            y = self.actors.iter().find(|n| **n != x).expect("at least two actors").clone();
        }
        (x, y)
    }

    fn distinct(&self, refs: &[Ref], pool: &[String]) -> Vec<String> {
        let mut v: Vec<String> = refs.iter().map(|r| self.name(*r, pool)).collect();
        if self.clean() {
            let mut seen = Vec::new();
            v.retain(|n| {
                let fresh = !seen.contains(n);
                seen.push(n.clone());
                fresh
            });
        }
        v
    }

    fn influence_rows(&self) -> (String, Vec<String>) {
        let (client, patrons) = self.spec.influence.as_ref().expect("asked only when present");
        let client = self.name(*client, &self.states);
        let pool: Vec<String> = self.actors.iter().filter(|a| **a != client).cloned().collect();
        let patrons = patrons.iter().map(|(r, _)| *r).collect::<Vec<_>>();
        (client, self.distinct(&patrons, &pool))
    }

    fn date(&self, turn: usize) -> String {
        match self.spec.step {
            1 => format!("{}-{:02}", 2014 + turn / 12, 1 + turn % 12),
            2 => format!("{}", 2014 + turn),
            _ => format!("{}-Q{}", 2014 + turn / 4, 1 + turn % 4),
        }
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn conds(&self, conds: &[Cond], outcomes: usize) -> String {
        let v: Vec<String> = conds
            .iter()
            .map(|c| {
                let side = if c.above { "above" } else { "below" };
                format!(
                    "{{ metric = \"{}\", {side} = {} }}",
                    self.metric(&c.metric, outcomes),
                    self.num(&c.threshold, Dom::UNIT)
                )
            })
            .collect();
        format!("[{}]", v.join(", "))
    }
}

fn render(spec: &Spec) -> String {
    let n_orgs = spec.orgs.len().min(ORGS.len());
    let states: Vec<String> = STATES.iter().take(spec.states.len()).map(|s| s.to_string()).collect();
    let mut actors = states.clone();
    actors.extend(ORGS.iter().take(n_orgs).map(|s| s.to_string()));
    let vars: Vec<String> = VARS.iter().take(spec.vars.len()).map(|s| s.to_string()).collect();
    let mut r = Render {
        spec,
        actors,
        states,
        vars,
        issues: Vec::new(),
        kept: Vec::new(),
        sites: std::cell::Cell::new(0),
        dims: DIMS.iter().take(spec.dims).map(|s| s.to_string()).collect(),
        out: String::new(),
    };
    // Issues a clean case cannot make valid are left out, so names are settled first.
    let keep: Vec<bool> = spec
        .issues
        .iter()
        .map(|i| match i {
            IssueSpec::PublicGood { participants, .. } if r.clean() => {
                !r.vars.is_empty() && r.distinct(participants, &r.actors).len() >= 2
            }
            _ => true,
        })
        .collect();
    r.kept = (0..spec.issues.len()).filter(|i| keep[*i]).collect();
    r.issues = r.kept.iter().map(|i| format!("i{i}")).collect();
    let fault = if spec.clean { None } else { spec.fault };
    let outcomes = spec.outcomes.len();

    let dims = r.dims.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", ");
    if fault != Some(0) {
        r.line(format!("dimensions = [{dims}]"));
    }
    let (start, step) = match spec.step {
        1 => ("2014-01", "month"),
        2 => ("2014", "year"),
        3 if fault.is_some() => ("2014-Q1", "fortnight"),
        _ => ("2014-Q1", "quarter"),
    };
    let end = if fault == Some(1) { "2013-Q4".to_string() } else { r.date(spec.turns - 1) };
    r.line("[scenario]");
    r.line("name = \"Generated\"");
    r.line("description = \"A scenario built by the property tests.\"");
    r.line(format!("start = \"{start}\"\nend = \"{end}\"\nstep = \"{step}\""));
    r.line(if fault == Some(2) { "runs = \"many\"" } else { "runs = 3" });
    r.line("[model]");
    let window = if r.clean() { spec.window.clamp(1, 64) } else { spec.window };
    r.line(format!("cooperation_window = {window}"));
    if let Some(p) = &spec.model_trust {
        r.line(format!("trust = {}", r.param(p, Dom::UNIT)));
    }
    if let Some(p) = &spec.relaxation {
        r.line(format!("influence_relaxation = {}", r.param(p, Dom::UNIT)));
    }
    r.line("[defaults.behaviour]");
    for (k, p) in dedupe(r.clean(), &spec.defaults) {
        let (key, dom) = BEHAVIOUR[*k];
        r.line(format!("{key} = {}", r.param(p, dom)));
    }

    if fault != Some(3) {
        for (i, s) in spec.states.iter().enumerate() {
            let id = &r.states[i];
            r.line(format!("[actors.{id}]\nkind = \"state\""));
            r.line(format!("capability = {}", r.param(&s.capability, Dom::POSITIVE)));
            let interests: Vec<String> = s
                .interests
                .iter()
                .map(|(d, p)| {
                    let dim = if *d < r.dims.len() || r.clean() {
                        r.dims[d % r.dims.len()].clone()
                    } else {
                        "prestige".into()
                    };
                    format!("{dim} = {}", r.param(p, Dom::NON_NEG))
                })
                .collect();
            let interests = if r.clean() { dedupe_text(interests) } else { interests };
            r.line(format!("interests = {{ {} }}", interests.join(", ")));
            let behaviour: Vec<String> = dedupe(r.clean(), &s.behaviour)
                .map(|(k, p)| format!("{} = {}", BEHAVIOUR[*k].0, r.param(p, BEHAVIOUR[*k].1)))
                .collect();
            r.line(format!("behaviour = {{ {} }}", behaviour.join(", ")));
        }
    }
    for (i, o) in spec.orgs.iter().take(n_orgs).enumerate() {
        let id = ORGS[i];
        r.line(format!("[actors.{id}]\nkind = \"organization\""));
        let mut members = r.distinct(&o.members, &r.states);
        if let (Some(m), false) = (o.org_member, r.clean()) {
            members.push(r.actors[r.states.len() + m.idx % n_orgs].clone());
        }
        let quoted = |v: &[String]| v.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ");
        r.line(format!("members = [{}]", quoted(&members)));
        let rule = ["consensus", "weighted", "leader"][o.rule];
        r.line(format!("rule = \"{rule}\""));
        if o.rule == 2 || !r.clean() {
            let leader =
                if r.clean() { members[o.leader.idx % members.len()].clone() } else { r.name(o.leader, &r.states) };
            if o.rule == 2 || o.leader.typo {
                r.line(format!("leader = \"{leader}\""));
            }
        }
        if o.rule == 1 || !r.clean() {
            if let Some(t) = &o.threshold {
                r.line(format!("threshold = {}", r.num(t, Dom::UNIT)));
            }
            if let Some(v) = &o.veto {
                let veto = if r.clean() { r.distinct(v, &members) } else { r.distinct(v, &r.states) };
                r.line(format!("veto = [{}]", quoted(&veto)));
            }
        }
        if let Some(w) = &o.weights
            && (!r.clean() || w.len() >= members.len())
        {
            let pairs: Vec<String> =
                members.iter().zip(w).map(|(m, p)| format!("{m} = {}", r.param(p, Dom::NON_NEG))).collect();
            // All-zero weights cannot be normalised; a clean case gives the first a share.
            let pairs = if r.clean() && !pairs.is_empty() {
                let mut p = pairs;
                p[0] = format!("{} = 1.0", members[0]);
                p
            } else {
                pairs
            };
            r.line(format!("weights = {{ {} }}", pairs.join(", ")));
        }
        if let Some(c) = &o.capability {
            r.line(format!("capability = {}", r.param(c, Dom::POSITIVE)));
        }
        if let Some(p) = &o.pressure {
            r.line(format!("behaviour = {{ pressure = {} }}", r.param(p, Dom::NON_NEG)));
        }
    }

    r.line("[trust]");
    let mut pairs = Vec::new();
    for (a, b, p) in &spec.trust {
        let a = r.name(*a, &r.states);
        let b = r.name(*b, &r.actors);
        if r.clean() && (a == b || pairs.contains(&(a.clone(), b.clone()))) {
            continue;
        }
        pairs.push((a.clone(), b.clone()));
        let line = format!("{a}.{b} = {}", r.param(p, Dom::UNIT));
        r.line(line);
    }

    for (i, v) in spec.vars.iter().enumerate() {
        let (min, max) = RANGES[v.range];
        r.line(format!("[state.{}]", r.vars[i]));
        let (min, max) = if fault == Some(4) { (max, min) } else { (min, max) };
        r.line(format!("min = {}\nmax = {}", toml_f64(min), toml_f64(max)));
        let dom = Dom { lo: min, hi: max, positive: false };
        let initial = match v.initial {
            Num::Mid(u) => toml_f64(min + u * (max - min)),
            _ => r.num(&v.initial, dom),
        };
        r.line(format!("initial = {initial}"));
        let moves = v.target.is_some() || !v.drivers.is_empty();
        if let Some(t) = &v.target {
            r.line(format!("target = {}", r.param(t, Dom::REAL)));
        }
        match (&v.rate, r.clean()) {
            (Some(p), false) => r.line(format!("rate = {}", r.param(p, Dom::UNIT))),
            (Some(p), true) if moves => r.line(format!("rate = {}", r.param(p, Dom::UNIT))),
            (None, true) if moves => r.line("rate = 0.3"),
            _ => {}
        }
        let drivers: Vec<String> = v
            .drivers
            .iter()
            .map(|(m, p)| format!("\"{}\" = {}", r.metric(m, outcomes), r.param(p, Dom::REAL)))
            .collect();
        let drivers = if r.clean() { dedupe_text(drivers) } else { drivers };
        r.line(format!("drivers = {{ {} }}", drivers.join(", ")));
    }

    if let Some((_, shares)) = &spec.influence {
        let (client, patrons) = r.influence_rows();
        r.line(format!("[influence.{client}]"));
        for (i, (name, (_, p))) in patrons.iter().zip(shares).enumerate() {
            // A client's shares are normalised: a clean case keeps one of them positive.
            let share = if r.clean() && i == 0 { "0.5".into() } else { r.param(p, Dom::UNIT) };
            r.line(format!("{name} = {share}"));
        }
    }

    for (i, issue) in spec.issues.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let id = if fault == Some(5) && i == 0 { "0-issue".to_string() } else { format!("i{i}") };
        match issue {
            IssueSpec::Dyadic { sides, payoffs, gain, salience, on_mutual, active } => {
                let (a, b) = r.sides(*sides);
                r.line(format!("[issues.{id}]\nkind = \"dyadic\"\nsides = [\"{a}\", \"{b}\"]"));
                if !active {
                    r.line("active = false");
                }
                if let Some(g) = gain {
                    r.line(format!("influence_gain = {}", r.param(g, Dom::UNIT)));
                }
                if let Some((base, drivers)) = salience {
                    let d: Vec<String> = drivers
                        .iter()
                        .map(|(m, p)| format!("\"{}\" = {}", r.metric(m, outcomes), r.param(p, Dom::REAL)))
                        .collect();
                    let d = if r.clean() { dedupe_text(d) } else { d };
                    r.line(format!(
                        "salience = {{ base = {}, drivers = {{ {} }} }}",
                        r.num(base, Dom::NON_NEG),
                        d.join(", ")
                    ));
                }
                if let Some((var, p)) = on_mutual
                    && (!r.clean() || !r.vars.is_empty())
                {
                    r.line(format!(
                        "on_mutual = {{ \"state.{}\" = {} }}",
                        r.name(*var, &r.vars),
                        r.param(p, Dom::REAL)
                    ));
                }
                let mut tables: Vec<(String, Vec<String>)> = Vec::new();
                let mut seen = Vec::new();
                for (side, dim, values) in payoffs {
                    let side = if *side { &b } else { &a };
                    let dim = &r.dims[dim % r.dims.len()];
                    if r.clean() && seen.contains(&(side.clone(), dim.clone())) {
                        continue;
                    }
                    seen.push((side.clone(), dim.clone()));
                    let entries: Vec<String> = ["reward", "sucker", "temptation", "punishment"]
                        .iter()
                        .zip(values)
                        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", r.num(v, Dom::REAL))))
                        .collect();
                    let line = format!("{dim} = {{ {} }}", entries.join(", "));
                    match tables.iter_mut().find(|(s, _)| s == side) {
                        Some((_, lines)) => lines.push(line),
                        None => tables.push((side.clone(), vec![line])),
                    }
                }
                if tables.is_empty() && r.clean() {
                    tables.push((a.clone(), vec![format!("{} = {{ reward = 1.0 }}", r.dims[0])]));
                }
                for (side, lines) in tables {
                    r.line(format!("[issues.{id}.payoffs.{side}]"));
                    for l in lines {
                        r.line(l);
                    }
                }
            }
            IssueSpec::PublicGood { participants, threat, efficacy, harm, exposure, drop_exposure, cost, reach } => {
                let parts = r.distinct(participants, &r.actors);
                let quoted: Vec<String> = parts.iter().map(|p| format!("\"{p}\"")).collect();
                r.line(format!("[issues.{id}]\nkind = \"public_good\"\nparticipants = [{}]", quoted.join(", ")));
                r.line(format!("threat = \"{}\"", r.name(*threat, &r.vars)));
                r.line(format!("efficacy = {}", r.param(efficacy, Dom::NON_NEG)));
                r.line(format!("harm_dimension = \"{}\"", r.name(*harm, &r.dims)));
                let skip = if *drop_exposure && !r.clean() { 0 } else { usize::MAX };
                let ex: Vec<String> = parts
                    .iter()
                    .zip(exposure.iter().cycle())
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, (p, e))| format!("{p} = {}", r.param(e, Dom::NON_NEG)))
                    .collect();
                r.line(format!("exposure = {{ {} }}", ex.join(", ")));
                let costs: Vec<String> = cost
                    .iter()
                    .map(|(d, p)| format!("{} = {}", r.dims[d % r.dims.len()], r.param(p, Dom::REAL)))
                    .collect();
                let costs = if r.clean() { dedupe_text(costs) } else { costs };
                r.line(format!("cost = {{ {} }}", costs.join(", ")));
                if let Some(p) = reach {
                    r.line(format!("reach = {{ {} = {} }}", parts[0], r.param(p, Dom::NON_NEG)));
                }
            }
        }
    }

    for (i, e) in spec.events.iter().enumerate() {
        let effects: Vec<String> = e
            .effects
            .iter()
            .map(|ef| {
                let (target, set_dom) = match ef.target {
                    0 if !r.vars.is_empty() => (format!("state.{}", r.name(ef.a, &r.vars)), Dom::REAL),
                    2 if spec.influence.is_some() => {
                        let (client, patrons) = r.influence_rows();
                        (format!("influence.{client}.{}", r.name(ef.b, &patrons)), Dom::UNIT)
                    }
                    3 if !r.issues.is_empty() => (format!("issues.{}.active", r.name(ef.a, &r.issues)), Dom::UNIT),
                    4 => (
                        format!("actors.{}.behaviour.error", r.name(ef.a, &r.states)),
                        Dom { lo: 0.0, hi: 0.5, positive: false },
                    ),
                    _ => {
                        let a = r.name(ef.a, &r.states);
                        let others: Vec<String> = r.actors.iter().filter(|x| **x != a).cloned().collect();
                        (format!("trust.{a}.{}", r.name(ef.b, &others)), Dom::UNIT)
                    }
                };
                let (op, dom) = match ef.op {
                    0 => ("set", set_dom),
                    1 => ("add", Dom::REAL),
                    _ => ("scale", Dom::NON_NEG),
                };
                format!("{{ target = \"{target}\", {op} = {} }}", r.param(&ef.amount, dom))
            })
            .collect();
        if effects.is_empty() && r.clean() {
            continue;
        }
        r.line(format!("[events.e{i}]"));
        match e.at {
            Some(t) => {
                let t = if r.clean() { t % spec.turns } else { t };
                r.line(format!("at = \"{}\"", r.date(t)));
                if e.repeat && !r.clean() {
                    r.line("repeat = true");
                }
            }
            None => {
                r.line(format!("hazard = {}", r.param(&e.hazard, Dom::UNIT)));
                r.line(format!("repeat = {}", e.repeat));
            }
        }
        if !e.when.is_empty() {
            r.line(format!("when = {}", r.conds(&e.when, outcomes)));
        }
        r.line(format!("effects = [{}]", effects.join(", ")));
    }

    for (i, o) in spec.outcomes.iter().enumerate() {
        if o.when.is_empty() && r.clean() {
            r.line(format!(
                "[outcomes.o{i}]\nwhen = [{{ metric = \"trust.{}.{}\", above = 0.5 }}]",
                r.states[0], r.states[1]
            ));
            continue;
        }
        r.line(format!("[outcomes.o{i}]\nlabel = \"Outcome {i}\"\nwhen = {}", r.conds(&o.when, outcomes)));
        if let Some(n) = o.for_turns {
            r.line(format!("for = {}", if r.clean() { n.max(1) } else { n }));
        }
    }

    match fault {
        Some(6) => r.out.push_str("\n[actors.russia]\nkind = \"state\"\ncapability = 1\n"),
        Some(7) => r.out.push_str("\n[[[ \u{0} junk \u{fffd}"),
        _ => {}
    }
    r.out
}

/// Entries with distinct keys in a clean case (a repeated key is a TOML error).
fn dedupe<T>(clean: bool, v: &[(usize, T)]) -> impl Iterator<Item = (&usize, &T)> {
    let mut seen = Vec::new();
    v.iter().map(|(k, t)| (k, t)).filter(move |(k, _)| {
        let fresh = !clean || !seen.contains(*k);
        seen.push(**k);
        fresh
    })
}

fn dedupe_text(v: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    v.into_iter()
        .filter(|l| {
            let key = l.split(" = ").next().unwrap_or_default().to_string();
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        })
        .collect()
}

/// Plays runs of a valid scenario and checks everything that could reach an output.
fn check_runs(sc: &Scenario, text: &str) -> Result<(), TestCaseError> {
    let names = |m: &Metric| sc.metric_path(m);
    for run in 0..2 {
        let mut sim = Simulation::new(sc, 7, run);
        while !sim.is_done() {
            sim.step();
            for m in &sc.series {
                let x = sim.metric(m);
                prop_assert!(x.is_finite(), "{} = {x} in\n{text}", names(m));
                match *m {
                    Metric::State(v) => {
                        let (lo, hi) = (sc.state[v].min, sc.state[v].max);
                        prop_assert!(x >= lo && x <= hi, "{} = {x} outside [{lo}, {hi}]\n{text}", names(m));
                    }
                    _ => prop_assert!((0.0..=1.0).contains(&x), "{} = {x} outside [0, 1]\n{text}", names(m)),
                }
            }
        }
        let st = sim.state();
        for (what, xs) in [("trust", &st.trust), ("trust baseline", &st.trust_baseline), ("influence", &st.influence)] {
            prop_assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)), "{what} {xs:?} outside [0, 1]\n{text}");
        }
        prop_assert!(
            st.vars.iter().chain(&st.utility).all(|x| x.is_finite()),
            "{:?} {:?}\n{text}",
            st.vars,
            st.utility
        );
        for (id, p) in sc.params.iter() {
            let x = sim.values().get(id);
            prop_assert!(p.domain.contains(x), "{} = {x} outside {:?}\n{text}", p.path, p.domain);
        }
    }
    // Through the Monte Carlo: the aggregates and records written to the result files.
    let mut records = Vec::new();
    let summary = montecarlo::run(
        sc,
        Plan { seed: 1, first_run: 0, runs: 3 },
        |batch| {
            records.extend_from_slice(batch);
            Ok::<_, ()>(())
        },
        &|_| {},
    )
    .expect("the sink never fails");
    for (i, m) in sc.series.iter().enumerate() {
        let (lo, hi) = montecarlo::metric_range(sc, m);
        for t in 0..sc.calendar.turns() {
            for x in
                [summary.series.mean(i, t), summary.series.quantile(i, t, 0.05), summary.series.quantile(i, t, 0.95)]
            {
                let slack = 1e-9 * (hi - lo);
                prop_assert!(x.is_finite() && x >= lo - slack && x <= hi + slack, "{} = {x}\n{text}", names(m));
            }
        }
    }
    for r in &records {
        let all = r.sampled.iter().chain(&r.finals).chain(&r.utility);
        prop_assert!(all.clone().all(|x| x.is_finite()), "run {} record {r:?}\n{text}", r.run);
    }
    Ok(())
}

/// Any generated text validates or is rejected with located diagnostics (never a panic), and
/// every valid one runs cleanly. Clean cases must validate: the generator's idea of the format
/// is the documented one, so a clean case rejected is a bug in one of the two.
#[test]
fn generated_scenarios_validate_or_fail_located_and_valid_ones_run_cleanly() {
    let mut runner = TestRunner::new(config());
    let counts = std::cell::RefCell::new([0u32; 4]);
    runner
        .run(&spec(), |spec| {
            let text = render(&spec);
            match Scenario::parse_with(&text, "generated.toml", &mut |_: &Path| Err(std::io::Error::other("no files")))
            {
                Ok(sc) => {
                    counts.borrow_mut()[usize::from(spec.clean)] += 1;
                    check_runs(&sc, &text)?;
                }
                Err(e) => {
                    counts.borrow_mut()[2 + usize::from(spec.clean)] += 1;
                    let d = e.diagnostics();
                    prop_assert!(!spec.clean, "a clean case was rejected:\n{e}\n---\n{text}");
                    prop_assert!(!d.is_empty(), "no diagnostics for\n{text}");
                    prop_assert!(d.iter().all(|d| d.location.is_some()), "no location in\n{e}\n---\n{text}");
                    for d in d {
                        // A number is shown as a person reads it, not as 309 digits of 1e308.
                        let digits = d.message.split(|c: char| !c.is_ascii_digit()).map(str::len).max();
                        prop_assert!(digits.unwrap_or(0) <= 20, "unreadable message: {}", d.message);
                        if let Some(loc) = &d.location {
                            prop_assert!(loc.line >= 1 && loc.column >= 1, "{d:?}");
                            prop_assert!(loc.line <= text.lines().count().max(1), "{d:?} past the end of\n{text}");
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    let [hostile_valid, clean_valid, hostile_rejected, _] = *counts.borrow();
    eprintln!("generated: {clean_valid} clean, {hostile_valid} hostile but valid, {hostile_rejected} rejected");
    assert!(clean_valid >= CASES / 4 && hostile_rejected >= CASES / 8, "{:?}", counts.borrow());
}

/// Found by the property above: an organization's trust is its members' weighted mean, and
/// weights normalised from capabilities 0.1, 0.4 and 0.1 sum to 1.0000000000000002, so full
/// trust came out above 1.
#[test]
fn organization_trust_never_exceeds_one_by_rounding() {
    let text = r#"
dimensions = ["security"]
[scenario]
name = "Rounding"
description = "Three members whose normalised weights do not sum to exactly 1."
start = "2014-Q1"
end = "2014-Q4"
step = "quarter"
[model]
trust = 1.0
[actors.a]
kind = "state"
capability = 0.1
[actors.b]
kind = "state"
capability = 0.4
[actors.c]
kind = "state"
capability = 0.1
[actors.club]
kind = "organization"
members = ["a", "b", "c"]
rule = "consensus"
[actors.d]
kind = "state"
capability = 1
"#;
    let sc = Scenario::parse(text, "rounding.toml").unwrap();
    let mut sim = Simulation::new(&sc, 0, 0);
    let club_in_d = sc.metric("trust.club.d").unwrap();
    assert_eq!(sim.metric(&club_in_d), 1.0);
    sim.run_to_end();
    assert!(sim.state().trust.iter().chain(&sim.state().trust_baseline).all(|t| (0.0..=1.0).contains(t)));
}

/// Found by the property above: `1e308` was shown as 309 digits.
#[test]
fn huge_numbers_in_messages_are_written_short() {
    let tiny = std::fs::read_to_string(fixture("tiny.toml")).unwrap();
    let message = |from: &str, to: &str| {
        let e = Scenario::parse(&tiny.replace(from, to), "huge.toml").unwrap_err();
        e.diagnostics()[0].message.clone()
    };
    assert_eq!(message("trust = 0.5", "trust = -1e308"), "out of range: got -1e308");
    assert_eq!(
        message("low = 0.04, high = 0.06", "low = 1e300, high = 0.06"),
        "uniform needs low < high, got low = 1e300, high = 0.06"
    );
    assert_eq!(
        message("min = 0\nmax = 1\ntarget", "min = 2e200\nmax = 1\ntarget"),
        "the range [2e200, 1] is empty or not finite"
    );
}

/// Found by the property above: a valid scenario that records no series (no issue, no state
/// variable, no trust pair that deals) made every worker panic ("chunk size must be non-zero").
#[test]
fn a_scenario_that_records_no_series_runs_to_the_end() {
    let text = r#"
dimensions = ["security"]
[scenario]
name = "Quiet"
description = "Two states with nothing to decide."
start = "2014-Q1"
end = "2014-Q4"
step = "quarter"
[actors.a]
kind = "state"
capability = 1
[actors.b]
kind = "state"
capability = 1
"#;
    let sc = Scenario::parse(text, "quiet.toml").unwrap();
    assert!(sc.series.is_empty());
    let summary = montecarlo::run(&sc, Plan { seed: 0, first_run: 0, runs: 3 }, |_| Ok::<_, ()>(()), &|_| {}).unwrap();
    assert_eq!(summary.runs, 3);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("quiet.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(["run", file.to_str().unwrap(), "--runs", "3", "--out", out.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(out.join("series.csv")).unwrap(), "date,variable,subject,mean,p05,p50,p95\n");
}

// ------------------------------------------------------------- the catalogue, completed
//
// Hostile scenario files that `errors.rs` does not cover: each is rejected with every
// diagnostic located.

fn tiny_text() -> String {
    std::fs::read_to_string(fixture("tiny.toml")).unwrap()
}

/// The diagnostics of a text that must be rejected; each is located.
fn located_errors(
    text: &str,
    read: &mut heartland::scenario::inherit::Reader<'_>,
) -> Vec<heartland::scenario::Diagnostic> {
    let e = Scenario::parse_with(text, "hostile.toml", read).expect_err("must be rejected");
    let d = e.diagnostics().to_vec();
    assert!(!d.is_empty() && d.iter().all(|d| d.location.is_some()), "{e}");
    d
}

fn no_files(_: &Path) -> std::io::Result<String> {
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
}

#[test]
fn duplicate_actors_and_missing_sections_are_located() {
    let tiny = tiny_text();
    // TOML itself refuses a second [actors.china]: the second header is pointed at.
    let twice = tiny.replacen("[actors.usa]", "[actors.china]", 1);
    let d = located_errors(&twice, &mut no_files);
    assert_eq!(d[0].message, "duplicate key");
    let loc = d[0].location.as_ref().unwrap();
    let second = twice.lines().enumerate().filter(|(_, l)| *l == "[actors.china]").nth(1).unwrap().0 + 1;
    assert_eq!(loc.line, second, "{d:?}");
    assert_eq!(loc.text, "[actors.china]");
    // A table without [actors], [scenario] or `dimensions`; an empty file; only comments.
    let no_actors = tiny[..tiny.find("[actors.russia]").unwrap()].to_string();
    let no_scenario = tiny.replace("[scenario]", "[scenery]");
    for (text, what) in [
        (no_actors.as_str(), "missing field `actors`"),
        (&tiny.replacen("dimensions = [", "# dimensions = [", 1), "missing field `dimensions`"),
        (&no_scenario, "unknown field `scenery`"),
        ("", "missing field `scenario`"),
        ("# nothing but a comment\n", "missing field `scenario`"),
    ] {
        let d = located_errors(text, &mut no_files);
        assert!(d[0].message.contains(what), "{what}: {d:?}");
    }
    // An organization inside another organization.
    let d = located_errors(&tiny.replace("members = [\"usa\"]", "members = [\"usa\", \"csto\"]"), &mut no_files);
    assert_eq!(d[0].key, "actors.nato.members[1]");
    assert!(d[0].message.contains("is an organization; members must be states"), "{d:?}");
    // Absurd default run counts in the file.
    for runs in ["0", "99999999999", "-1"] {
        let d = located_errors(&tiny.replace("runs = 200", &format!("runs = {runs}")), &mut no_files);
        assert!(d[0].location.as_ref().unwrap().text.starts_with("runs ="), "{runs}: {d:?}");
    }
}

#[test]
fn scenarios_extending_themselves_or_a_missing_file_are_located() {
    let extending =
        |base: &str| tiny_text().replacen("[scenario]\n", &format!("[scenario]\nextends = \"{base}\"\n"), 1);
    // Directly: the file extends itself.
    let me = extending("self_extending.toml");
    let d = located_errors(&me, &mut |_: &Path| Ok(me.clone()));
    assert_eq!(d[0].key, "scenario.extends");
    assert!(d[0].message.starts_with("scenarios extend each other in a cycle"), "{d:?}");
    let line = me.lines().position(|l| l.starts_with("extends")).unwrap() + 1;
    assert_eq!(d[0].location.as_ref().unwrap().line, line);
    // Through another file: a → b → a, reported in b where the loop closes.
    let a = extending("b.toml");
    let b = tiny_text().replacen("[scenario]\n", "[scenario]\nextends = \"hostile.toml\"\n", 1);
    let d = located_errors(&a, &mut |p: &Path| Ok(if p.ends_with("b.toml") { b.clone() } else { a.clone() }));
    assert!(d[0].message.contains("cycle"), "{d:?}");
    assert_eq!(d[0].location.as_ref().unwrap().file.as_deref(), Some("b.toml"));
    // A base that does not exist.
    let d = located_errors(&extending("no_such_base.toml"), &mut no_files);
    assert!(d[0].message.starts_with("cannot read the base scenario no_such_base.toml"), "{d:?}");
}

// ------------------------------------------------------------------- through the binary
//
// Hostile command lines and output locations: bad input exits with 2, an output that cannot
// be written with 1, each with a clear message, and no result file is created or clobbered.

fn heartland_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(cwd).output().unwrap()
}

fn heartland(args: &[&str]) -> Output {
    heartland_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Files by path relative to their folder, with their bytes.
type Files = std::collections::BTreeMap<PathBuf, Vec<u8>>;

/// Every file under `dir` (hidden ones included).
fn files_under(dir: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = Files::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// An output directory holding the result set of an earlier run (contents that any write
/// would change).
fn earlier_results(dir: &Path) -> Files {
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    for f in ["runs.csv", "series.csv", "outcomes.csv", "manifest.json", "report.html", "charts/state.svg"] {
        std::fs::write(dir.join(f), format!("earlier {f}\n")).unwrap();
    }
    files_under(dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn absurd_counts_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    let (tiny, sweep, o) = (fixture("tiny.toml"), fixture("tiny_sweep.toml"), out.to_str().unwrap());
    let (tiny, sweep) = (tiny.to_str().unwrap(), sweep.to_str().unwrap());
    for (args, says) in [
        (vec!["run", tiny, "--runs", "99999999999", "--out", o], "99999999999 is not in 1..=1000000000"),
        (vec!["run", tiny, "--runs", "-5", "--out", o], "unexpected argument '-5'"),
        (vec!["run", tiny, "--runs", "lots", "--out", o], "invalid digit"),
        (vec!["run", tiny, "--threads", "0", "--out", o], "0 is not in 1..=1024"),
        (vec!["run", tiny, "--threads", "100000", "--out", o], "100000 is not in 1..=1024"),
        (vec!["sweep", sweep, "--threads", "0", "--out", o], "0 is not in 1..=1024"),
        (vec!["compare", tiny, tiny, "--runs", "0"], "0 is not in 1..=1000000000"),
        (vec!["compare", tiny, tiny, "--runs", "99999999999"], "99999999999 is not in 1..=1000000000"),
    ] {
        let o = heartland(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(files_under(&out), earlier, "the earlier results were touched");
}

#[test]
fn an_output_path_under_a_file_is_an_io_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "keep me").unwrap();
    let tiny = fixture("tiny.toml");
    let sweep = fixture("tiny_sweep.toml");
    let under = file.join("results");
    for command in ["run", "sweep"] {
        let input = if command == "run" { &tiny } else { &sweep };
        let o = heartland(&[command, input.to_str().unwrap(), "--out", under.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("cannot write {}", under.display())), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A directory the user cannot write to. Tests often run as root, which permission bits do not
/// stop: then the binary is run as `nobody` (uid 65534), for whom they hold. Where neither is
/// possible the check is skipped with a note rather than faked.
#[test]
fn an_output_directory_that_is_not_writable_is_an_io_error_and_stays_as_it_was() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tiny = dir.path().join("tiny.toml");
    std::fs::copy(fixture("tiny.toml"), &tiny).unwrap();
    std::fs::set_permissions(&tiny, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    for d in [out.clone(), out.join("charts")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let root = std::fs::metadata(&tiny).unwrap().uid() == 0; // the owner of a file we just made
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heartland"));
    cmd.args(["run", tiny.to_str().unwrap(), "--runs", "5", "--out", out.to_str().unwrap()]).current_dir(dir.path());
    if root {
        cmd.uid(65534).gid(65534);
    } else if std::fs::File::create(out.join(".probe")).is_ok() {
        eprintln!("skipped: permission bits do not stop this user from writing");
        return;
    }
    let o = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipped: cannot run the binary as an unprivileged user: {e}");
            return;
        }
    };
    if o.status.code() == Some(2) && stderr(&o).contains("tiny.toml") {
        eprintln!("skipped: the unprivileged user cannot read the scenario: {}", stderr(&o));
        return;
    }
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write") && stderr(&o).contains("Permission denied"), "{}", stderr(&o));
    for d in [out.clone(), out.join("charts")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(files_under(&out), earlier);
}

#[test]
fn a_sweep_whose_scenario_is_missing_or_elsewhere_is_located_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("sweeps");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
    std::fs::write(dir.path().join("elsewhere/notes.txt"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    let sweep = std::fs::read_to_string(fixture("tiny_sweep.toml")).unwrap();
    for (target, says) in [
        ("no_such_scenario.toml", "cannot read the scenario"),
        ("../elsewhere", "cannot read the scenario"),
        ("../elsewhere/notes.txt", "notes.txt:1:"),
        ("../../../../../../../../../../no/such/place.toml", "cannot read the scenario"),
    ] {
        let file = inputs.join("sweep.toml");
        std::fs::write(&file, sweep.replace("scenario = \"tiny.toml\"", &format!("scenario = \"{target}\""))).unwrap();
        let o = heartland(&["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(says), "{target}: {err}");
        if says == "cannot read the scenario" {
            assert!(err.contains("sweep.toml:4:12") && err.contains("key: sweep.scenario"), "{err}");
        }
    }
    assert_eq!(files_under(&out), earlier);
}

/// A scenario's `name` never becomes a path: the default output folder is named after the
/// file, so a hostile name cannot send results outside `outputs/`.
#[test]
fn a_scenario_name_cannot_steer_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let text = tiny_text().replace("name = \"Tiny\"", "name = \"../../../escaped\"");
    std::fs::write(work.join("evil.toml"), text).unwrap();
    let o = heartland_in(&work, &["run", "evil.toml", "--runs", "3", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(work.join("outputs/evil/manifest.json").is_file());
    let mut top: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    top.sort();
    assert_eq!(top, ["work"]);
    let mut inside: Vec<_> = std::fs::read_dir(&work).unwrap().map(|e| e.unwrap().file_name()).collect();
    inside.sort();
    assert_eq!(inside, ["evil.toml", "outputs"]);
}

// ------------------------------------------------------------------------ kill -9
//
// `run` and `sweep` killed with SIGKILL at fixed pseudo-random moments into a folder holding
// earlier results: every result file stays whole (the earlier one or the new one, never half
// of one), and a re-run finishes the job and leaves no temporaries.

/// Five moments from 50 ms to 1.5 s, the same on every run of the suite.
fn kill_delays() -> Vec<Duration> {
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    (0..5)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(50 + x % 1450)
        })
        .collect()
}

/// Starts the binary, kills it with SIGKILL after `delay` and reaps it.
fn kill_after(args: &[&str], delay: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL on Unix; an error only means it had already finished
    child.wait().unwrap();
}

fn visible(files: &Files) -> Files {
    files
        .iter()
        .filter(|(p, _)| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

fn temporaries(files: &Files) -> Vec<&PathBuf> {
    files.keys().filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".tmp")).collect()
}

/// The CSV's rows, each with as many fields as the header; panics on a malformed or ragged file.
fn csv_rows(bytes: &[u8], what: &str) -> Vec<csv::StringRecord> {
    assert!(bytes.ends_with(b"\n"), "{what} does not end with a newline");
    let mut r = csv::Reader::from_reader(bytes);
    let width = r.headers().unwrap_or_else(|e| panic!("{what}: {e}")).len();
    let rows: Vec<_> = r.records().map(|row| row.unwrap_or_else(|e| panic!("{what}: {e}"))).collect();
    assert!(rows.iter().all(|row| row.len() == width), "{what} has ragged rows");
    rows
}

fn manifest_runs(bytes: &[u8]) -> u64 {
    let m: serde_json::Value = serde_json::from_slice(bytes).expect("manifest.json parses");
    m["runs"].as_u64().expect("manifest.json names its runs")
}

/// A file as compared between two runs of the same job: without the wall time (and thread
/// count) that the manifest and the report state.
fn comparable(path: &Path, bytes: &[u8]) -> Vec<u8> {
    match path.file_name().unwrap().to_str().unwrap() {
        "manifest.json" => {
            let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            m["wall_seconds"] = 0.into();
            m["threads"] = 0.into();
            m.to_string().into_bytes()
        }
        "report.html" => String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| !l.contains("wall time"))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Every visible file is whole: the CSVs parse with full rows, the manifest parses, the charts
/// and the page end as they should.
fn assert_whole(files: &Files) {
    for (path, bytes) in files {
        let what = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                csv_rows(bytes, &what);
            }
            Some("json") => {
                serde_json::from_slice::<serde_json::Value>(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            }
            Some("png") => {
                assert!(bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]), "{what}")
            }
            Some("svg") => assert!(bytes.ends_with(b"</svg>\n"), "{what}"),
            Some("html") => assert!(bytes.ends_with(b"</html>\n"), "{what}"),
            _ => panic!("unexpected file {what}"),
        }
    }
}

/// Kills `args` at each of [`kill_delays`] in `out`, which holds the complete results
/// `earlier`; checks each time that every visible file is whole and `consistent`; then re-runs
/// to the end and checks that every file seen between kills was the earlier complete version or
/// the final one, and that no temporary is left.
fn kill_and_rerun(args: &[&str], out: &Path, earlier: &Files, consistent: impl Fn(&Files)) {
    let mut seen = Vec::new();
    for delay in kill_delays() {
        kill_after(args, delay);
        let files = visible(&files_under(out));
        assert_eq!(files.keys().collect::<Vec<_>>(), earlier.keys().collect::<Vec<_>>(), "after {delay:?}");
        assert_whole(&files);
        consistent(&files);
        seen.push((delay, files));
    }
    let o = heartland(args);
    assert!(o.status.success(), "{}", stderr(&o));
    let last = files_under(out);
    assert!(temporaries(&last).is_empty(), "left behind: {:?}", temporaries(&last));
    assert_whole(&last);
    consistent(&last);
    let mut changed = 0;
    for (delay, files) in &seen {
        for (path, bytes) in files {
            let now = comparable(path, bytes);
            let (before, after) = (comparable(path, &earlier[path]), comparable(path, &last[path]));
            assert!(
                now == before || now == after,
                "{} after a kill at {delay:?} is neither the earlier nor the final one",
                path.display()
            );
            changed += usize::from(now != before);
        }
    }
    eprintln!("{}: {changed} files replaced across {} kills", args[0], seen.len());
}

#[test]
fn run_killed_at_random_moments_never_leaves_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let tiny = fixture("tiny.toml");
    let (tiny, o) = (tiny.to_str().unwrap(), out.to_str().unwrap());
    let first = heartland(&["run", tiny, "--runs", "40", "--out", o, "-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let earlier = files_under(&out);
    // In a debug build on two cores, 1500 runs take about half a second and drawing the
    // charts about two more, so the kills land while runs are played, after the tables are
    // renamed into place, and while the charts are drawn.
    let args = ["run", tiny, "--runs", "1500", "--threads", "2", "--out", o, "-q"];
    kill_and_rerun(&args, &out, &earlier, |files| {
        let runs = manifest_runs(&files[Path::new("manifest.json")]);
        let rows = csv_rows(&files[Path::new("runs.csv")], "runs.csv");
        assert!(runs == 40 || runs == 1500, "manifest says {runs} runs");
        assert!(rows.len() == 40 || rows.len() == 1500, "runs.csv has {} rows", rows.len());
        assert!(rows.iter().enumerate().all(|(i, r)| r[0] == i.to_string()), "runs.csv skips a run");
        // The manifest is written last: a new one means every table is new.
        if runs == 1500 {
            assert_eq!(rows.len(), 1500);
        }
        let outcomes = csv_rows(&files[Path::new("outcomes.csv")], "outcomes.csv");
        assert!(outcomes.iter().all(|r| r[2] == *"40" || r[2] == *"1500"), "{outcomes:?}");
        if runs == 1500 {
            assert!(outcomes.iter().all(|r| r[2] == *"1500"), "{outcomes:?}");
        }
    });
}

#[test]
fn sweep_killed_at_random_moments_never_leaves_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tiny.toml"), dir.path().join("tiny.toml")).unwrap();
    let text = std::fs::read_to_string(fixture("tiny_sweep.toml")).unwrap();
    assert!(text.contains("replications = 12"));
    let (small, big) = (dir.path().join("small.toml"), dir.path().join("big.toml"));
    std::fs::write(&small, &text).unwrap();
    // 6 points × 500 runs: points.csv after about 0.7 s in a debug build, charts by 1.4 s.
    std::fs::write(&big, text.replace("replications = 12", "replications = 500")).unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let first = heartland(&["sweep", small.to_str().unwrap(), "--out", o, "-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let earlier = files_under(&out);
    let args = ["sweep", big.to_str().unwrap(), "--threads", "2", "--out", o, "-q"];
    kill_and_rerun(&args, &out, &earlier, |files| {
        let runs = manifest_runs(&files[Path::new("manifest.json")]);
        assert!(runs == 72 || runs == 3000, "manifest says {runs} runs");
        assert_eq!(csv_rows(&files[Path::new("points.csv")], "points.csv").len(), 6);
    });
}

/// Found while writing the kill tests: a run killed while writing its charts left
/// `charts/.NAME.PID.tmp` files that no later run removed (only the output folder itself was
/// cleaned).
#[test]
fn stale_temporaries_are_removed_from_the_chart_folder_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    for f in [".runs.csv.4242.tmp", "charts/.trust.png.4242.tmp"] {
        std::fs::write(out.join(f), "half a file").unwrap();
    }
    let o = heartland(&[
        "run",
        fixture("tiny.toml").to_str().unwrap(),
        "--runs",
        "5",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = files_under(&out);
    assert!(temporaries(&files).is_empty(), "{:?}", temporaries(&files));
}

// ------------------------------------------------------------------------- memory

/// Records are handed to the sink a batch at a time, and no run of the next batch starts
/// before the sink has taken the current one: however many runs, at most one batch of
/// records (1024, `montecarlo::BATCH`) is alive. Peak memory of whole runs is measured by
/// hand (docs/PERFORMANCE.md).
#[test]
fn the_monte_carlo_holds_at_most_one_batch_of_records() {
    let text = tiny_text().replace("end = \"2018-Q4\"", "end = \"2014-Q4\"");
    let sc = Scenario::parse(&text, "short.toml").unwrap();
    let finished = std::sync::atomic::AtomicU64::new(0);
    let mut next = 0;
    let mut batches = 0;
    let summary = montecarlo::run(
        &sc,
        Plan { seed: 3, first_run: 0, runs: 2500 },
        |batch| {
            assert!(!batch.is_empty() && batch.len() <= 1024, "a batch of {}", batch.len());
            assert!(batch.iter().enumerate().all(|(i, r)| r.run == next + i as u64), "records out of order");
            next += batch.len() as u64;
            // Every run finished so far is in this batch or an earlier one: none ran ahead.
            assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), next);
            batches += 1;
            Ok::<_, ()>(())
        },
        &|n| {
            finished.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
        },
    )
    .unwrap();
    assert_eq!((next, batches, summary.runs), (2500, 3, 2500));
}
