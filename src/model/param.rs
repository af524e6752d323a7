//! Numeric parameters: a fixed number or a distribution sampled once per run.
//!
//! Every number of a scenario is registered in a [`ParamTable`] under its key path (for
//! example `actors.china.interests.economy`), with the domain it must lie in and the source
//! it rests on. The engine reads the sampled values by [`ParamId`]; sweeps, events and the
//! `sources` listing address them by path. Distributions are checked when they are built
//! (like `rand_distr`'s constructors), so sampling never fails.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution as _;
use serde::Serialize;

use crate::model::quantile;

/// Index of a parameter in its scenario's [`ParamTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ParamId(pub u32);

/// Largest magnitude of any parameter: far beyond any meaningful payoff, weight or rate, small
/// enough that the model's arithmetic cannot overflow.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// A number as messages show it: as written for everyday magnitudes, in exponent form beyond
/// them (`1e308`, not 309 digits).
pub(crate) fn show(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-6..1e16).contains(&x.abs()) { x.to_string() } else { format!("{x:e}") }
}

/// The values a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Domain {
    /// Any finite number.
    Real,
    /// Finite and `>= 0`.
    NonNegative,
    /// Finite and `> 0`.
    Positive,
    /// Within `[lo, hi]`.
    Range(f64, f64),
}

impl Domain {
    /// `[0, 1]`: shares, probabilities, trust, per-year fractions.
    pub const UNIT: Domain = Domain::Range(0.0, 1.0);

    /// Whether `x` is finite and lies in the domain.
    pub fn contains(self, x: f64) -> bool {
        let (lo, hi) = self.bounds();
        x.is_finite() && x >= lo && x <= hi && (self != Domain::Positive || x > 0.0)
    }

    /// Whether every value from `lo` to `hi` lies in the domain.
    pub fn covers(self, lo: f64, hi: f64) -> bool {
        lo <= hi && self.contains(lo) && self.contains(hi)
    }

    /// Lower and upper bounds. Open domains stop at ±[`MAX_MAGNITUDE`], so that products and
    /// sums of a few parameters over any horizon stay finite.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Domain::Real => (-MAX_MAGNITUDE, MAX_MAGNITUDE),
            Domain::NonNegative | Domain::Positive => (0.0, MAX_MAGNITUDE),
            Domain::Range(lo, hi) => (lo, hi),
        }
    }

    /// How the domain reads in an error message.
    pub fn describe(self) -> String {
        match self {
            Domain::Real => "a number from -1e6 to 1e6".into(),
            Domain::NonNegative => "a number from 0 to 1e6".into(),
            Domain::Positive => "a number > 0 and at most 1e6".into(),
            Domain::Range(lo, hi) => format!("a number in [{lo}, {hi}]"),
        }
    }
}

/// A checked distribution. Build it with [`Distribution::new_uniform`] and its siblings,
/// which reject parameters that are not finite or not ordered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Distribution {
    /// Always `value`.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (> `low`).
        high: f64,
    },
    /// Normal, resampled to stay inside `[low, high]`; after 64 misses (a distribution almost
    /// entirely outside its bounds) the mean, clamped to the bounds, stands in.
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (> 0).
        sd: f64,
        /// Lower truncation bound.
        low: f64,
        /// Upper truncation bound (> `low`).
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// The most likely value, in `[low, high]`.
        mode: f64,
        /// Upper bound (> `low`).
        high: f64,
    },
    /// Beta(alpha, beta) scaled to `[low, high]`.
    Beta {
        /// First shape parameter (> 0).
        alpha: f64,
        /// Second shape parameter (> 0).
        beta: f64,
        /// The value a draw of 0 maps to.
        low: f64,
        /// The value a draw of 1 maps to (> `low`).
        high: f64,
    },
    /// One of `values`, with probabilities proportional to `weights`.
    Choice {
        /// The values, at least one.
        values: Vec<f64>,
        /// Their weights (>= 0, not all 0), one per value.
        weights: Vec<f64>,
    },
}

