//! Comparative statics: each mechanism of the model moves results in the direction it should.
//!
//! Each test runs the tiny fixture twice, 400 runs × 20 turns, with the same seeds (so both
//! settings see the same random numbers) and one parameter changed, and compares the mean of
//! a metric over runs and turns. Margins are several times the Monte Carlo standard error of
//! the difference (≈ 0.01 for a cooperation share at this size).

use heartland::model::param::Values;
use heartland::scenario::Scenario;
use heartland::simulation::{Simulation, run_stream};

use crate::tiny;

const RUNS: u64 = 400;
const SEED: u64 = 2024;

fn mean_of(sc: &Scenario, metric: &str, change: impl Fn(&Scenario, &mut Values)) -> f64 {
    mean_over(sc, metric, usize::MAX, change)
}

/// The mean over runs of a metric's mean over the first `turns` turns.
fn mean_over(sc: &Scenario, metric: &str, turns: usize, change: impl Fn(&Scenario, &mut Values)) -> f64 {
    let m = sc.metric(metric).unwrap_or_else(|| panic!("no metric {metric}"));
    let mut total = 0.0;
    let mut count = 0usize;
    for run in 0..RUNS {
        let mut values = sc.params.sample(&mut run_stream(SEED, run));
        change(sc, &mut values);
        let mut sim = Simulation::with_values(sc, values, SEED, run);
        while !sim.is_done() && sim.state().turn < turns {
            sim.step();
            total += sim.metric(&m);
            count += 1;
        }
    }
    total / count as f64
}

fn set(path: &'static str, value: f64) -> impl Fn(&Scenario, &mut Values) {
    move |sc, v| v.set(sc.params.find(path).unwrap_or_else(|| panic!("no parameter {path}")), value)
}

fn unchanged(_: &Scenario, _: &mut Values) {}

#[test]
fn patron_pressure_lowers_a_clients_cooperation_with_the_rival() {
    let sc = tiny();
    let low = mean_of(&sc, "coop.transit.kazakhstan", set("actors.russia.behaviour.pressure", 0.0));
    let high = mean_of(&sc, "coop.transit.kazakhstan", set("actors.russia.behaviour.pressure", 1.0));
    assert!(low > high + 0.1, "pressure 0: {low}, pressure 1: {high}");
}

#[test]
fn lower_exposure_lowers_contributions_to_the_public_good() {
    let sc = tiny();
    let shelter = |sc: &Scenario, v: &mut Values| {
        for who in ["russia", "china", "kazakhstan", "nato"] {
            let id = sc.params.find(&format!("issues.afghan.exposure.{who}")).unwrap();
            v.set(id, v.get(id) * 0.3);
        }
    };
    // The direct effect, in the first year.
    let exposed = mean_over(&sc, "coop.afghan", 4, unchanged);
    let sheltered = mean_over(&sc, "coop.afghan", 4, shelter);
    assert!(exposed > sheltered + 0.03, "first year: exposed {exposed}, sheltered {sheltered}");
    // Over the whole run fewer contributions let the threat grow, which restores part of the
    // incentive: the effect shrinks but keeps its sign.
    let exposed = mean_of(&sc, "coop.afghan", unchanged);
    let sheltered = mean_of(&sc, "coop.afghan", shelter);
    assert!(exposed > sheltered + 0.01, "whole run: exposed {exposed}, sheltered {sheltered}");
    assert!(mean_of(&sc, "state.threat", shelter) > mean_of(&sc, "state.threat", unchanged));
}

#[test]
fn others_capacity_invites_free_riding() {
    let sc = tiny();
    let alone = mean_of(&sc, "coop.afghan.russia", set("actors.nato.capability", 0.01));
    let crowded = mean_of(&sc, "coop.afghan.russia", set("actors.nato.capability", 4.0));
    assert!(alone > crowded + 0.03, "NATO weak: {alone}, NATO strong: {crowded}");
}

