//! The seam for what a Monte Carlo records of each run.
//!
//! A [`Collect`] says what a run leaves behind: what it looks at after every turn, what it
//! adds to its worker's aggregate when the run ends, and what record it hands to the sink in
//! run order. [`super::run_with`] plays the runs and calls it; the default, [`Standard`],
//! records the scenario's series (quantile bands and means), its outcomes and one row per run
//! for `runs.csv`. A hindcast records whether each observed fact held, a teacher's explain
//! collects decision records. Like Mesa's data collector or Agents.jl's `adata`/`mdata`,
//! but monomorphised: a collector is a type parameter, so the default path pays nothing for
//! the choice.
//!
//! Aggregates must be exact and mergeable (integer counts and fixed-point sums): workers
//! aggregate whichever runs they take, and [`Collect::merge`] combines them in worker order,
//! so the result cannot depend on the thread count.

use crate::model::metric::Metric;
use crate::model::param::ParamId;
use crate::scenario::Scenario;
use crate::simulation::{Probes, Simulation};

use super::aggregate::{Batch, OutcomeAgg, SeriesAgg};
use super::counted::Counted;
use super::{RunRecord, final_metrics, metric_range};

/// What a Monte Carlo records of each run. See the module documentation.
pub trait Collect: Sync {
    /// A worker's running aggregate.
    type Agg: Send;
    /// What one run leaves for the sink (delivered in run order).
    type Record: Send;
    /// Per-run working memory, reused by a worker from one run to the next.
    type Scratch: Send + Default;

    /// An empty aggregate, one per worker.
    fn aggregate(&self) -> Self::Agg;

    /// The turns a run must play for this collector: runs stop after them. `None` plays the
    /// scenario to its end.
    fn horizon(&self) -> Option<usize> {
        None
    }

    /// Called before a run's first turn.
    fn start(&self, _sim: &Simulation<'_>, scratch: &mut Self::Scratch) {
        let _ = scratch;
    }

