//! Scores of probability forecasts against what happened: pure arithmetic on (forecast,
//! outcome) pairs, with no knowledge of scenarios or runs.
//!
//! - The Brier score, (p − o)², on the forecast as given.
//! - The log score, −ln p′ if the fact held and −ln(1 − p′) if not, on p′ = p clipped to
//!   [`CLIP`] = [0.01, 0.99]: a forecast of exactly 0 or 1 that is wrong would otherwise
//!   score infinity. The clip applies to every forecaster alike, the references included.
//! - The Murphy decomposition of the Brier score with its within-bin terms (Stephenson,
//!   Coelho and Jolliffe 2008, *Weather and Forecasting* 23): forecasts are binned into
//!   [`BINS`] bins of width 0.1 centred on 0, 0.1, …, 1 (the first and last are half bins:
//!   [0, 0.05), [0.05, 0.15), …, [0.85, 0.95), [0.95, 1]); with n_k forecasts in bin k, mean
//!   forecast f̄_k and observed frequency ō_k, and ō the overall frequency,
//!   REL = (1/N) Σ_k n_k (f̄_k − ō_k)², RES = (1/N) Σ_k n_k (ō_k − ō)², UNC = ō (1 − ō),
//!   WBV = (1/N) Σ_k Σ_{i∈k} (f_i − f̄_k)², WBC = (2/N) Σ_k Σ_{i∈k} (o_i − ō_k)(f_i − f̄_k),
//!   so that BS = REL − RES + UNC + WBV − WBC exactly. Lower REL is better calibration,
//!   higher RES better discrimination; UNC depends on the facts alone.

use serde::Serialize;

/// The interval forecasts are clipped to for the log score.
pub const CLIP: (f64, f64) = (0.01, 0.99);

/// Number of reliability bins.
pub const BINS: usize = 11;

/// The bins in words, for manifests.
pub const BINS_DESCRIPTION: &str =
    "11 bins of width 0.1 centred on 0, 0.1, ..., 1: [0, 0.05), [0.05, 0.15), ..., [0.85, 0.95), [0.95, 1]";

/// `p` clipped to [`CLIP`].
pub fn clip(p: f64) -> f64 {
    p.clamp(CLIP.0, CLIP.1)
}

/// The Brier score of one forecast, in [0, 1].
pub fn brier(p: f64, observed: bool) -> f64 {
    let o = f64::from(u8::from(observed));
    (p - o) * (p - o)
}

/// The log score of one forecast, in [−ln 0.99, −ln 0.01] ≈ [0.01, 4.61]; lower is better.
pub fn log_score(p: f64, observed: bool) -> f64 {
    let p = clip(p);
    if observed { -p.ln() } else { -(1.0 - p).ln() }
}

/// The bin of forecast `p`: the nearest tenth, so bin k holds [k/10 − 0.05, k/10 + 0.05).
pub fn bin(p: f64) -> usize {
    ((p * 10.0 + 0.5).floor().max(0.0) as usize).min(BINS - 1)
}

/// The bounds of bin `k`: `[low, high)`, the last one closed.
pub fn bin_bounds(k: usize) -> (f64, f64) {
    let centre = k as f64 / 10.0;
    ((centre - 0.05).max(0.0), (centre + 0.05).min(1.0))
}

/// A forecaster's scores over a set of facts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Number of facts.
    pub n: usize,
    /// Mean Brier score, in [0, 1].
    pub brier: f64,
    /// Mean log score (natural log, clipped forecasts).
    pub log_score: f64,
    /// REL of the Murphy decomposition: calibration error (lower is better), >= 0.
    pub reliability: f64,
    /// RES: how far the bins' observed frequencies stray from the overall one (higher is better).
    pub resolution: f64,
    /// UNC = ō(1 − ō): depends on the facts alone.
    pub uncertainty: f64,
    /// Within-bin variance of the forecasts.
    pub wbv: f64,
    /// Within-bin covariance of forecasts and outcomes (times two).
    pub wbc: f64,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// Forecasts in the bin.
    pub n: usize,
    /// Mean forecast in the bin; `None` when empty.
    pub mean_forecast: Option<f64>,
    /// Share of the bin's facts that held; `None` when empty.
    pub observed_frequency: Option<f64>,
}