#[test]
fn better_rewards_raise_cooperation() {
    let sc = tiny();
    let base = mean_of(&sc, "coop.transit.kazakhstan", unchanged);
    let richer = mean_of(&sc, "coop.transit.kazakhstan", set("issues.transit.payoffs.kazakhstan.economy.reward", 1.2));
    assert!(richer > base + 0.05, "base {base}, richer {richer}");
}

#[test]
fn trust_follows_observed_behaviour_and_defection_weighs_more() {
    let sc = tiny();
    // The US watches Russia's contributions to the public good: faster learning from
    // defection lowers trust, faster learning from cooperation raises it.
    let base = mean_of(&sc, "trust.usa.russia", unchanged);
    let unforgiving = mean_of(&sc, "trust.usa.russia", set("actors.usa.behaviour.trust_loss", 0.95));
    let credulous = mean_of(&sc, "trust.usa.russia", set("actors.usa.behaviour.trust_gain", 0.95));
    assert!(unforgiving < base - 0.03, "base {base}, unforgiving {unforgiving}");
    assert!(credulous > base + 0.03, "base {base}, credulous {credulous}");
}

#[test]
fn forgiveness_pulls_trust_back_to_its_baseline() {
    let sc = tiny();
    let initial = 0.4; // trust.usa.russia in the fixture
    let drift = |f: f64| {
        let gap = mean_of(&sc, "trust.usa.russia", set("actors.usa.behaviour.forgiveness", f));
        (gap - initial).abs()
    };
    assert!(drift(0.9) < drift(0.0) - 0.02);
}

#[test]
fn errors_and_low_rationality_push_choices_toward_a_coin_flip() {
    let sc = tiny();
    let base = mean_of(&sc, "coop.transit.kazakhstan", unchanged);
    assert!((base - 0.5).abs() > 0.1, "the fixture should have a clear preference, got {base}");
    let noisy = mean_of(&sc, "coop.transit.kazakhstan", set("actors.kazakhstan.behaviour.error", 0.5));
    assert!((noisy - 0.5).abs() < 0.03, "error 0.5 gives {noisy}");
    let blind = mean_of(&sc, "coop.transit.kazakhstan", set("actors.kazakhstan.behaviour.rationality", 0.0));
    assert!((blind - 0.5).abs() < 0.03, "rationality 0 gives {blind}");
    let sharp = mean_of(&sc, "coop.transit.kazakhstan", set("actors.kazakhstan.behaviour.rationality", 40.0));
    assert!((sharp - 0.5).abs() > (base - 0.5).abs(), "rationality 40 gives {sharp}, base {base}");
}

#[test]
fn cooperation_with_a_patron_raises_its_influence() {
    let sc = tiny();
    let none = mean_of(&sc, "influence.security.kazakhstan.nato", set("issues.transit.influence.security", 0.0));
    let strong = mean_of(&sc, "influence.security.kazakhstan.nato", set("issues.transit.influence.security", 0.8));
    assert!(strong > none + 0.01, "weight 0: {none}, weight 0.8: {strong}");
}

#[test]
fn ending_an_arrangement_costs_the_patron_its_ties() {
    let sc = tiny();
    // Kazakhstan's pipeline with China is in force at the start. If it is imposed ended, China's
    // economic share falls below where the arrangement's persistence keeps it.
    let kept = mean_of(&sc, "influence.economic.kazakhstan.china", set("issues.pipeline.commitment", 5.0));
    let broken = mean_of(&sc, "influence.economic.kazakhstan.china", set("issues.pipeline.commitment", 0.0));
    assert!(kept > broken + 0.01, "kept {kept}, broken {broken}");
}

#[test]
fn a_commitment_keeps_an_arrangement_in_force() {
    let sc = tiny();
    let loose = mean_of(&sc, "coop.pipeline", set("issues.pipeline.commitment", 0.0));
    let bound = mean_of(&sc, "coop.pipeline", set("issues.pipeline.commitment", 0.6));
    assert!(bound > loose + 0.1, "commitment 0: {loose}, commitment 0.6: {bound}");
    // An upkeep larger than the arrangement is worth ends it, commitment or not.
    let base = mean_of(&sc, "coop.pipeline", unchanged);
    let costly = mean_of(&sc, "coop.pipeline", set("issues.pipeline.upkeep.kazakhstan", 1.0));
    assert!(costly < base - 0.1, "upkeep 1: {costly}, upkeep 0: {base}");
}