impl Distribution {
    /// Uniform on `[low, high)`; needs finite `low < high`.
    pub fn new_uniform(low: f64, high: f64) -> Result<Self, String> {
        finite(&[low, high])?;
        if low >= high {
            return Err(format!("uniform needs low < high, got low = {}, high = {}", show(low), show(high)));
        }
        Ok(Distribution::Uniform { low, high })
    }

    /// Normal(mean, sd) truncated to `[low, high]`; needs finite `sd > 0` and `low <= mean <= high`
    /// with `low < high`.
    pub fn new_normal(mean: f64, sd: f64, low: f64, high: f64) -> Result<Self, String> {
        finite(&[mean, sd])?;
        if sd <= 0.0 {
            return Err(format!("normal needs sd > 0, got {}", show(sd)));
        }
        if low >= high || !(low..=high).contains(&mean) {
            return Err(format!(
                "normal needs low < mean < high, got [{}, {}] around {}",
                show(low),
                show(high),
                show(mean)
            ));
        }
        Ok(Distribution::Normal { mean, sd, low, high })
    }

    /// Triangular on `[low, high]` peaking at `mode`; needs finite `low <= mode <= high` with
    /// `low < high`.
    pub fn new_triangular(low: f64, mode: f64, high: f64) -> Result<Self, String> {
        finite(&[low, mode, high])?;
        if !(low < high && (low..=high).contains(&mode)) {
            return Err(format!(
                "triangular needs low <= mode <= high and low < high, got {}, {}, {}",
                show(low),
                show(mode),
                show(high)
            ));
        }
        Ok(Distribution::Triangular { low, mode, high })
    }

    /// Beta(alpha, beta) scaled to `[low, high]`; needs finite `alpha, beta > 0` and `low < high`.
    pub fn new_beta(alpha: f64, beta: f64, low: f64, high: f64) -> Result<Self, String> {
        finite(&[alpha, beta, low, high])?;
        if alpha <= 0.0 || beta <= 0.0 {
            return Err(format!("beta needs alpha > 0 and beta > 0, got {}, {}", show(alpha), show(beta)));
        }
        if low >= high {
            return Err(format!("beta needs low < high, got [{}, {}]", show(low), show(high)));
        }
        Ok(Distribution::Beta { alpha, beta, low, high })
    }

    /// One of `values` with probabilities proportional to `weights` (equal when `None`); needs at
    /// least one finite value, and as many weights, each >= 0 with a positive sum.
    pub fn new_choice(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Self, String> {
        if values.is_empty() {
            return Err("choice needs at least one value".into());
        }
        finite(&values)?;
        let weights = weights.unwrap_or_else(|| vec![1.0; values.len()]);
        if weights.len() != values.len() {
            let count = |n: usize, noun: &str| crate::english::count(n as u64, noun);
            return Err(format!("choice has {} but {}", count(values.len(), "value"), count(weights.len(), "weight")));
        }
        if weights.iter().any(|w| !w.is_finite() || *w < 0.0) || weights.iter().sum::<f64>() <= 0.0 {
            return Err("choice weights must be >= 0 with a positive sum".into());
        }
        Ok(Distribution::Choice { values, weights })
    }

    /// Whether the distribution is a single value (it then consumes no randomness).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Distribution::Fixed { .. })
    }

