//! The collector of a hindcast: per run, whether each fact's condition held over its window.
//!
//! For every fact evaluated, a run tracks one flag while the turns pass: for `throughout` it
//! starts true and is cleared by any turn of the window in which the condition fails; for
//! `at` and `sometime` it starts false and is set by any turn in which it holds (`at` has a
//! one-turn window unless widened by a tolerance). Metrics are read with compiled
//! [`Probes`], only in turns some window covers, and runs stop after the last such turn. The
//! aggregate is an exact count per fact of the runs in which it held, so it is the same on
//! any number of threads and the counts of shards add up.

use crate::model::metric::Metric;
use crate::model::outcome::Condition;
use crate::montecarlo::Collect;
use crate::scenario::Scenario;
use crate::simulation::{Probes, Simulation};

use super::observations::Observation;

/// One fact, compiled: where its metrics are among the probes, its condition and its mode.
#[derive(Debug, Clone)]
struct Fact {
    metric: usize,
    other: Option<usize>,
    condition: Condition,
    every_turn: bool,
}

/// Counts, for a chosen set of facts, the runs in which each held.
#[derive(Debug, Clone)]
pub struct Facts {
    probes: Probes,
    facts: Vec<Fact>,
    /// Per turn: the facts whose window covers it.
    by_turn: Vec<Vec<u32>>,
    horizon: usize,
}

/// Per-run state: the metrics of the current turn and each fact's flag.
#[derive(Debug, Clone, Default)]
pub struct FactScratch {
    values: Vec<f64>,
    held: Vec<bool>,
}

/// Runs in which each fact held, out of `runs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactCounts {
    /// Runs played.
    pub runs: u64,
    /// Per fact, in the order given to [`Facts::new`].
    pub held: Vec<u64>,
}