#[test]
fn a_public_good_of_no_relevance_teaches_no_trust() {
    let sc = tiny();
    // The US watches Russia only through the public good: with relevance 0 nothing is learnt,
    // and trust stays at its baseline (0.4 in the fixture), whatever Russia does.
    let ignored = mean_of(&sc, "trust.usa.russia", set("issues.afghan.relevance", 0.0));
    assert!((ignored - 0.4).abs() < 1e-9, "relevance 0 gives {ignored}");
    let watched = mean_of(&sc, "trust.usa.russia", unchanged);
    assert!((watched - 0.4).abs() > 0.02, "relevance 1 gives {watched}");
}

#[test]
fn a_likelier_shock_raises_the_threat() {
    let sc = tiny();
    let calm = mean_of(&sc, "state.threat", set("events.offensive.hazard", 0.0));
    let violent = mean_of(&sc, "state.threat", set("events.offensive.hazard", 1.0));
    assert!(violent > calm + 0.05, "hazard 0: {calm}, hazard 1: {violent}");
}

#[test]
fn the_withdrawal_schedule_raises_the_threat() {
    let sc = tiny();
    // The drawdown inject lowers ISAF presence, which raises the threat's target.
    let stays = mean_of(&sc, "state.threat", set("events.drawdown.effects[0].set", 1.0));
    let leaves = mean_of(&sc, "state.threat", set("events.drawdown.effects[0].set", 0.0));
    assert!(leaves > stays + 0.01, "presence kept: {stays}, withdrawn: {leaves}");
}

#[test]
fn a_veto_can_only_block() {
    // Consensus gives Kazakhstan a veto in the CSTO that the leader rule does not.
    let leader = tiny();
    let text = std::fs::read_to_string(crate::fixture("tiny.toml")).unwrap();
    let text = text.replace("rule = \"leader\"\nleader = \"russia\"", "rule = \"consensus\"");
    let consensus = Scenario::parse(&text, "tiny-consensus").unwrap();
    let by_leader = mean_of(&leader, "coop.info.csto", unchanged);
    let by_consensus = mean_of(&consensus, "coop.info.csto", unchanged);
    assert!(by_consensus < by_leader - 0.02, "leader {by_leader}, consensus {by_consensus}");
}

/// The tiny fixture with lines added to its `[model]` section.
fn with_model(lines: &str) -> Scenario {
    let text = std::fs::read_to_string(crate::fixture("tiny.toml")).unwrap();
    let text = text.replace("[model]\n", &format!("[model]\n{lines}\n"));
    Scenario::parse(&text, "tiny-model").unwrap()
}

#[test]
fn the_start_reveals_what_keeping_an_arrangement_costs() {
    // The pipeline is in force at the start. With an upkeep worth more than it, its parties
    // leave it at once, unless the start is taken to reveal that they kept it: then it stands
    // in the first turn as often as `keep_at_start` says, and erodes only afterwards (a lapse
    // is final, since what the start revealed was about the arrangement then in force).
    let costly = set("issues.pipeline.upkeep.kazakhstan", 1.0);
    let first = |sc: &Scenario| mean_over(sc, "coop.pipeline", 1, &costly);
    let plain = tiny();
    let revealed = with_model("keep_at_start = 0.95");
    assert!(first(&plain) < 0.2, "without a floor the costly pipeline stands in {:.3} of first turns", first(&plain));
    let kept = first(&revealed);
    assert!((0.88..=0.99).contains(&kept), "kept in {kept:.3} of first turns, for 0.95 from each side");
    let later = mean_of(&revealed, "coop.pipeline", &costly);
    assert!(later < kept - 0.1, "over 20 turns: {later:.3}, first turn: {kept:.3}");
    // A higher floor keeps it more; an arrangement worth keeping anyway is unchanged.
    let firmer = first(&with_model("keep_at_start = 0.99"));
    assert!(firmer > kept + 0.02, "0.99: {firmer:.3}, 0.95: {kept:.3}");
    assert_eq!(
        mean_of(&with_model("keep_at_start = 0.6"), "coop.pipeline", unchanged),
        mean_of(&plain, "coop.pipeline", unchanged)
    );
}