    /// The smallest and largest values the distribution can produce.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Distribution::Fixed { value } => (*value, *value),
            Distribution::Uniform { low, high }
            | Distribution::Normal { low, high, .. }
            | Distribution::Triangular { low, high, .. }
            | Distribution::Beta { low, high, .. } => (*low, *high),
            Distribution::Choice { values, .. } => {
                values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
            }
        }
    }

    /// A central value: what a deterministic walk-through or a sweep's default uses.
    pub fn central(&self) -> f64 {
        match self {
            Distribution::Fixed { value } => *value,
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => *mean,
            Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Distribution::Beta { alpha, beta, low, high } => low + (high - low) * alpha / (alpha + beta),
            Distribution::Choice { values, weights } => {
                values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / weights.iter().sum::<f64>()
            }
        }
    }

    /// The value whose cumulative probability is `u` (clamped to [0, 1]): the quantile
    /// function, which maps a design point of the unit cube to a draw from the prior. Uniform
    /// and triangular in closed form; the truncated normal by inverting its CDF (`erfc`, with
    /// the tail on the far side of the mean taken from the complement so that truncations deep
    /// in a tail keep their precision); beta by a safeguarded Newton inversion of the
    /// regularized incomplete beta function; choice by its cumulative weights (the value whose
    /// share of the total weight covers `u`, as [`Distribution::sample`] picks).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match *self {
            Distribution::Fixed { value } => value,
            Distribution::Uniform { low, high } => low + (high - low) * u,
            Distribution::Normal { mean, sd, low, high } => {
                (mean + sd * quantile::truncated_normal((low - mean) / sd, (high - mean) / sd, u)).clamp(low, high)
            }
            Distribution::Triangular { low, mode, high } => {
                let width = high - low;
                if u * width <= mode - low {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
            Distribution::Beta { alpha, beta, low, high } => low + (high - low) * quantile::beta(alpha, beta, u),
            Distribution::Choice { ref values, ref weights } => {
                let total: f64 = weights.iter().sum();
                let mut rest = u * total;
                for (v, w) in values.iter().zip(weights) {
                    if rest < *w {
                        return *v;
                    }
                    rest -= w;
                }
                // u = 1 (or rounding): the last value that can be drawn at all.
                values.iter().zip(weights).rev().find(|(_, w)| **w > 0.0).map_or(values[0], |(v, _)| *v)
            }
        }
    }

    /// Draws one value. Fixed values consume no randomness.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Distribution::Fixed { value } => value,
            Distribution::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Distribution::Normal { mean, sd, low, high } => {
                let normal = rand_distr::Normal::new(mean, sd).expect("checked in new_normal");
                for _ in 0..64 {
                    let x = normal.sample(rng);
                    if (low..=high).contains(&x) {
                        return x;
                    }
                }
                mean.clamp(low, high)
            }
            Distribution::Triangular { low, mode, high } => {
                rand_distr::Triangular::new(low, high, mode).expect("checked in new_triangular").sample(rng)
            }
            Distribution::Beta { alpha, beta, low, high } => {
                let x: f64 = rand_distr::Beta::new(alpha, beta).expect("checked in new_beta").sample(rng);
                low + (high - low) * x
            }
            Distribution::Choice { ref values, ref weights } => {
                let total: f64 = weights.iter().sum();
                let mut u = rng.random::<f64>() * total;
                for (v, w) in values.iter().zip(weights) {
                    if u < *w {
                        return *v;
                    }
                    u -= w;
                }
                *values.last().expect("checked non-empty")
            }
        }
    }
}

fn finite(xs: &[f64]) -> Result<(), String> {
    match xs.iter().find(|x| !x.is_finite()) {
        Some(x) => Err(format!("distribution parameters must be finite, got {x}")),
        None => Ok(()),
    }
}

/// One registered parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Dotted key path in the scenario file, e.g. `actors.russia.behaviour.pressure`.
    pub path: String,
    /// The values it may take (validated, and the clamp of events' effects on it).
    pub domain: Domain,
    /// Its value or distribution.
    pub dist: Distribution,
    /// Where the value comes from (a seed document passage, a public fact, or a modelling
    /// assumption with its reason); `None` when the file gives none, or the value is a
    /// default the file did not set.
    pub source: Option<String>,
    /// When `source` is inherited: the key path of the table (actor, issue, event, state
    /// variable, outcome) whose `source` covers this value.
    pub source_from: Option<String>,
    /// True when the file did not set the value and a documented default stands in.
    pub defaulted: bool,
    /// When the distribution comes from the scenario's `[uncertainty]` section: the pattern
    /// that matched and the source of its range.
    pub uncertainty: Option<(String, String)>,
}

/// Every numeric parameter of a scenario, in the order the file defines them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParamTable {
    params: Vec<Param>,
    joint: Option<Joint>,
    /// The parameters a calibration fits, when the scenario names them (`[calibration]`).
    fit: Option<Vec<ParamId>>,
}

