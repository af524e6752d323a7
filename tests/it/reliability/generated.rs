//! Generated scenarios. A generator builds scenario texts from small random structures: a
//! few states and organizations, interests and behaviour with values in and out of range
//! (non-finite included), dyadic issues and public goods naming existing or misspelt actors,
//! state variables, events, outcomes and distributions. Half the cases are clean (valid by
//! construction); the others carry faults. The property runs a fixed number of cases from a
//! fixed seed, so CI is reproducible and the suite stays fast in a debug build (under a
//! second). To explore further, set `PROPTEST_CASES` and `PROPTEST_RNG_SEED` (any number):
//!
//!     PROPTEST_CASES=100000 PROPTEST_RNG_SEED=$RANDOM cargo test --release --test it reliability::generated

mod render;

use std::path::Path;

use heartland::Scenario;
use heartland::model::metric::Metric;
use heartland::montecarlo::{self, Plan};
use heartland::simulation::Simulation;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};

use self::render::render;
use crate::fixture;

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
    assert_eq!(
        std::fs::read_to_string(out.join("series.csv")).unwrap(),
        "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n"
    );
}
