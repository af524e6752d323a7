//! Many runs on rayon, aggregated as they finish.
//!
//! Runs are processed in batches. Within a batch, runs execute in parallel and each worker
//! folds its runs' series into its own [`SeriesAgg`]; because that aggregation is exact
//! integer arithmetic ([`crate::montecarlo::aggregate`]), the result does not depend on which worker took
//! which run. The per-run records come back in run order and go to a sink (the writer of
//! `runs.csv`) batch by batch, so memory stays flat in the number of runs.

pub mod aggregate;
mod collect;
pub mod counted;

use std::sync::Mutex;

use rayon::prelude::*;

use crate::model::metric::Metric;
use crate::montecarlo::aggregate::{OutcomeAgg, SeriesAgg};
use crate::scenario::Scenario;
use crate::simulation::Simulation;
pub use collect::{Collect, Standard, StandardAgg, StandardRows};

/// Runs per batch: enough to keep every core busy, few enough that records stay small.
const BATCH: u64 = 1024;

/// Which runs to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The master seed.
    pub seed: u64,
    /// Index of the first run (runs `first_run .. first_run + runs`).
    pub first_run: u64,
    /// Number of runs.
    pub runs: u64,
}

/// What one run leaves for `runs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// The run's index.
    pub run: u64,
    /// The sampled value of each uncertain parameter (`ParamTable::uncertain` order).
    pub sampled: Vec<f64>,
    /// Per outcome: the turn first reached.
    pub reached: Vec<Option<usize>>,
    /// Per event: the turn it first fired.
    pub fired: Vec<Option<usize>>,
    /// Final value of each recorded state variable, influence share and issue cooperation
    /// rate, in the scenario's series order (the `final.*` columns of `runs.csv`).
    pub finals: Vec<f64>,
    /// Accumulated utility per actor.
    pub utility: Vec<f64>,
    /// Actor-decisions taken in the run (a member's vote counts as one).
    pub decisions: u64,
}

/// Aggregates over all runs.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Runs played.
    pub runs: u64,
    /// Turns in each run (the scenario's calendar).
    pub turns_per_run: usize,
    /// Actor-decisions over all runs.
    pub decisions: u64,
    /// Per recorded series (the scenario's `series`) and turn: mean and quantiles across runs.
    pub series: SeriesAgg,
    /// Per outcome: how many runs first reached it at each turn.
    pub outcomes: OutcomeAgg,
}

/// The metrics whose final values `runs.csv` reports: state variables, influence shares and
/// each issue's cooperation rate.
pub(crate) fn final_metrics(sc: &Scenario) -> Vec<Metric> {
    sc.series
        .iter()
        .copied()
        .filter(|m| matches!(m, Metric::State(_) | Metric::Influence { .. } | Metric::CoopRate(_)))
        .collect()
}

/// The value range of a recorded metric (for histograms).
pub fn metric_range(sc: &Scenario, m: &Metric) -> (f64, f64) {
    match *m {
        Metric::State(v) => (sc.state[v].min, sc.state[v].max),
        _ => (0.0, 1.0),
    }
}

/// Plays a simulation at the start of its run up to the collector's horizon, feeding it:
/// what [`run_with`] does for each run, for callers that build their own simulations.
pub fn play<C: Collect>(collect: &C, sim: &mut Simulation<'_>, scratch: &mut C::Scratch) {
    let turns = collect.horizon().map_or(usize::MAX, |h| h.min(sim.scenario().calendar.turns()));
    collect.start(sim, scratch);
    while !sim.is_done() && sim.state().turn < turns {
        sim.step();
        collect.turn(sim, scratch);
    }
}

/// Runs the plan on the current rayon pool with the [`Standard`] collector: the scenario's
/// series, outcomes and per-run records. `sink` receives the records in run order, a batch at
/// a time; `progress` is called with 1 each time a run finishes (from any worker, in any
/// order). An error from the sink stops the work and is returned.
pub fn run<E>(
    sc: &Scenario,
    plan: Plan,
    sink: impl FnMut(&[RunRecord]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, E> {
    let (agg, decisions) = run_with(sc, &Standard::new(sc), plan, sink, progress)?;
    let StandardAgg { series, outcomes, .. } = agg;
    Ok(Summary { runs: plan.runs, turns_per_run: sc.calendar.turns(), decisions, series, outcomes })
}

/// Runs the plan on the current rayon pool, recording what `collect` asks for. `sink` receives
/// the records in run order, a batch at a time; `progress` is called with 1 each time a run
/// finishes. Returns the merged aggregate and the actor-decisions simulated.
pub fn run_with<C: Collect, E>(
    sc: &Scenario,
    collect: &C,
    plan: Plan,
    mut sink: impl FnMut(&[C::Record]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(C::Agg, u64), E> {
    let workers = rayon::current_num_threads();
    let partial: Vec<Mutex<C::Agg>> = (0..workers).map(|_| Mutex::new(collect.aggregate())).collect();
    let mut decisions = 0u64;
    let end = plan.first_run + plan.runs;
    let mut start = plan.first_run;
    while start < end {
        let stop = (start + BATCH).min(end);
        let records: Vec<(C::Record, u64)> = (start..stop)
            .into_par_iter()
            // Each worker keeps its simulation and restarts it for each of its runs.
            .map_init(
                || (C::Scratch::default(), None),
                |(scratch, sim): &mut (C::Scratch, Option<Simulation<'_>>), run| {
                    let sim = match sim {
                        Some(sim) => {
                            sim.restart(plan.seed, run);
                            sim
                        }
                        None => sim.insert(Simulation::new(sc, plan.seed, run)),
                    };
                    play(collect, sim, scratch);
                    let slot = rayon::current_thread_index().unwrap_or(0) % workers;
                    let mut agg = partial[slot].lock().expect("no worker panics while holding it");
                    let record = collect.finish(sim, run, scratch, &mut agg);
                    drop(agg);
                    progress(1);
                    (record, sim.state().decisions)
                },
            )
            .collect();
        decisions += records.iter().map(|r| r.1).sum::<u64>();
        let records: Vec<C::Record> = records.into_iter().map(|r| r.0).collect();
        sink(&records)?;
        start = stop;
    }
    let mut parts = partial.into_iter().map(|m| {
        let mut agg = m.into_inner().expect("no worker panicked");
        collect.close(&mut agg);
        agg
    });
    let mut agg = parts.next().expect("at least one worker");
    for other in parts {
        collect.merge(&mut agg, &other);
    }
    Ok((agg, decisions))
}