/// Parameters drawn jointly from a table of samples, such as a calibration's posterior: each
/// run picks one row uniformly, with one draw from its parameter stream after every other
/// parameter has been sampled (so the dynamics' stream is untouched), and sets the
/// parameters to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Joint {
    /// The parameters drawn jointly, in the order of each row.
    pub ids: Vec<ParamId>,
    /// One value per parameter of `ids` in each row; at least one row.
    pub rows: Vec<Vec<f64>>,
}

impl ParamTable {
    pub(crate) fn push(&mut self, param: Param) -> ParamId {
        self.params.push(param);
        ParamId(self.params.len() as u32 - 1)
    }

    /// The parameter registered under `id`.
    pub fn get(&self, id: ParamId) -> &Param {
        &self.params[id.0 as usize]
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether the table has no parameter.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// Every parameter with its id, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (ParamId, &Param)> {
        self.params.iter().enumerate().map(|(i, p)| (ParamId(i as u32), p))
    }

    /// The id registered under `path`.
    pub fn find(&self, path: &str) -> Option<ParamId> {
        self.params.iter().position(|p| p.path == path).map(|i| ParamId(i as u32))
    }

    /// Ids of the parameters that vary from run to run (distributions, and parameters drawn
    /// jointly), in table order: the columns of `runs.csv`.
    pub fn uncertain(&self) -> Vec<ParamId> {
        let joint = |id: &ParamId| self.joint.as_ref().is_some_and(|j| j.ids.contains(id));
        self.iter().filter(|(id, p)| !p.dist.is_fixed() || joint(id)).map(|(id, _)| id).collect()
    }

    /// Samples every parameter, in table order (fixed values consume no randomness), then
    /// draws the row of the joint samples, if any.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> Values {
        let mut values = Values(self.params.iter().map(|p| p.dist.sample(rng)).collect());
        if let Some(joint) = &self.joint {
            let row = &joint.rows[rng.random_range(0..joint.rows.len() as u64) as usize];
            for (id, v) in joint.ids.iter().zip(row) {
                values.set(*id, *v);
            }
        }
        values
    }

    /// Draws `joint`'s parameters jointly from its rows (validated: known ids, rows of the
    /// right length inside each parameter's domain).
    pub(crate) fn set_joint(&mut self, joint: Joint) {
        self.joint = Some(joint);
    }

    /// The parameters drawn jointly, if any.
    pub fn joint(&self) -> Option<&Joint> {
        self.joint.as_ref()
    }

    /// Fits a calibration to `ids` alone (validated: known, uncertain, each once); the other
    /// uncertain parameters keep their own draws.
    pub(crate) fn set_fit(&mut self, ids: Vec<ParamId>) {
        self.fit = Some(ids);
    }

    /// The parameters a calibration fits: those the scenario's `[calibration]` names, in its
    /// order, or else every uncertain one ([`ParamTable::uncertain`]).
    pub fn calibrated(&self) -> Vec<ParamId> {
        self.fit.clone().unwrap_or_else(|| self.uncertain())
    }

    /// Each parameter at its central value.
    pub fn central(&self) -> Values {
        Values(self.params.iter().map(|p| p.dist.central()).collect())
    }

    /// Replaces the distribution of `id` (used by sweeps and by tests of comparative statics).
    pub fn set_dist(&mut self, id: ParamId, dist: Distribution) {
        self.params[id.0 as usize].dist = dist;
    }

    /// Every parameter, mutably (validation attaches the `[uncertainty]` ranges).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        self.params.iter_mut()
    }
}

/// The sampled value of every parameter for one run.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Values(pub Vec<f64>);

impl Values {
    /// The value of parameter `id` in this run.
    #[inline]
    pub fn get(&self, id: ParamId) -> f64 {
        self.0[id.0 as usize]
    }

