//! Scenario actors that play a classic strategy instead of deciding from their interests, on
//! the dyadic issues of an ordinary heartland scenario. It composes with the model from the
//! outside: each turn the strategies' moves are imposed through the simulation's public
//! [`Overrides`] (as the wargame imposes a team's orders), and each strategy then remembers
//! the moves as the turn's `coop.ISSUE.ACTOR` metrics report them. Every other actor, and every
//! other issue of the same actor, is decided by the model as usual.
//!
//! Randomness (for `Random`, `GTFT`, memory-one probabilities) comes from a stream of its own,
//! fixed by (seed, run), so the model's own stream is untouched: a run with strategies is
//! still a function of (scenario, seed, run, assignments).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::game::{Action, Game};
use super::strategy::{Memory, Rule, Strategy};
use crate::Scenario;
use crate::model::issue::IssueKind;
use crate::model::metric::Metric;
use crate::simulation::{Overrides, Simulation};

/// One actor playing one strategy on one dyadic issue.
#[derive(Debug, Clone)]
struct Assigned {
    slot_issue: usize,
    actor: crate::model::actor::ActorId,
    rule: Rule,
    memory: Memory,
    own: Metric,
    partner: Metric,
}

/// The actors of a run that play fixed strategies.
#[derive(Debug, Clone)]
pub struct StrategyActors {
    assigned: Vec<Assigned>,
    rng: ChaCha8Rng,
}

impl StrategyActors {
    /// Assigns `(actor, issue, strategy)` triples for run `run` of `seed`. Errors name an
    /// unknown actor or issue, an issue that is not dyadic, an actor that is not a side of it,
    /// or a strategy parameter that is not a probability. GTFT's default generosity is the
    /// standard game's (1/3): a scenario's payoffs are not a 2×2 game's four numbers.
    pub fn new(sc: &Scenario, assignments: &[(&str, &str, Strategy)], seed: u64, run: u64) -> Result<Self, String> {
        let mut assigned = Vec::new();
        for (actor, issue, strategy) in assignments {
            let a = sc.actor(actor).ok_or_else(|| format!("no actor `{actor}` in the scenario"))?;
            let i = sc.issue(issue).ok_or_else(|| format!("no issue `{issue}` in the scenario"))?;
            let is = &sc.issues[i];
            if !matches!(is.kind, IssueKind::Dyadic { .. }) {
                return Err(format!("`{issue}` is not a dyadic issue: a classic strategy plays a two-sided game"));
            }
            let side = is
                .participants
                .iter()
                .position(|p| *p == a)
                .ok_or_else(|| format!("`{actor}` is not a side of `{issue}`"))?;
            let partner = &sc.actors[is.participants[1 - side].0].id;
            let metric = |who: &str| {
                sc.metric(&format!("coop.{issue}.{who}")).ok_or_else(|| format!("no metric coop.{issue}.{who}"))
            };
            assigned.push(Assigned {
                slot_issue: i,
                actor: a,
                rule: strategy.compile(&Game::PRISONERS_DILEMMA).map_err(|e| format!("{actor} on {issue}: {e}"))?,
                memory: Memory::default(),
                own: metric(actor)?,
                partner: metric(partner)?,
            });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6761_6d65_7321); // "games!": apart from the model's
        rng.set_stream(run);
        Ok(StrategyActors { assigned, rng })
    }

    /// Plays one turn of `sim` with the strategies' moves imposed.
    pub fn step(&mut self, sim: &mut Simulation) {
        let mut overrides = Overrides(vec![None; sim.slot_count()]);
        for a in &self.assigned {
            if let Some(slot) = sim.slot(a.slot_issue, a.actor) {
                overrides.0[slot] = Some(a.rule.decide(&a.memory, &mut self.rng) == Action::C);
            }
        }
        sim.step_with(&overrides, &mut crate::simulation::Quiet);
        for a in &mut self.assigned {
            let act = |m: &Metric| if sim.metric(m) >= 0.5 { Action::C } else { Action::D };
            let (own, partner) = (act(&a.own), act(&a.partner));
            a.memory.record(own, partner);
        }
    }

    /// Plays the remaining turns.
    pub fn run_to_end(&mut self, sim: &mut Simulation) {
        while !sim.is_done() {
            self.step(sim);
        }
    }
}
