//! Series whose every value is a small count over a known denominator, counted as integers.
//!
//! A cooperation indicator is 0 or 1, a cooperation rate `k / window`, a public good's share
//! of contributors `j / participants`, an outcome or an event 0 or 1: a value `k / d` whose
//! denominator `d` depends on the series and the turn only
//! ([`crate::simulation::Probes::denominator`]). A run records its numerators (one byte each,
//! [`crate::simulation::Simulation::record_split`]), and a worker counts them in a small table
//! of `d + 1` counters per series and turn, which stays in cache: no fixed-point sum and no
//! bin per value, no buffering. When the worker closes, each counter `n` of numerator `k`
//! becomes `n` values `k / d` of a [`SeriesAgg`]: the same bin and the same exact sum as the
//! float `k / d` the probes would have recorded, added `n` times, so the aggregate is
//! identical to the one of the values added one by one.

use super::aggregate::SeriesAgg;

/// Per-worker counts of the numerators of counted series. See the module documentation.
#[derive(Debug, Clone)]
pub struct Counted {
    /// Per counted series: its series in the aggregate.
    series: Vec<usize>,
    /// Per cell, in the runs' layout (`turns × counted series`): the denominator.
    dens: Vec<u32>,
    /// Counters per cell: one more than the largest numerator.
    stride: usize,
    /// `cells × stride`: runs per numerator.
    counts: Vec<u32>,
}

impl Counted {
    /// Counts for the series `series` of an aggregate over `turns` turns; `dens[turn × n + i]`
    /// (`n = series.len()`) is the denominator of the `i`-th at `turn`, at least 1. Numerators
    /// are at most their denominator and at most 64.
    pub fn new(series: Vec<usize>, turns: usize, dens: Vec<u32>) -> Counted {
        assert_eq!(dens.len(), series.len() * turns, "one denominator per series and turn");
        assert!(dens.iter().all(|&d| d >= 1), "denominators are at least 1");
        let stride = dens.iter().map(|&d| d.min(64) as usize + 1).max().unwrap_or(1);
        Counted { counts: vec![0; dens.len() * stride], series, dens, stride }
    }

    /// Adds one run: `numerators[turn × n + i]` is the numerator of the `i`-th series at
    /// `turn`.
    #[inline]
    pub fn add_run(&mut self, numerators: &[u8]) {
        debug_assert_eq!(numerators.len(), self.dens.len());
        debug_assert!(numerators.iter().zip(&self.dens).all(|(&k, &d)| u32::from(k) <= d.min(64)));
        let stride = self.stride;
        for (cell, &k) in numerators.iter().enumerate() {
            self.counts[cell * stride + usize::from(k)] += 1;
        }
    }

    /// Adds the values counted so far to `agg` (without counting runs: the aggregate's other
    /// series count them) and starts again from zero.
    pub fn fold_into(&mut self, agg: &mut SeriesAgg) {
        let n = self.series.len().max(1);
        for (cell, (&d, counters)) in self.dens.iter().zip(self.counts.chunks_exact_mut(self.stride)).enumerate() {
            let (turn, series) = (cell / n, self.series[cell % n]);
            for (k, runs) in counters.iter_mut().enumerate().take(d.min(64) as usize + 1) {
                if *runs > 0 {
                    // The quotient the probes compute, in the same operation.
                    agg.add_times(series, turn, f64::from(k as u32) / f64::from(d), *runs);
                    *runs = 0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::aggregate::Batch;

    #[test]
    fn counted_values_aggregate_as_the_values_themselves() {
        // Three series over four turns: a yes/no, a rate over a window growing to 3, a share
        // of 5 participants; one real series between them is added by the batch.
        let turns = 4;
        let dens: Vec<u32> = (0..turns).flat_map(|t| [1, (t as u32 + 1).min(3), 5]).collect();
        let runs: Vec<Vec<u8>> = (0..41u32)
            .map(|r| dens.iter().enumerate().map(|(c, &d)| ((r * 7 + c as u32 * 3) % (d + 1)) as u8).collect())
            .collect();
        let real = |r: usize, t: usize| ((r * 13 + t * 5) % 17) as f64 / 16.0;
        let ranges = vec![(0.0, 1.0); 4];
        let mut one = SeriesAgg::new(ranges.clone(), turns);
        for (r, run) in runs.iter().enumerate() {
            let values: Vec<f64> = (0..turns)
                .flat_map(|t| {
                    let c = |i: usize| f64::from(run[t * 3 + i]) / f64::from(dens[t * 3 + i]);
                    [c(0), real(r, t), c(1), c(2)]
                })
                .collect();
            one.add_run(&values);
        }
        let mut split = SeriesAgg::with_sparse(ranges, turns, &[true, false, true, true]);
        let mut counted = Counted::new(vec![0, 2, 3], turns, dens.clone());
        let mut batch = Batch::new(&split, vec![1], 16);
        for (r, run) in runs.iter().enumerate() {
            counted.add_run(run);
            batch.push(&(0..turns).map(|t| real(r, t)).collect::<Vec<_>>(), &mut split);
        }
        batch.flush(&mut split);
        counted.fold_into(&mut split);
        assert_eq!(split.runs(), 41);
        for s in 0..4 {
            for t in 0..turns {
                assert!(split.bins(s, t).eq(one.bins(s, t)), "series {s}, turn {t}");
                assert_eq!(split.sum(s, t), one.sum(s, t), "series {s}, turn {t}");
            }
        }
        // Folded counts start again from zero.
        counted.fold_into(&mut split);
        assert_eq!(split.sum(0, 3), one.sum(0, 3));
    }
}