    /// Sets the value of parameter `id` (the simulation must rebuild what depends on it:
    /// [`crate::simulation::Simulation::set_value`] does).
    pub fn set(&mut self, id: ParamId, value: f64) {
        self.0[id.0 as usize] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn constructors_reject_bad_parameters() {
        assert!(Distribution::new_uniform(1.0, 0.0).is_err());
        assert!(Distribution::new_uniform(0.0, f64::NAN).is_err());
        assert!(Distribution::new_normal(0.5, 0.0, 0.0, 1.0).is_err());
        assert!(Distribution::new_normal(2.0, 0.1, 0.0, 1.0).is_err());
        assert!(Distribution::new_triangular(0.0, 2.0, 1.0).is_err());
        assert!(Distribution::new_beta(0.0, 1.0, 0.0, 1.0).is_err());
        assert!(Distribution::new_choice(vec![], None).is_err());
        assert!(Distribution::new_choice(vec![1.0], Some(vec![-1.0])).is_err());
    }

    #[test]
    fn samples_stay_in_the_support() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let dists = [
            Distribution::new_uniform(0.2, 0.4).unwrap(),
            Distribution::new_normal(0.5, 0.5, 0.0, 1.0).unwrap(),
            Distribution::new_triangular(0.0, 0.1, 1.0).unwrap(),
            Distribution::new_beta(2.0, 5.0, 0.1, 0.3).unwrap(),
            Distribution::new_choice(vec![1.0, 3.0], Some(vec![1.0, 0.0])).unwrap(),
        ];
        for d in &dists {
            let (lo, hi) = d.support();
            for _ in 0..2000 {
                let x = d.sample(&mut rng);
                assert!(x >= lo && x <= hi, "{d:?} gave {x}");
            }
        }
        // A zero-weight value is never drawn.
        assert!((0..200).all(|_| dists[4].sample(&mut rng) == 1.0));
    }

    #[test]
    fn quantiles_are_monotone_inside_the_support_and_exact_where_closed() {
        let dists = [
            Distribution::new_uniform(0.2, 0.4).unwrap(),
            Distribution::new_normal(0.5, 0.5, 0.0, 1.0).unwrap(),
            Distribution::new_normal(0.3, 0.01, 0.3, 1.0).unwrap(),
            Distribution::new_triangular(0.0, 0.1, 1.0).unwrap(),
            Distribution::new_beta(2.0, 5.0, 0.1, 0.3).unwrap(),
            Distribution::new_choice(vec![1.0, 3.0, 5.0], Some(vec![1.0, 0.0, 1.0])).unwrap(),
        ];
        for d in &dists {
            let (lo, hi) = d.support();
            let mut last = f64::NEG_INFINITY;
            for i in 0..=100 {
                let x = d.quantile(f64::from(i) / 100.0);
                assert!(x >= lo && x <= hi && x >= last, "{d:?} at {i}%: {x}");
                last = x;
            }
        }
        assert_eq!(dists[0].quantile(0.25), 0.25);
        assert_eq!(dists[0].quantile(-1.0), 0.2);
        // Triangular(0, 0.1, 1): P(X ≤ 0.1) = 0.1, and P(X ≤ x) = 1 − (1 − x)²/0.9 above it.
        assert!((dists[3].quantile(0.1) - 0.1).abs() < 1e-15);
        assert!((dists[3].quantile(0.6) - (1.0 - (0.4f64 * 0.9).sqrt())).abs() < 1e-15);
        // The median of a normal truncated symmetrically is its mean.
        assert!((dists[1].quantile(0.5) - 0.5).abs() < 1e-15);
        // A normal cut at its mean is a half-normal: its 90% quantile is Φ⁻¹(0.95) sd above.
        assert!((dists[2].quantile(0.9) - (0.3 + 0.01 * 1.6448536269514722)).abs() < 1e-14);
        // Beta(2, 5) on [0.1, 0.3]: its median, scaled.
        assert!((dists[4].quantile(0.5) - (0.1 + 0.2 * 0.26444998329566)).abs() < 1e-12);
        // Choice by cumulative weight; a zero-weight value is never the answer, even at u = 1.
        assert_eq!([0.0, 0.49, 0.5, 1.0].map(|u| dists[5].quantile(u)), [1.0, 1.0, 5.0, 5.0]);
        assert_eq!(Distribution::Fixed { value: 2.5 }.quantile(0.7), 2.5);
    }

    #[test]
    fn uniform_sample_mean_is_central() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let d = Distribution::new_uniform(2.0, 4.0).unwrap();
        let n = 20_000;
        let mean = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((mean - d.central()).abs() < 0.02, "{mean}");
    }
}
