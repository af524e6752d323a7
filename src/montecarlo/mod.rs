//! Many runs on rayon, aggregated as they finish.
//!
//! Runs are processed in batches. Within a batch, runs execute in parallel and each worker
//! folds its runs' series into its own [`SeriesAgg`]; because that aggregation is exact
//! integer arithmetic ([`crate::montecarlo::aggregate`]), the result does not depend on which worker took
//! which run. The per-run records come back in run order and go to a sink (the writer of
//! `runs.csv`) batch by batch, so memory stays flat in the number of runs.

pub mod aggregate;

use std::sync::Mutex;

use rayon::prelude::*;

use crate::model::metric::Metric;
use crate::montecarlo::aggregate::{Batch, OutcomeAgg, SeriesAgg};
use crate::scenario::Scenario;
use crate::simulation::{Probes, Simulation};

/// Runs per batch: enough to keep every core busy, few enough that records stay small.
const BATCH: u64 = 1024;

/// Runs each worker buffers before adding their series to its aggregate (see `stats::Batch`):
/// two bytes per value (1.3 MB per 64 runs of the baseline).
const AGGREGATION_BATCH: usize = 256;

/// Which runs to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub seed: u64,
    /// Index of the first run (runs `first_run .. first_run + runs`).
    pub first_run: u64,
    pub runs: u64,
}

/// What one run leaves for `runs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub run: u64,
    /// The sampled value of each uncertain parameter (`ParamTable::uncertain` order).
    pub sampled: Vec<f64>,
    /// Per outcome: the turn first reached.
    pub reached: Vec<Option<usize>>,
    /// Per event: the turn it first fired.
    pub fired: Vec<Option<usize>>,
    /// Final value of each of [`final_metrics`].
    pub finals: Vec<f64>,
    /// Accumulated utility per actor.
    pub utility: Vec<f64>,
    pub decisions: u64,
}

/// Aggregates over all runs.
#[derive(Debug, Clone)]
pub struct Summary {
    pub runs: u64,
    pub turns_per_run: usize,
    pub decisions: u64,
    pub series: SeriesAgg,
    pub outcomes: OutcomeAgg,
}

/// The metrics whose final values `runs.csv` reports: state variables, influence shares and
/// each issue's cooperation rate.
pub fn final_metrics(sc: &Scenario) -> Vec<Metric> {
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

/// Plays one run to the end, writing its series (`turn × series`, row-major) into `series`.
pub fn run_one(sc: &Scenario, seed: u64, run: u64, finals: &[Metric], series: &mut Vec<f64>) -> RunRecord {
    run_probed(&mut Simulation::new(sc, seed, run), run, &Probes::new(sc, &sc.series), finals, series)
}

/// [`run_one`] on a simulation already at the start of its run, with the scenario's series
/// already resolved.
fn run_probed(
    sim: &mut Simulation<'_>,
    run: u64,
    probes: &Probes,
    finals: &[Metric],
    series: &mut Vec<f64>,
) -> RunRecord {
    let sc = sim.scenario();
    series.clear();
    while !sim.is_done() {
        sim.step();
        sim.record(probes, series);
    }
    let st = sim.state();
    RunRecord {
        run,
        sampled: sc.params.uncertain().iter().map(|id| sim.values().get(*id)).collect(),
        reached: st.reached.clone(),
        fired: st.fired.clone(),
        finals: finals.iter().map(|m| sim.metric(m)).collect(),
        utility: st.utility.clone(),
        decisions: st.decisions,
    }
}

/// Runs the plan on the current rayon pool. `sink` receives the records in run order, a batch
/// at a time; `progress` is called with 1 each time a run finishes (from any worker, in any
/// order). An error from the sink stops the work and is returned.
pub fn run<E>(
    sc: &Scenario,
    plan: Plan,
    mut sink: impl FnMut(&[RunRecord]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, E> {
    let turns = sc.calendar.turns();
    let ranges: Vec<(f64, f64)> = sc.series.iter().map(|m| metric_range(sc, m)).collect();
    let finals = final_metrics(sc);
    let probes = Probes::new(sc, &sc.series);
    let workers = rayon::current_num_threads();
    let cells = turns * sc.series.len();
    let partial: Vec<Mutex<(SeriesAgg, OutcomeAgg, Batch)>> = (0..workers)
        .map(|_| {
            let series = SeriesAgg::new(ranges.clone(), turns);
            Mutex::new((series, OutcomeAgg::new(sc.outcomes.len(), turns), Batch::new(cells, AGGREGATION_BATCH)))
        })
        .collect();
    let mut decisions = 0u64;
    let end = plan.first_run + plan.runs;
    let mut start = plan.first_run;
    while start < end {
        let stop = (start + BATCH).min(end);
        let records: Vec<RunRecord> = (start..stop)
            .into_par_iter()
            // Each worker keeps its simulation and restarts it for each of its runs.
            .map_init(
                || (Vec::new(), None),
                |(buf, sim): &mut (Vec<f64>, Option<Simulation<'_>>), run| {
                    let sim = match sim {
                        Some(sim) => {
                            sim.restart(plan.seed, run);
                            sim
                        }
                        None => sim.insert(Simulation::new(sc, plan.seed, run)),
                    };
                    let record = run_probed(sim, run, &probes, &finals, buf);
                    let slot = rayon::current_thread_index().unwrap_or(0) % workers;
                    let mut guard = partial[slot].lock().expect("no worker panics while holding it");
                    let (series, outcomes, batch) = &mut *guard;
                    batch.push(buf, series);
                    outcomes.add_run(&record.reached);
                    drop(guard);
                    progress(1);
                    record
                },
            )
            .collect();
        decisions += records.iter().map(|r| r.decisions).sum::<u64>();
        sink(&records)?;
        start = stop;
    }
    let mut parts = partial.into_iter().map(|m| {
        let (mut series, outcomes, mut batch) = m.into_inner().expect("no worker panicked");
        batch.flush(&mut series);
        (series, outcomes)
    });
    let (mut series, mut outcomes) = parts.next().expect("at least one worker");
    for (s, o) in parts {
        series.merge(&s);
        outcomes.merge(&o);
    }
    Ok(Summary { runs: plan.runs, turns_per_run: turns, decisions, series, outcomes })
}