#[test]
fn under_consensus_only_an_objection_blocks() {
    // The CSTO deciding by consensus: Russia is lukewarm about information exchange with NATO
    // (it weighs its anti-Western interest), Kazakhstan is for it. With an objection threshold,
    // Russia's mild reluctance no longer blocks; with a threshold of 0, every member against
    // blocks, as with no threshold at all, to the bit.
    let consensus = |lines: &str| {
        let text = std::fs::read_to_string(crate::fixture("tiny.toml")).unwrap();
        let text = text
            .replace("rule = \"leader\"\nleader = \"russia\"", "rule = \"consensus\"")
            .replace("[model]\n", &format!("[model]\n{lines}\n"));
        Scenario::parse(&text, "tiny-consensus").unwrap()
    };
    let unanimity = mean_of(&consensus(""), "coop.info.csto", unchanged);
    assert_eq!(mean_of(&consensus("objection = 0.0"), "coop.info.csto", unchanged), unanimity);
    let lenient = mean_of(&consensus("objection = 0.3"), "coop.info.csto", unchanged);
    assert!(lenient > unanimity + 0.05, "objection 0.3: {lenient:.3}, unanimity: {unanimity:.3}");
    // A threshold beyond any member's stakes leaves only the proposal: someone must want it.
    let anything = mean_of(&consensus("objection = 50.0"), "coop.info.csto", unchanged);
    assert!(anything >= lenient && anything < 1.0, "objection 50: {anything:.3}");
}

/// A state variable's volatility is the standard deviation of a year's shocks: with nothing
/// else moving it (`state.isaf` has no target, and the drawdown is put off), the spread
/// of its value across runs after t years is the volatility × √t, and a variable without one
/// stays where it started in every run.
#[test]
fn volatility_spreads_a_variable_by_its_yearly_standard_deviation() {
    let text = std::fs::read_to_string(crate::fixture("tiny.toml")).unwrap();
    let text = text.replace("[state.isaf]\ninitial = 1\n", "[state.isaf]\ninitial = 0.5\nvolatility = 0.1\n").replace(
        "at = \"2014-Q4\"\neffects = [{ target = \"state.isaf\"",
        "at = \"2016-Q4\"\neffects = [{ target = \"state.isaf\"",
    );
    let volatile = Scenario::parse(&text, "tiny-volatile").unwrap();
    let spread = |sc: &Scenario| {
        let isaf = sc.metric("state.isaf").unwrap();
        let year: Vec<f64> = (0..RUNS)
            .map(|run| {
                let values = sc.params.sample(&mut run_stream(SEED, run));
                let mut sim = Simulation::with_values(sc, values, SEED, run);
                for _ in 0..3 {
                    sim.step();
                }
                sim.metric(&isaf)
            })
            .collect();
        let mean = year.iter().sum::<f64>() / year.len() as f64;
        let sd = (year.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (year.len() as f64 - 1.0)).sqrt();
        (mean, sd)
    };
    // Three quarters (the drawdown's date in the fixture is the fourth): sd 0.1·√0.75.
    let (mean, sd) = spread(&volatile);
    let expected = 0.1 * 0.75f64.sqrt();
    // 400 runs: the standard error of a standard deviation is about sd/√800 ≈ 0.003.
    assert!((sd - expected).abs() < 0.012, "after three quarters: sd {sd:.4}, expected {expected:.4}");
    assert!((mean - 0.5).abs() < 0.02, "after three quarters: mean {mean:.4}, expected 0.5 (shocks have mean 0)");
    assert_eq!(spread(&tiny()).1, 0.0, "without volatility the variable does not move");
}