    /// Called after each turn.
    fn turn(&self, sim: &Simulation<'_>, scratch: &mut Self::Scratch);

    /// Called when the run has ended: adds it to the worker's aggregate and returns its
    /// record.
    fn finish(&self, sim: &Simulation<'_>, run: u64, scratch: &mut Self::Scratch, agg: &mut Self::Agg) -> Self::Record;

    /// Completes a worker's aggregate once it has taken its last run (flushes buffers).
    fn close(&self, _agg: &mut Self::Agg) {}

    /// Adds `other` (another worker's closed aggregate) to `into`.
    fn merge(&self, into: &mut Self::Agg, other: &Self::Agg);
}

/// How many runs a worker buffers before adding their series to its aggregate (see
/// [`Batch`]): two bytes per value, 16 MB for the baseline's 15,980 real values per run. Each
/// flush reads every histogram line in use, so fewer flushes cost less: on the baseline (3,000
/// runs, one thread) 512 runs took 3% less CPU time than 256 once the cooperation series
/// were counted apart. (With every series buffered, 512 and 1,024 were no faster than 256.)
/// At most [`super::aggregate::MAX_CAPACITY`].
const AGGREGATION_BATCH: usize = 512;

/// The default collector: the scenario's recorded series, its outcomes, and a
/// [`RunRecord`] per run.
///
/// The series that are counts over a known denominator (cooperation, outcomes, events) are
/// recorded as their numerators and counted ([`Counted`]); the others are buffered as values
/// ([`Batch`]). Both end in the same [`SeriesAgg`], identical to the values added one by one.
pub struct Standard {
    /// Compiled by [`Probes::split`].
    probes: Probes,
    finals: Vec<Metric>,
    /// Where each of `finals` sits in a run's last rows: a run's final values are read there
    /// instead of evaluated again.
    final_at: Vec<Final>,
    /// The uncertain parameters, whose sampled values each record carries.
    uncertain: Vec<ParamId>,
    ranges: Vec<(f64, f64)>,
    turns: usize,
    outcomes: usize,
}

/// Where a final value is read: among a row's real values, or its numerators.
#[derive(Debug, Clone, Copy)]
enum Final {
    Value(usize),
    Counted(usize),
}

impl Standard {
    /// The collector of `sc`'s recorded series (`Scenario::series`) and outcomes.
    pub fn new(sc: &Scenario) -> Standard {
        let probes = Probes::split(sc, &sc.series);
        let finals = final_metrics(sc);
        let place = |i: usize| {
            let find = |among: &[u32]| among.iter().position(|&m| m as usize == i);
            match find(probes.value_metrics()) {
                Some(v) => Final::Value(v),
                None => Final::Counted(find(probes.counted_metrics()).expect("every metric is recorded")),
            }
        };
        let final_at = finals
            .iter()
            .map(|m| place(sc.series.iter().position(|s| s == m).expect("final metrics are recorded series")))
            .collect();
        Standard {
            probes,
            finals,
            final_at,
            uncertain: sc.params.uncertain(),
            ranges: sc.series.iter().map(|m| metric_range(sc, m)).collect(),
            turns: sc.calendar.turns(),
            outcomes: sc.outcomes.len(),
        }
    }
}

/// [`Standard`]'s aggregate: series bands, outcome dates, and the runs buffered or counted
/// for the series.
pub struct StandardAgg {
    /// Per series and turn: histogram and sum.
    pub series: SeriesAgg,
    /// Per outcome: runs that reached it, by turn.
    pub outcomes: OutcomeAgg,
    batch: Batch,
    counted: Counted,
}

/// [`Standard`]'s record of a run's series: row `t` recorded after turn `t`.
#[derive(Debug, Clone, Default)]
pub struct StandardRows {
    /// `turn × real-valued series` ([`Probes::value_metrics`]), row-major.
    values: Vec<f64>,
    /// `turn × counted series` ([`Probes::counted_metrics`]): each value's numerator.
    numerators: Vec<u8>,
}

impl Collect for Standard {
    type Agg = StandardAgg;
    type Record = RunRecord;
    type Scratch = StandardRows;

    fn aggregate(&self) -> StandardAgg {
        let counted = self.probes.counted_metrics();
        // A counted series takes a few values a turn: its histograms are kept sparse.
        let mut sparse = vec![false; self.ranges.len()];
        counted.iter().for_each(|&m| sparse[m as usize] = true);
        let series = SeriesAgg::with_sparse(self.ranges.clone(), self.turns, &sparse);
        let real = self.probes.value_metrics().iter().map(|&m| m as usize).collect();
        // Row `t` is recorded after turn `t`, when the state's turn is `t + 1`.
        let dens = (0..self.turns).flat_map(|t| (0..counted.len()).map(move |c| (t, c)));
        let dens = dens.map(|(t, c)| self.probes.denominator(c, t + 1)).collect();
        StandardAgg {
            batch: Batch::new(&series, real, AGGREGATION_BATCH),
            counted: Counted::new(counted.iter().map(|&m| m as usize).collect(), self.turns, dens),
            series,
            outcomes: OutcomeAgg::new(self.outcomes, self.turns),
        }
    }

    fn start(&self, _sim: &Simulation<'_>, rows: &mut StandardRows) {
        // Sized once per worker: each turn overwrites its own row (no zeroing per run).
        rows.values.resize(self.turns * self.probes.value_metrics().len(), 0.0);
        rows.numerators.resize(self.turns * self.probes.counted_metrics().len(), 0);
    }

    #[inline]
    fn turn(&self, sim: &Simulation<'_>, rows: &mut StandardRows) {
        let t = sim.state().turn - 1;
        let (nv, nc) = (self.probes.value_metrics().len(), self.probes.counted_metrics().len());
        let values = &mut rows.values[t * nv..(t + 1) * nv];
        sim.record_split(&self.probes, values, &mut rows.numerators[t * nc..(t + 1) * nc]);
    }

    fn finish(&self, sim: &Simulation<'_>, run: u64, rows: &mut StandardRows, agg: &mut StandardAgg) -> RunRecord {
        let st = sim.state();
        let (nv, nc) = (self.probes.value_metrics().len(), self.probes.counted_metrics().len());
        // The last turn's row was recorded in the state the run ended in: the same values
        // `sim.metric` gives (the probes' contract). A run without turns has no row.
        let finals = match st.turn.checked_sub(1) {
            Some(last) => self
                .final_at
                .iter()
                .map(|&at| match at {
                    Final::Value(i) => rows.values[last * nv + i],
                    // The quotient the probes compute, in the same operation.
                    Final::Counted(i) => {
                        f64::from(rows.numerators[last * nc + i]) / f64::from(self.probes.denominator(i, st.turn))
                    }
                })
                .collect(),
            None => self.finals.iter().map(|m| sim.metric(m)).collect(),
        };
        agg.batch.push(&rows.values, &mut agg.series);
        agg.counted.add_run(&rows.numerators);
        agg.outcomes.add_run(&st.reached);
        RunRecord {
            run,
            sampled: self.uncertain.iter().map(|id| sim.values().get(*id)).collect(),
            reached: st.reached.clone(),
            fired: st.fired.clone(),
            finals,
            utility: st.utility.clone(),
            decisions: st.decisions,
        }
    }

    fn close(&self, agg: &mut StandardAgg) {
        agg.batch.flush(&mut agg.series);
        agg.counted.fold_into(&mut agg.series);
    }

    fn merge(&self, into: &mut StandardAgg, other: &StandardAgg) {
        into.series.merge(&other.series);
        into.outcomes.merge(&other.outcomes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::{Plan, run};
    use crate::results::fixtures::tiny;

    #[test]
    fn records_carry_the_final_state_and_the_sampled_values() {
        // Final values are read from the last recorded row: they must be what the finished
        // simulation says, and each record's values those its run sampled.
        let sc = tiny();
        let mut records = Vec::new();
        let plan = Plan { seed: 11, first_run: 3, runs: 5 };
        let sink = |b: &[RunRecord]| {
            records.extend_from_slice(b);
            Ok::<_, ()>(())
        };
        run(&sc, plan, sink, &|_| {}).unwrap();
        assert_eq!(records.len(), 5);
        let finals = final_metrics(&sc);
        assert!(!finals.is_empty());
        for r in &records {
            let mut sim = Simulation::new(&sc, plan.seed, r.run);
            sim.run_to_end();
            let want: Vec<u64> = finals.iter().map(|m| sim.metric(m).to_bits()).collect();
            assert_eq!(r.finals.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want, "run {}", r.run);
            let sampled: Vec<f64> = sc.params.uncertain().iter().map(|id| sim.values().get(*id)).collect();
            assert_eq!(r.sampled, sampled);
        }
    }
}
