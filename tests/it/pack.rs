//! The scenario pack: every shipped scenario validates, runs and is sourced, and the
//! documents' qualitative claims hold as comparative statics between the variants and the
//! baseline.
//!
//! Each comparison runs both scenarios on the same 300 (seed, run) streams (common random
//! numbers) and tests the paired difference of a per-run mean: it must have the expected sign
//! and lie more than 3 standard errors from 0.

use heartland::Scenario;
use heartland::scenario::{shipped, sources};
use heartland::simulation::Simulation;
use rayon::prelude::*;

const RUNS: u64 = 300;
const SEED: u64 = 7;

/// A shipped scenario, as the binary runs it: from the copy compiled into the library (the
/// registry's own test checks that it is byte for byte the file in `scenarios/`).
fn shipped(name: &str) -> Scenario {
    Scenario::shipped(name).expect("a shipped name").unwrap()
}

/// Per run: the mean over turns of the mean of `metrics`.
fn per_run(sc: &Scenario, metrics: &[&str], run: u64) -> f64 {
    let ms: Vec<_> = metrics.iter().map(|m| sc.metric(m).unwrap_or_else(|| panic!("no metric {m}"))).collect();
    let mut sim = Simulation::new(sc, SEED, run);
    let mut total = 0.0;
    while !sim.is_done() {
        sim.step();
        total += ms.iter().map(|m| sim.metric(m)).sum::<f64>() / ms.len() as f64;
    }
    total / sc.calendar.turns() as f64
}

/// Mean paired difference variant − base, and its standard error.
fn paired(base: &Scenario, variant: &Scenario, metrics: &[&str]) -> (f64, f64) {
    let d: Vec<f64> =
        (0..RUNS).into_par_iter().map(|r| per_run(variant, metrics, r) - per_run(base, metrics, r)).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn assert_higher(base: &Scenario, variant: &Scenario, metrics: &[&str]) {
    let (d, se) = paired(base, variant, metrics);
    assert!(d > 3.0 * se, "{} vs {} on {metrics:?}: difference {d:.4} ± {se:.4}", variant.name, base.name);
}

fn assert_lower(base: &Scenario, variant: &Scenario, metrics: &[&str]) {
    let (d, se) = paired(base, variant, metrics);
    assert!(d < -3.0 * se, "{} vs {} on {metrics:?}: difference {d:.4} ± {se:.4}", variant.name, base.name);
}

#[test]
fn every_shipped_scenario_validates_runs_and_is_sourced() {
    let names: Vec<&str> = shipped::SCENARIOS.iter().map(|s| s.name).collect();
    assert!(names.len() >= 7, "{names:?}");
    for f in names {
        let sc = Scenario::shipped(f).unwrap().unwrap_or_else(|e| panic!("{e}"));
        assert!(sc.question.is_some(), "{f} states no question");
        let mut sim = Simulation::new(&sc, 1, 0);
        sim.run_to_end();
        let missing: Vec<String> =
            sources::listing(&sc).into_iter().filter(|e| !e.is_sourced()).map(|e| e.path).collect();
        assert!(missing.is_empty(), "{f} has {} unsourced values: {missing:?}", missing.len());
    }
}

#[test]
fn without_the_ukraine_break_nato_and_the_csto_exchange_more_information() {
    assert_higher(&shipped("baseline_2014.toml"), &shipped("no_ukraine_break.toml"), &["coop.nato_csto_info"]);
}

#[test]
fn chinas_veto_keeps_the_sco_from_joint_exercises_with_the_csto() {
    let (base, bloc) = (shipped("baseline_2014.toml"), shipped("eastern_bloc.toml"));
    assert_higher(&base, &bloc, &["coop.sco_csto_integration"]);
    let rows = heartland::analysis::compare::compare(
        &base,
        &bloc,
        heartland::montecarlo::Plan { seed: SEED, first_run: 0, runs: RUNS },
    );
    let bloc_outcome = rows.iter().find(|r| r.outcome == "sco_military_bloc").unwrap();
    assert!(bloc_outcome.is_clear() && bloc_outcome.variant > bloc_outcome.base, "{bloc_outcome:?}");
}

#[test]
fn a_russia_china_rift_pushes_central_asia_toward_nato() {
    let (base, rift) = (shipped("baseline_2014.toml"), shipped("russia_china_rift.toml"));
    assert_lower(&base, &rift, &["coop.russia_china_partnership"]);
    let with_nato = [
        "coop.transit_kazakhstan.kazakhstan",
        "coop.nato_kazakhstan_ct.kazakhstan",
        "coop.tajikistan_border.tajikistan",
        "coop.transit_uzbekistan.uzbekistan",
        "coop.base_kyrgyzstan.kyrgyzstan",
    ];
    assert_higher(&base, &rift, &with_nato);
}

#[test]
fn an_afghan_collapse_raises_the_threat_and_csto_activity() {
    let (base, collapse) = (shipped("baseline_2014.toml"), shipped("afghanistan_collapse.toml"));
    assert_higher(&base, &collapse, &["state.afghan_threat"]);
    assert_higher(&base, &collapse, &["coop.afghan_security.csto"]);
}

#[test]
fn a_proposed_council_makes_one_likelier() {
    assert_higher(&shipped("baseline_2014.toml"), &shipped("nato_china_council.toml"), &["coop.nato_china_council"]);
}

#[test]
fn rent_seeking_erodes_the_northern_distribution_network() {
    let (base, rents) = (shipped("baseline_2014.toml"), shipped("ndn_rent_seeking.toml"));
    assert_lower(&base, &rents, &["coop.transit_uzbekistan"]);
    assert_lower(&base, &rents, &["influence.uzbekistan.nato"]);
}