/// Each bin's count, mean forecast and observed frequency.
pub fn bins(forecasts: &[f64], observed: &[bool]) -> [Bin; BINS] {
    let mut n = [0usize; BINS];
    let mut f = [0.0; BINS];
    let mut o = [0.0; BINS];
    for (&p, &obs) in forecasts.iter().zip(observed) {
        let k = bin(p);
        n[k] += 1;
        f[k] += p;
        o[k] += f64::from(u8::from(obs));
    }
    std::array::from_fn(|k| Bin {
        n: n[k],
        mean_forecast: (n[k] > 0).then(|| f[k] / n[k] as f64),
        observed_frequency: (n[k] > 0).then(|| o[k] / n[k] as f64),
    })
}

/// The scores of `forecasts` of the facts `observed` (same length); `None` when there are
/// none.
pub fn score(forecasts: &[f64], observed: &[bool]) -> Option<Scores> {
    assert_eq!(forecasts.len(), observed.len(), "one forecast per fact");
    let n = forecasts.len();
    if n == 0 {
        return None;
    }
    let total = n as f64;
    let o = |x: bool| f64::from(u8::from(x));
    let brier_mean = forecasts.iter().zip(observed).map(|(&p, &x)| brier(p, x)).sum::<f64>() / total;
    let log_mean = forecasts.iter().zip(observed).map(|(&p, &x)| log_score(p, x)).sum::<f64>() / total;
    let base = observed.iter().map(|&x| o(x)).sum::<f64>() / total;
    let bins = bins(forecasts, observed);
    let (mut rel, mut res, mut wbv, mut wbc) = (0.0, 0.0, 0.0, 0.0);
    for (k, b) in bins.iter().enumerate() {
        let (Some(fk), Some(ok)) = (b.mean_forecast, b.observed_frequency) else { continue };
        rel += b.n as f64 * (fk - ok) * (fk - ok);
        res += b.n as f64 * (ok - base) * (ok - base);
        for (&p, &x) in forecasts.iter().zip(observed).filter(|(p, _)| bin(**p) == k) {
            wbv += (p - fk) * (p - fk);
            wbc += (o(x) - ok) * (p - fk);
        }
    }
    Some(Scores {
        n,
        brier: brier_mean,
        log_score: log_mean,
        reliability: rel / total,
        resolution: res / total,
        uncertainty: base * (1.0 - base),
        wbv: wbv / total,
        wbc: 2.0 * wbc / total,
    })
}

