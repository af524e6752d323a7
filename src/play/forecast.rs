//! Where a game is heading: the Monte Carlo from the game's current state, the model playing
//! every actor, against the same scenario's Monte Carlo from the start.
//!
//! Forecast run `i` resumes the game's run (its sampled parameters, its state) with a fresh
//! dynamics stream: ChaCha8 seeded with the game's master seed, on stream `u64::MAX − i`
//! (far from the streams of the scenario's runs), positioned at the dynamics offset. Runs go
//! on rayon and come back in order; outcomes are counted with the Monte Carlo's own
//! aggregate, so a forecast is the same at any thread count.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::game::Game;
use crate::montecarlo::aggregate::{OutcomeAgg, wilson};
use crate::montecarlo::{self, Plan, Summary};
use crate::scenario::Scenario;
use crate::simulation::{DYNAMICS_WORD_OFFSET, Simulation, Snapshot};

/// One outcome's probability from here on, and at the start.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeForecast {
    /// The outcome's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The turn the game reached it in, if it has.
    pub reached: Option<usize>,
    /// Runs from here that reach it by the end (all of them if the game has).
    pub from_here: u64,
    /// Runs of the scenario from the start that reach it.
    pub at_start: u64,
    /// `from_here / runs`, in [0, 1].
    pub p_from_here: f64,
    /// 95% Wilson interval of `p_from_here`.
    pub ci_from_here: (f64, f64),
    /// `at_start / runs`, in [0, 1].
    pub p_at_start: f64,
    /// 95% Wilson interval of `p_at_start`.
    pub ci_at_start: (f64, f64),
}

/// A forecast from a game's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// The turn it was made before (0-based).
    pub turn: usize,
    /// Runs on each side.
    pub runs: u64,
    /// Per outcome, in scenario order.
    pub outcomes: Vec<OutcomeForecast>,
}

/// The stream of forecast run `i` of a game under master seed `seed`.
pub fn forecast_stream(seed: u64, i: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX - i);
    rng.set_word_pos(DYNAMICS_WORD_OFFSET);
    rng
}

/// Per forecast run from the game's state: the turn each outcome was first reached.
pub fn from_here(game: &Game<'_>, runs: u64) -> OutcomeAgg {
    from_snapshot(game.scenario(), game.seed(), &game.simulation().snapshot(), runs)
}

/// Per forecast run from a game's snapshot (a game of `sc` under master seed `seed`): the
/// turn each outcome was first reached. What [`from_here`] computes, without the game, so a
/// server can forecast while the game goes on.
pub fn from_snapshot(sc: &Scenario, seed: u64, snap: &Snapshot, runs: u64) -> OutcomeAgg {
    let reached: Vec<Vec<Option<usize>>> = (0..runs)
        .into_par_iter()
        .map(|i| {
            let start =
                Snapshot { values: snap.values.clone(), state: snap.state.clone(), rng: forecast_stream(seed, i) };
            let mut sim = Simulation::resume(sc, start);
            sim.run_to_end();
            sim.state().reached.clone()
        })
        .collect();
    let mut agg = OutcomeAgg::new(sc.outcomes.len(), sc.calendar.turns());
    for r in &reached {
        agg.add_run(r);
    }
    agg
}

/// The scenario's Monte Carlo from the start: `runs` runs under `seed`, as `heartland run`
/// plays them.
pub fn at_start(sc: &Scenario, seed: u64, runs: u64) -> Summary {
    let plan = Plan { seed, first_run: 0, runs };
    montecarlo::run(sc, plan, |_| Ok::<_, std::convert::Infallible>(()), &|_| {}).unwrap_or_else(|e| match e {})
}

/// The forecast from the game's state, against `start` (the scenario's Monte Carlo from the
/// start with as many runs, see [`at_start`]).
pub fn forecast(game: &Game<'_>, runs: u64, start: &Summary) -> Forecast {
    forecast_snapshot(game.scenario(), game.seed(), &game.simulation().snapshot(), runs, start)
}

/// The forecast from a game's snapshot, as [`forecast`] makes it from the game.
pub fn forecast_snapshot(sc: &Scenario, seed: u64, snap: &Snapshot, runs: u64, start: &Summary) -> Forecast {
    let here = from_snapshot(sc, seed, snap, runs);
    let st = &snap.state;
    let outcomes = sc
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, out)| {
            let (k, n) = (here.reached(o), here.runs());
            let (k0, n0) = (start.outcomes.reached(o), start.outcomes.runs());
            OutcomeForecast {
                id: out.id.clone(),
                label: out.label.clone(),
                reached: st.reached[o],
                from_here: k,
                at_start: k0,
                p_from_here: k as f64 / n.max(1) as f64,
                ci_from_here: wilson(k, n),
                p_at_start: k0 as f64 / n0.max(1) as f64,
                ci_at_start: wilson(k0, n0),
            }
        })
        .collect();
    Forecast { turn: st.turn, runs, outcomes }
}
