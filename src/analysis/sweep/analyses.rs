//! A sweep's analyses of its design points: Sobol' indices or Morris statistics of every
//! analysed output ([`sensitivity`]), and PRIM scenario discovery of where an outcome is
//! likely ([`discovery`]).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{DESIGN_STREAM, Design, PointResult, Sweep};
use crate::analysis::prim::{self, PrimData, PrimOptions, Trajectory};
use crate::analysis::sensitivity::{Bootstrap, MorrisEffect, SobolIndices, morris_effects, sobol_indices};

/// What a sweep's analyses found for one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    /// `outcome.ID` (its probability per point) or `output.PATH` (its mean per point).
    pub output: String,
    /// The swept parameter's path.
    pub parameter: String,
    /// `S1`, `ST` (Sobol) or `mu`, `mu_star`, `sigma` (Morris).
    pub statistic: &'static str,
    /// The statistic's estimate.
    pub value: f64,
    /// Lower bound of the 95% bootstrap interval, where there is one.
    pub low: Option<f64>,
    /// Upper bound of the interval.
    pub high: Option<f64>,
}

/// The outputs analysed, as (name, value per point).
fn analysed_outputs(sweep: &Sweep, results: &[PointResult]) -> Vec<(String, Vec<f64>)> {
    let reps = sweep.replications as f64;
    let mut out: Vec<(String, Vec<f64>)> = sweep
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            (
                format!("outcome.{}", sweep.scenario.outcomes[o].id),
                results.iter().map(|r| r.reached[i] as f64 / reps).collect(),
            )
        })
        .collect();
    out.extend(sweep.outputs.iter().enumerate().map(|(i, m)| {
        (format!("output.{}", sweep.scenario.metric_path(m)), results.iter().map(|r| r.outputs[i]).collect())
    }));
    out
}

/// Sobol indices or Morris statistics of every analysed output (none for grid and Latin
/// designs). Outputs that do not vary across the design (an outcome never reached) are
/// skipped: they have no sensitivity to apportion.
pub fn sensitivity(sweep: &Sweep, results: &[PointResult]) -> Vec<SensitivityRow> {
    let bootstrap = Bootstrap::new(sweep.bootstrap.max(2), 0.95).unwrap_or_else(|_| Bootstrap::none());
    let mut rows = Vec::new();
    for (i, (name, y)) in analysed_outputs(sweep, results).into_iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(sweep.seed);
        rng.set_stream(DESIGN_STREAM - 1 - i as u64);
        match &sweep.design {
            Design::Sobol(d) => {
                if let Ok(SobolIndices { first, total, .. }) = sobol_indices(d, &y, &bootstrap, &mut rng) {
                    for (p, (s1, st)) in sweep.params.iter().zip(first.iter().zip(&total)) {
                        rows.push(SensitivityRow {
                            output: name.clone(),
                            parameter: p.path.clone(),
                            statistic: "S1",
                            value: s1.value,
                            low: Some(s1.low),
                            high: Some(s1.high),
                        });
                        rows.push(SensitivityRow {
                            output: name.clone(),
                            parameter: p.path.clone(),
                            statistic: "ST",
                            value: st.value,
                            low: Some(st.low),
                            high: Some(st.high),
                        });
                    }
                }
            }
            Design::Morris(d) => {
                if let Ok(effects) = morris_effects(d, &y, &bootstrap, &mut rng) {
                    for (p, MorrisEffect { mu, mu_star, sigma }) in sweep.params.iter().zip(effects) {
                        let row = |statistic, value, low, high| SensitivityRow {
                            output: name.clone(),
                            parameter: p.path.clone(),
                            statistic,
                            value,
                            low,
                            high,
                        };
                        rows.push(row("mu", mu, None, None));
                        rows.push(row("mu_star", mu_star.value, Some(mu_star.low), Some(mu_star.high)));
                        rows.push(row("sigma", sigma, None, None));
                    }
                }
            }
            Design::Grid | Design::Latin { .. } => {}
        }
    }
    rows
}

/// PRIM over the design points, explaining the discovery outcome's probability.
pub fn discovery(sweep: &Sweep, results: &[PointResult]) -> Option<(Trajectory, Option<usize>)> {
    let (outcome, min_density) = sweep.discovery?;
    let column = sweep.outcomes.iter().position(|&o| o == outcome)?;
    let k = sweep.params.len();
    let x: Vec<f64> = results.iter().flat_map(|r| r.values.iter().copied()).collect();
    let y: Vec<f64> = results.iter().map(|r| r.reached[column] as f64 / sweep.replications as f64).collect();
    let data = PrimData::new(&x, k, &y).ok()?;
    let trajectory = prim::peel(&data, &PrimOptions::default());
    let chosen = trajectory.select(min_density);
    Some((trajectory, chosen))
}
