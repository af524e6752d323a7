//! Bootstrap confidence intervals for sensitivity indices.
//!
//! An analysis recomputes its statistics on `replicates` resamples (with replacement) of its
//! independent units: the N base rows of a Saltelli design, the r trajectories of a Morris
//! design. Each statistic gets two intervals from the same replicates:
//! - `conf`, SALib's `*_conf`: the half-width z·sd of a normal interval, with sd the replicates'
//!   standard deviation (n − 1 denominator) and z the normal quantile of (1 + confidence)/2;
//! - `[low, high]`: the percentile interval, the replicates' (1 ∓ confidence)/2 quantiles
//!   (linear interpolation, NumPy's default), which needs no normality and stays inside the
//!   statistic's range.
//!
//! Replicate `r` draws from stream `r` of a ChaCha8 generator seeded with one word taken from
//! the caller's generator, and replicates are stored in order before any reduction, so the
//! intervals do not depend on the number of threads.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::SensitivityError;

/// How many bootstrap replicates to draw and the confidence level of the intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bootstrap {
    replicates: usize,
    confidence: f64,
}

impl Bootstrap {
    /// `replicates` is 0 (no intervals: they are NaN) or at least 2; `confidence` lies in
    /// (0, 1). Percentile intervals at 95% want about 1000 replicates; SALib's default is 100.
    pub fn new(replicates: usize, confidence: f64) -> Result<Bootstrap, SensitivityError> {
        if replicates == 1 {
            return Err(SensitivityError::TooFew { what: "a bootstrap (replicates)", min: 2, got: 1 });
        }
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(SensitivityError::Confidence(confidence));
        }
        Ok(Bootstrap { replicates, confidence })
    }

    /// No resampling: point estimates only, every interval NaN.
    pub fn none() -> Bootstrap {
        Bootstrap { replicates: 0, confidence: 0.95 }
    }

    /// Resamples drawn (0: point estimates only).
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// Confidence level of the intervals, in (0, 1).
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Fills `out` (`replicates × stats`, row-major) by calling `f` once per replicate, on
    /// rayon, with that replicate's generator and its row. `init` makes per-worker scratch
    /// space; `f` must not let the scratch's previous contents affect its result.
    pub(crate) fn run<S, I, F>(&self, rng: &mut ChaCha8Rng, stats: usize, init: I, f: F) -> Vec<f64>
    where
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, &mut ChaCha8Rng, &mut [f64]) + Sync + Send,
    {
        let seed: u64 = rng.random();
        let mut out = vec![0.0; self.replicates * stats];
        if stats == 0 {
            return out;
        }
        out.par_chunks_mut(stats).enumerate().for_each_init(init, |scratch, (r, row)| {
            let mut stream = ChaCha8Rng::seed_from_u64(seed);
            stream.set_stream(r as u64);
            f(scratch, &mut stream, row);
        });
        out
    }

    /// The estimates of `stats` statistics from their point values and the replicates that
    /// [`run`](Self::run) produced.
    pub(crate) fn summarize(&self, values: &[f64], replicates: &[f64]) -> Vec<Estimate> {
        let stats = values.len();
        debug_assert_eq!(replicates.len(), self.replicates * stats);
        if self.replicates == 0 {
            return values
                .iter()
                .map(|&value| Estimate { value, conf: f64::NAN, low: f64::NAN, high: f64::NAN })
                .collect();
        }
        let z = normal_quantile(0.5 + self.confidence / 2.0);
        let tail = (1.0 - self.confidence) / 2.0;
        let mut column = vec![0.0; self.replicates];
        values
            .iter()
            .enumerate()
            .map(|(s, &value)| {
                for (c, row) in column.iter_mut().zip(replicates.chunks_exact(stats)) {
                    *c = row[s];
                }
                let n = column.len() as f64;
                let mean = column.iter().sum::<f64>() / n;
                let sd = (column.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
                column.sort_unstable_by(f64::total_cmp);
                Estimate {
                    value,
                    conf: z * sd,
                    low: quantile_sorted(&column, tail),
                    high: quantile_sorted(&column, 1.0 - tail),
                }
            })
            .collect()
    }
}

impl Default for Bootstrap {
    /// 1000 replicates, 95% intervals.
    fn default() -> Bootstrap {
        Bootstrap { replicates: 1000, confidence: 0.95 }
    }
}

/// A point estimate with its bootstrap intervals (NaN without replicates).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate from the full sample.
    pub value: f64,
    /// Half-width of the normal interval, SALib's `*_conf`: `value ± conf`.
    pub conf: f64,
    /// Lower end of the percentile interval.
    pub low: f64,
    /// Upper end of the percentile interval.
    pub high: f64,
}

impl Estimate {
    /// Whether `x` lies in the percentile interval.
    pub fn covers(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The `q`-quantile of sorted data, interpolating linearly between order statistics (type 7 of
/// Hyndman and Fan, NumPy's default).
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Acklam's rational approximation
/// (relative error below 1.2·10⁻⁹), ample for interval half-widths.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const P_LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - P_LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_tables() {
        for (p, z) in
            [(0.5, 0.0), (0.975, 1.959_963_984_540_054), (0.95, 1.644_853_626_951_472), (0.995, 2.575_829_303_549_03)]
        {
            assert!((normal_quantile(p) - z).abs() < 1e-8, "p = {p}");
            assert!((normal_quantile(1.0 - p) + z).abs() < 1e-8, "p = {}", 1.0 - p);
        }
        assert!((normal_quantile(1e-6) + 4.753_424_308_822_899).abs() < 1e-7);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&x, 0.0), 1.0);
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert_eq!(quantile_sorted(&x, 0.1), 1.4);
        assert_eq!(quantile_sorted(&x, 1.0), 5.0);
    }

    /// The replicates are a function of the caller's generator only, not of rayon's
    /// scheduling: a one-thread pool gives the same numbers as the global pool.
    #[test]
    fn replicates_do_not_depend_on_threads() {
        let boot = Bootstrap::new(64, 0.9).unwrap();
        let draw = |rng: &mut ChaCha8Rng| {
            boot.run(
                rng,
                3,
                || (),
                |_, stream, row| {
                    for x in row.iter_mut() {
                        *x = stream.random::<f64>();
                    }
                },
            )
        };
        let many = draw(&mut ChaCha8Rng::seed_from_u64(5));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let one = pool.install(|| draw(&mut ChaCha8Rng::seed_from_u64(5)));
        assert_eq!(many, one);
        let est = boot.summarize(&[0.5, 0.5, 0.5], &many);
        for e in est {
            assert!(e.low < 0.2 && e.high > 0.8 && e.covers(0.5));
            // Uniform replicates: sd = 1/√12, z(0.95) = 1.645.
            assert!((e.conf - 1.645 / 12f64.sqrt()).abs() < 0.1);
        }
    }

    #[test]
    fn rejects_bad_settings() {
        assert!(Bootstrap::new(1, 0.95).is_err());
        assert_eq!(Bootstrap::new(100, 1.0), Err(SensitivityError::Confidence(1.0)));
        assert!(Bootstrap::new(0, 0.95).is_ok());
        let est = Bootstrap::none().summarize(&[0.3], &[]);
        assert!(est[0].conf.is_nan() && est[0].value == 0.3);
    }
}