/// The leave-one-out base rate: for each fact, the share of the *other* facts of its group
/// that held (0.5 when it is alone in its group).
pub fn base_rate<G: PartialEq>(observed: &[bool], groups: &[G]) -> Vec<f64> {
    assert_eq!(observed.len(), groups.len(), "one group per fact");
    observed
        .iter()
        .zip(groups)
        .enumerate()
        .map(|(i, (_, g))| {
            let others: Vec<bool> = observed
                .iter()
                .zip(groups)
                .enumerate()
                .filter(|(j, (_, h))| *j != i && *h == g)
                .map(|(_, (&x, _))| x)
                .collect();
            if others.is_empty() { 0.5 } else { others.iter().filter(|&&x| x).count() as f64 / others.len() as f64 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn a_perfect_forecaster_and_an_always_wrong_one() {
        let observed = [true, false, true, true, false];
        let perfect: Vec<f64> = observed.iter().map(|&x| if x { 1.0 } else { 0.0 }).collect();
        let s = score(&perfect, &observed).unwrap();
        assert_eq!(s.brier, 0.0);
        assert!(close(s.log_score, -(0.99f64).ln()));
        assert_eq!((s.reliability, s.wbv, s.wbc), (0.0, 0.0, 0.0));
        assert!(close(s.resolution, s.uncertainty) && close(s.uncertainty, 0.6 * 0.4));
        let wrong: Vec<f64> = perfect.iter().map(|p| 1.0 - p).collect();
        let s = score(&wrong, &observed).unwrap();
        assert_eq!(s.brier, 1.0);
        assert!(close(s.log_score, -(0.01f64).ln()));
        assert!(score(&[], &[]).is_none());
    }

    #[test]
    fn log_scores_clip_both_ends_for_everyone() {
        assert_eq!(clip(0.0), 0.01);
        assert_eq!(clip(1.0), 0.99);
        assert_eq!(clip(0.3), 0.3);
        assert!(close(log_score(0.0, true), -(0.01f64).ln()));
        assert!(close(log_score(0.005, false), -(0.99f64).ln()));
        assert!(close(log_score(0.3, true), -(0.3f64).ln()));
        assert!(close(log_score(0.3, false), -(0.7f64).ln()));
        // The Brier score is not clipped.
        assert_eq!(brier(0.0, true), 1.0);
        assert!(close(brier(0.3, false), 0.09));
    }

    #[test]
    fn bins_are_tenths_with_half_bins_at_the_ends() {
        assert_eq!([0.0, 0.049, 0.05, 0.149, 0.15, 0.5, 0.94, 0.95, 1.0].map(bin), [0, 0, 1, 1, 2, 5, 9, 10, 10]);
        assert_eq!(bin_bounds(0), (0.0, 0.05));
        assert!(close(bin_bounds(3).0, 0.25) && close(bin_bounds(3).1, 0.35));
        assert_eq!(bin_bounds(10), (0.95, 1.0));
    }

    /// The decomposition adds up, within-bin terms included, on forecasts spread irregularly
    /// over several bins, some bins holding mixed outcomes.
    #[test]
    fn the_decomposition_adds_up_to_the_brier_score() {
        let forecasts = [0.02, 0.11, 0.14, 0.07, 0.33, 0.27, 0.31, 0.55, 0.62, 0.58, 0.91, 0.87, 0.98, 0.45];
        let observed = [false, false, true, false, true, false, false, true, false, true, true, true, true, false];
        let s = score(&forecasts, &observed).unwrap();
        let decomposed = s.reliability - s.resolution + s.uncertainty + s.wbv - s.wbc;
        assert!((s.brier - decomposed).abs() < 1e-12, "{s:?}");
        assert!(s.wbv > 0.0 && s.wbc != 0.0, "the example exercises the within-bin terms");
        // By hand for one bin: bin 1 holds 0.11, 0.14, 0.07 with outcomes 0, 1, 0.
        let b = bins(&forecasts, &observed)[1];
        assert_eq!(b.n, 3);
        assert!(close(b.mean_forecast.unwrap(), 0.32 / 3.0));
        assert!(close(b.observed_frequency.unwrap(), 1.0 / 3.0));
        assert_eq!(bins(&forecasts, &observed)[4], Bin { n: 0, mean_forecast: None, observed_frequency: None });
        let base = 7.0 / 14.0;
        assert!(close(s.uncertainty, base * (1.0 - base)));
    }

    #[test]
    fn the_base_rate_leaves_each_fact_out_of_its_own_forecast() {
        let observed = [true, true, false, true, false, true];
        let groups = ["train", "train", "train", "train", "test", "test"];
        let p = base_rate(&observed, &groups);
        // Train: 3 of 4 held; each train fact sees the other three.
        assert!(close(p[0], 2.0 / 3.0) && close(p[1], 2.0 / 3.0) && close(p[3], 2.0 / 3.0));
        assert!(close(p[2], 1.0));
        // Test: each sees the other one.
        assert_eq!((p[4], p[5]), (1.0, 0.0));
        assert_eq!(base_rate(&[true], &["alone"]), vec![0.5]);
    }
}
