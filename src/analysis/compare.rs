//! Comparing two scenarios outcome by outcome, on common random numbers.
//!
//! Run `r` of both scenarios uses the same random stream, so a variant that changes one thing
//! differs from its base only through that change and its consequences. The difference of
//! each outcome's probability is estimated from the paired runs: with `n10` runs reaching it
//! under the base only and `n01` under the variant only, `Δ = (n01 − n10)/n` with variance
//! `(n01 + n10 − nΔ²)/n²` (the paired, McNemar-type estimate). The pairing makes the interval
//! much narrower than comparing two independent proportions.

use rayon::prelude::*;
use serde::Serialize;

use crate::montecarlo::Plan;
use crate::montecarlo::aggregate::wilson;
use crate::scenario::Scenario;
use crate::simulation::Simulation;

/// One outcome in both scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeDiff {
    /// The outcome's id.
    pub outcome: String,
    /// The outcome's display name (the variant's, else the base's).
    pub label: String,
    /// Probability under the base; `None` when the base does not define the outcome.
    pub base: Option<f64>,
    /// Probability under the variant; `None` when the variant does not define the outcome.
    pub variant: Option<f64>,
    /// `variant − base`, with its 95% interval (both defined only when both are).
    pub difference: Option<(f64, f64, f64)>,
}

impl OutcomeDiff {
    /// Whether the 95% interval of the difference excludes 0.
    pub fn is_clear(&self) -> bool {
        self.difference.is_some_and(|(_, lo, hi)| lo > 0.0 || hi < 0.0)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    base: u64,
    variant: u64,
    only_base: u64,
    only_variant: u64,
}

/// Runs both scenarios under `plan` and compares every outcome either defines, the largest
/// differences first (outcomes defined by only one scenario last).
pub fn compare(base: &Scenario, variant: &Scenario, plan: Plan) -> Vec<OutcomeDiff> {
    let ids: Vec<String> = {
        let mut ids: Vec<String> = base.outcomes.iter().map(|o| o.id.clone()).collect();
        ids.extend(
            variant.outcomes.iter().map(|o| o.id.clone()).filter(|id| !base.outcomes.iter().any(|o| &o.id == id)),
        );
        ids
    };
    let index = |sc: &Scenario| -> Vec<Option<usize>> {
        ids.iter().map(|id| sc.outcomes.iter().position(|o| &o.id == id)).collect()
    };
    let (in_base, in_variant) = (index(base), index(variant));
    let reached = |sc: &Scenario, run: u64| {
        let mut sim = Simulation::new(sc, plan.seed, run);
        sim.run_to_end();
        sim.state().reached.iter().map(Option::is_some).collect::<Vec<bool>>()
    };
    let zero = || vec![Counts::default(); ids.len()];
    // Integer counts: the same totals in any order, on any number of threads.
    let counts = (plan.first_run..plan.first_run + plan.runs)
        .into_par_iter()
        .fold(zero, |mut acc, run| {
            let (a, b) = (reached(base, run), reached(variant, run));
            for (k, c) in acc.iter_mut().enumerate() {
                let x = in_base[k].is_some_and(|o| a[o]);
                let y = in_variant[k].is_some_and(|o| b[o]);
                c.base += u64::from(x);
                c.variant += u64::from(y);
                c.only_base += u64::from(x && !y);
                c.only_variant += u64::from(y && !x);
            }
            acc
        })
        .reduce(zero, |mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                x.base += y.base;
                x.variant += y.variant;
                x.only_base += y.only_base;
                x.only_variant += y.only_variant;
            }
            a
        });
    let n = plan.runs.max(1) as f64;
    let mut rows: Vec<OutcomeDiff> = ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let c = counts[k];
            let label = in_variant[k]
                .map(|o| variant.outcomes[o].label.clone())
                .or_else(|| in_base[k].map(|o| base.outcomes[o].label.clone()))
                .unwrap_or_default();
            let pb = in_base[k].map(|_| c.base as f64 / n);
            let pv = in_variant[k].map(|_| c.variant as f64 / n);
            let difference = (in_base[k].is_some() && in_variant[k].is_some()).then(|| paired(c, plan.runs));
            OutcomeDiff { outcome: id.clone(), label, base: pb, variant: pv, difference }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &OutcomeDiff| r.difference.map_or(-1.0, |(d, _, _)| d.abs());
        key(b).total_cmp(&key(a))
    });
    rows
}

/// The paired difference `variant − base` and its 95% interval. When no run is discordant
/// the interval is the Wilson interval of "0 discordant in n" on either side.
fn paired(c: Counts, runs: u64) -> (f64, f64, f64) {
    let n = runs.max(1) as f64;
    let d = (c.only_variant as f64 - c.only_base as f64) / n;
    let discordant = (c.only_variant + c.only_base) as f64;
    let var = ((discordant - n * d * d) / (n * n)).max(0.0);
    let half = if discordant == 0.0 { wilson(0, runs).1 } else { 1.959_963_984_540_054 * var.sqrt() };
    (d, (d - half).max(-1.0), (d + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_difference_and_interval() {
        let c = Counts { base: 30, variant: 50, only_base: 5, only_variant: 25 };
        let (d, lo, hi) = paired(c, 100);
        assert!((d - 0.2).abs() < 1e-12);
        // var = (30 - 100·0.04)/10⁴ = 0.0026; half = 1.96·0.051 = 0.0999
        assert!((hi - lo - 2.0 * 1.959_963_984_540_054 * 0.0026f64.sqrt()).abs() < 1e-9);
        let (d, lo, hi) = paired(Counts::default(), 100);
        assert_eq!(d, 0.0);
        assert!(lo < 0.0 && hi > 0.0);
    }
}
