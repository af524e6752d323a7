//! One run of a scenario, stepped a turn at a time.
//!
//! A [`Simulation`] owns the run's sampled parameter [`Values`], its [`State`] and its random
//! stream. Between turns the state can be read and changed (wargame injects), participants'
//! actions can be imposed ([`Overrides`]), and the whole run can be saved and resumed
//! ([`Snapshot`]). Monte Carlo is just many simulations stepped to the end.
//!
//! A turn, in order:
//! 1. events: every event in file order, a hazard with its draw, a scheduled inject at its date;
//! 2. decisions: every decider of every issue draws once (even on inactive issues, so that
//!    streams stay aligned across scenario variants) and chooses by logit;
//!    organizations aggregate their members' votes;
//! 3. consequences: payoffs accrue, issues move the state, patrons gain influence,
//!    observers update trust, forgiveness pulls trust back to its baseline;
//! 4. state variables relax toward their targets;
//! 5. cooperation histories and outcomes are updated.
//!
//! Randomness: run `r` with master seed `s` uses `ChaCha8Rng::seed_from_u64(s)` on stream `r`.
//! Parameters are sampled from word 0 of the stream and the dynamics from word 2⁴⁰, so adding
//! a distribution to a scenario does not shift the random numbers its dynamics see.

mod compiled;
mod draws;
mod influence;
mod observe;
mod probes;
mod rebuild;
mod state;
mod turn;
mod utility;
mod weights;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::actor::ActorId;
use crate::model::calendar::Period;
use crate::model::events::{Op, Target};
use crate::model::metric::Metric;
use crate::model::param::{ParamId, Values};
use crate::scenario::Scenario;

use compiled::{Compiled, Scratch, metric_value};
pub use observe::{Observer, Quiet, Recorder};
pub use probes::Probes;
pub use state::{Overrides, Snapshot, State};
use state::{initial_state, reset_state};

/// Word offset of the dynamics in a run's stream; parameter sampling uses the words before.
pub const DYNAMICS_WORD_OFFSET: u128 = 1 << 40;

/// The random stream of run `run` under master seed `seed`, positioned for parameter sampling.
pub fn run_stream(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// One run.
pub struct Simulation<'s> {
    scenario: &'s Scenario,
    values: Values,
    model: Compiled,
    state: State,
    rng: ChaCha8Rng,
    scratch: Scratch,
    /// Whether organizations' trust is the weighted mean of their members' in `state` (true
    /// after each derivation, false once anything may have changed either).
    org_trust_current: bool,
}