impl Facts {
    /// The collector of `facts` of `sc` (the facts' windows lie in its calendar).
    pub fn new<'a>(sc: &Scenario, facts: impl IntoIterator<Item = &'a Observation>) -> Facts {
        let mut metrics: Vec<Metric> = Vec::new();
        let mut slot = |m: Metric| match metrics.iter().position(|x| *x == m) {
            Some(i) => i,
            None => {
                metrics.push(m);
                metrics.len() - 1
            }
        };
        let mut by_turn: Vec<Vec<u32>> = vec![Vec::new(); sc.calendar.turns()];
        let mut compiled = Vec::new();
        let mut horizon = 0;
        for (i, o) in facts.into_iter().enumerate() {
            compiled.push(Fact {
                metric: slot(o.condition.metric),
                other: o.condition.other.map(&mut slot),
                condition: o.condition,
                every_turn: o.mode.needs_every_turn(),
            });
            for turn in &mut by_turn[o.first..=o.last] {
                turn.push(u32::try_from(i).expect("fewer than 2³² facts"));
            }
            horizon = horizon.max(o.last + 1);
        }
        Facts { probes: Probes::new(sc, &metrics), facts: compiled, by_turn, horizon }
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

impl Collect for Facts {
    type Agg = FactCounts;
    type Record = ();
    type Scratch = FactScratch;

    fn aggregate(&self) -> FactCounts {
        FactCounts { runs: 0, held: vec![0; self.facts.len()] }
    }

    fn horizon(&self) -> Option<usize> {
        Some(self.horizon)
    }

    fn start(&self, _sim: &Simulation<'_>, scratch: &mut FactScratch) {
        scratch.held.clear();
        scratch.held.extend(self.facts.iter().map(|f| f.every_turn));
    }

    #[inline]
    fn turn(&self, sim: &Simulation<'_>, scratch: &mut FactScratch) {
        let turn = sim.state().turn - 1;
        let active = &self.by_turn[turn];
        if active.is_empty() {
            return;
        }
        scratch.values.clear();
        sim.record(&self.probes, &mut scratch.values);
        for &i in active {
            let f = &self.facts[i as usize];
            let value = scratch.values[f.metric] - f.other.map_or(0.0, |o| scratch.values[o]);
            let holds = f.condition.holds(value);
            let flag = &mut scratch.held[i as usize];
            *flag = if f.every_turn { *flag && holds } else { *flag || holds };
        }
    }

    fn finish(&self, _sim: &Simulation<'_>, _run: u64, scratch: &mut FactScratch, agg: &mut FactCounts) {
        agg.runs += 1;
        for (count, &held) in agg.held.iter_mut().zip(&scratch.held) {
            *count += u64::from(held);
        }
    }

    fn merge(&self, into: &mut FactCounts, other: &FactCounts) {
        into.runs += other.runs;
        for (a, b) in into.held.iter_mut().zip(&other.held) {
            *a += b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::hindcast::observations::{Mode, Observations};
    use crate::montecarlo::{Plan, run_with};

    fn tiny() -> Scenario {
        Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap()
    }

    /// The flags the collector leaves for one run equal a direct recomputation from the
    /// metric values of every turn, read with `Simulation::metric`, for every mode.
    #[test]
    fn flags_match_a_recomputation_from_each_turns_metrics() {
        let sc = tiny();
        let text = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n\
            a,A,state.threat > 0.15,throughout,2014-Q2,2015-Q4,1,,train,R\n\
            b,B,state.threat > 0.45,sometime,2015,2016,1,,train,R\n\
            c,C,coop.transit,at,,2015-Q3,0,,test,R\n\
            d,D,coop.transit,at,,2015-Q3,0,2,test,R\n\
            e,E,trust.russia.usa < trust.usa.russia,throughout,2014,2014,1,,train,R\n\
            f,F,event.offensive,sometime,2014-Q1,2017-Q4,1,,train,R\n\
            g,G,coop_rate.afghan > 0.4,at,,2014-Q1,1,,train,R\n";
        let obs = Observations::parse(text, "o.csv", &sc).unwrap();
        let facts = Facts::new(&sc, &obs.rows);
        assert_eq!(facts.horizon, 16);
        let mut seen = [[false; 2]; 7];
        for run in 0..12 {
            let plan = Plan { seed: 5, first_run: run, runs: 1 };
            let (counts, _) = run_with(&sc, &facts, plan, |_: &[()]| Ok::<_, ()>(()), &|_| {}).unwrap();
            // By hand: step the same run, read every fact's metrics after every turn.
            let mut sim = Simulation::new(&sc, 5, run);
            let mut values: Vec<Vec<f64>> = Vec::new();
            while !sim.is_done() {
                sim.step();
                values.push(obs.rows.iter().map(|o| o.condition.value(|m| sim.metric(m))).collect());
            }
            for (i, o) in obs.rows.iter().enumerate() {
                let turns = || (o.first..=o.last).map(|t| o.condition.holds(values[t][i]));
                let expected = match o.mode {
                    Mode::Throughout => turns().all(|h| h),
                    Mode::Sometime | Mode::At => turns().any(|h| h),
                };
                assert_eq!(counts.held[i], u64::from(expected), "run {run}, fact {}", o.id);
                seen[i][usize::from(expected)] = true;
            }
            assert_eq!(counts.runs, 1);
        }
        // The facts were chosen so that most go both ways across these runs.
        assert!(seen.iter().filter(|s| s[0] && s[1]).count() >= 4, "{seen:?}");
    }

    #[test]
    fn counts_do_not_depend_on_the_thread_count() {
        let sc = tiny();
        let text = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n\
            a,A,state.threat > 0.15,throughout,2014-Q2,2015-Q4,1,,train,R\n\
            b,B,coop.transit,sometime,2016,2016,1,,train,R\n";
        let obs = Observations::parse(text, "o.csv", &sc).unwrap();
        let facts = Facts::new(&sc, &obs.rows);
        let plan = Plan { seed: 1, first_run: 0, runs: 60 };
        let count = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| run_with(&sc, &facts, plan, |_: &[()]| Ok::<_, ()>(()), &|_| {}).unwrap().0)
        };
        let one = count(1);
        assert_eq!(one, count(2));
        assert_eq!(one.runs, 60);
        assert!(one.held.iter().all(|&h| h > 0 && h < 60), "{one:?}");
    }
}