impl<'s> Simulation<'s> {
    /// Run `run` under master seed `seed`: parameters sampled from the run's stream.
    pub fn new(scenario: &'s Scenario, seed: u64, run: u64) -> Simulation<'s> {
        let mut rng = run_stream(seed, run);
        let values = scenario.params.sample(&mut rng);
        Simulation::with_values(scenario, values, seed, run)
    }

    /// Run `run` with the given parameter values (a sweep's design point, a test's fixture).
    pub fn with_values(scenario: &'s Scenario, values: Values, seed: u64, run: u64) -> Simulation<'s> {
        let mut rng = run_stream(seed, run);
        rng.set_word_pos(DYNAMICS_WORD_OFFSET);
        let model = Compiled::new(scenario, &values);
        let mut state = initial_state(scenario, &values);
        model.derive_org_trust(&mut state.trust);
        model.derive_org_trust(&mut state.trust_baseline);
        let scratch = Scratch::new(scenario, model.slots.len(), model.evals.len());
        let mut sim = Simulation { scenario, values, model, state, rng, scratch, org_trust_current: true };
        sim.reveal_commitments();
        sim
    }

    /// Starts run `run` under master seed `seed` afresh, exactly as [`Simulation::new`] would,
    /// in this simulation's memory: for many runs of one scenario, one after the other.
    pub fn restart(&mut self, seed: u64, run: u64) {
        let sc = self.scenario;
        self.values = sc.params.sample(&mut run_stream(seed, run));
        self.rng = run_stream(seed, run);
        self.rng.set_word_pos(DYNAMICS_WORD_OFFSET);
        self.model.rebuild(sc, &self.values);
        reset_state(&mut self.state, sc, &self.values);
        self.model.derive_org_trust(&mut self.state.trust);
        self.model.derive_org_trust(&mut self.state.trust_baseline);
        self.org_trust_current = true;
        self.reveal_commitments();
    }

    /// A run resumed from a snapshot, to play on exactly as the run it was taken from would have.
    pub fn resume(scenario: &'s Scenario, snapshot: Snapshot) -> Simulation<'s> {
        let model = Compiled::new(scenario, &snapshot.values);
        let scratch = Scratch::new(scenario, model.slots.len(), model.evals.len());
        Simulation {
            scenario,
            values: snapshot.values,
            model,
            state: snapshot.state,
            rng: snapshot.rng,
            scratch,
            org_trust_current: false,
        }
    }

    /// The run frozen as it stands (between turns), to resume later or elsewhere.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { values: self.values.clone(), state: self.state.clone(), rng: self.rng.clone() }
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// The state after the last completed turn.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The state, for changes between turns (a facilitator's inject). Values are not
    /// re-checked: keep trust and shares in [0, 1].
    pub fn state_mut(&mut self) -> &mut State {
        self.org_trust_current = false;
        &mut self.state
    }

    /// The run's parameter values (sampled, given, or changed since).
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// Changes a parameter for the rest of the run.
    pub fn set_value(&mut self, id: ParamId, value: f64) {
        self.values.set(id, value);
        self.model.rebuild(self.scenario, &self.values);
        self.org_trust_current = false;
    }

    /// Whether every turn of the calendar has been played.
    pub fn is_done(&self) -> bool {
        self.state.turn >= self.scenario.calendar.turns()
    }

    /// The period of the next turn.
    pub fn period(&self) -> Period {
        self.scenario.calendar.period(self.state.turn)
    }

    /// The global slot of `actor` in `issue`, for [`Overrides`].
    pub fn slot(&self, issue: usize, actor: ActorId) -> Option<usize> {
        let local = self.scenario.issues[issue].participants.iter().position(|a| *a == actor)?;
        Some(self.model.slot_start[issue] + local)
    }

    /// Number of participant slots (every participant of every issue): the length of an
    /// [`Overrides`] that can impose any of them.
    pub fn slot_count(&self) -> usize {
        self.model.slots.len()
    }

    /// Plays the remaining turns.
    pub fn run_to_end(&mut self) {
        while !self.is_done() {
            self.step();
        }
    }

    /// Plays one turn, with no imposed actions and no observer. Does nothing once done.
    pub fn step(&mut self) {
        self.step_with(&Overrides::default(), &mut Quiet);
    }

    /// Plays one turn, with imposed actions and an observer. Does nothing once done.
    pub fn step_with<O: Observer>(&mut self, overrides: &Overrides, observer: &mut O) {
        if self.is_done() {
            return;
        }
        let t = self.state.turn;
        self.fire_events(t, observer);
        self.decide(t, overrides, observer);
        self.apply_consequences();
        self.relax_state();
        self.close_turn();
    }

    /// The current value of a metric (after the last completed turn).
    pub fn metric(&self, m: &Metric) -> f64 {
        metric_value(self.scenario, &self.model, &self.state, m)
    }

    /// Applies one effect now, between turns (a facilitator's inject), as an event's effect
    /// would be applied: clamped to the target's domain, a parameter's change recompiled.
    pub fn apply_effect(&mut self, target: Target, op: Op, amount: f64) {
        if let Some(id) = turn::apply_effect(self.scenario, &mut self.values, &mut self.state, target, op, amount) {
            self.model.refresh(self.scenario, &self.values, &[id]);
        }
        self.org_trust_current = false;
    }

    /// Fires scenario event `event` now, between turns, whatever its trigger and conditions:
    /// its effects with this run's amounts, recorded as fired in the coming turn (so a
    /// one-off stochastic event does not fire again, nor a scheduled one at its date).
    pub fn fire_event(&mut self, event: usize) {
        let sc = self.scenario;
        for effect in &sc.events[event].effects {
            let amount = self.values.get(effect.amount);
            self.apply_effect(effect.target, effect.op, amount);
        }
        let t = self.state.turn;
        self.state.fired[event].get_or_insert(t);
        self.state.last_fired[event] = Some(t);
    }

    /// How slot `slot` is decided: its deciders' vote weights and vetoes, and the share of
    /// weight that carries a change (a state is the one-voter case: weight 1, veto, 0).
    pub fn vote_rule(&self, slot: usize) -> VoteRule {
        let s = &self.model.slots[slot];
        let voters = self.model.evals[s.evals.clone()]
            .iter()
            .map(|ev| Voter { actor: ActorId(ev.actor), weight: ev.weight, veto: ev.veto })
            .collect();
        VoteRule { threshold: s.threshold, objection: s.objection, voters }
    }
}

/// How a participant's decision is taken from its deciders' votes ([`Simulation::vote_rule`]).
#[derive(Debug, Clone, PartialEq)]
pub struct VoteRule {
    /// Share of the present voters' weight, in [0, 1], that must vote for a change of the
    /// status quo.
    pub threshold: f64,
    /// Under a consensus rule with objections (`model.objection` > 0): the objection
    /// threshold, in utility: a change is carried when someone votes for it and nobody
    /// objects. 0 otherwise.
    pub objection: f64,
    /// The deciders, in the order their records come.
    pub voters: Vec<Voter>,
}

/// One decider of a participant's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Voter {
    /// The member voting (the participant itself for a state).
    pub actor: ActorId,
    /// Its vote's weight (1 for a state).
    pub weight: f64,
    /// Whether its vote against a change blocks it.
    pub veto: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(path: &str) -> Scenario {
        Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    /// Recording every decision never changes a run: a recorded run (every slot through the
    /// general voting rule) and a quiet one (states deciding alone by their shortcut) play the
    /// same states turn by turn, with actions imposed on states, members and organizations,
    /// admitted or not.
    #[test]
    fn recording_decisions_never_changes_a_run() {
        for sc in [scenario("tests/fixtures/tiny.toml"), scenario("scenarios/baseline_2014.toml")] {
            for run in 0..3 {
                let mut quiet = Simulation::new(&sc, 5, run);
                let mut recorded = Simulation::new(&sc, 5, run);
                let mut recorder = Recorder::default();
                let slots = quiet.slot_count();
                // Every seventh slot imposed, cooperating or not, from turn 2 to 6.
                let imposed = Overrides((0..slots).map(|s| (s % 7 == run as usize).then_some(s % 2 == 0)).collect());
                let mut turn = 0;
                while !quiet.is_done() {
                    let overrides = if (2..6).contains(&turn) { imposed.clone() } else { Overrides::default() };
                    quiet.step_with(&overrides, &mut Quiet);
                    recorded.step_with(&overrides, &mut recorder);
                    assert_eq!(quiet.state(), recorded.state(), "{} run {run} turn {turn}", sc.name);
                    turn += 1;
                }
                assert!(!recorder.decisions.is_empty());
            }
        }
    }

    /// A simulation restarted for another run, after a whole run or half of one, plays that
    /// run exactly as a new one: same values, same states turn by turn, same random stream.
    #[test]
    fn a_restarted_simulation_is_a_fresh_run() {
        for sc in [scenario("tests/fixtures/tiny.toml"), scenario("scenarios/baseline_2014.toml")] {
            let mut reused = Simulation::new(&sc, 3, 1);
            for (run, turns_before) in [(5, usize::MAX), (6, 3), (5, 0)] {
                for _ in 0..turns_before.min(sc.calendar.turns()) {
                    reused.step();
                }
                reused.restart(3, run);
                let mut fresh = Simulation::new(&sc, 3, run);
                assert_eq!(reused.values(), fresh.values());
                while !fresh.is_done() {
                    assert_eq!(reused.state(), fresh.state());
                    fresh.step();
                    reused.step();
                }
                assert_eq!(reused.state(), fresh.state());
                let (a, b) = (reused.snapshot(), fresh.snapshot());
                assert_eq!(serde_json::to_string(&a.rng).unwrap(), serde_json::to_string(&b.rng).unwrap());
            }
        }
    }
}
