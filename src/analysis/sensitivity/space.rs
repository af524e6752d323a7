//! The parameter space a design explores: a name and a marginal distribution per parameter.
//!
//! Designs live in the unit hypercube; [`ParamSpace::map`] turns a unit point into parameter
//! values coordinate by coordinate through each marginal's quantile function (the inverse
//! CDF), so the parameters are independent with the given marginals. Uniform marginals are
//! what SALib calls `bounds`; other marginals slot in as further variants of [`Marginal`].

use serde::Serialize;

use super::SensitivityError;

/// The distribution of one parameter. Build it with [`Marginal::uniform`] and its siblings,
/// which reject parameters that are not finite or not ordered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Marginal {
    /// Uniform on `[low, high]`, `low < high`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`, `low ≤ mode ≤ high`, `low < high`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// The most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
}

impl Marginal {
    /// Uniform on `[low, high]`; needs finite `low < high`.
    pub fn uniform(low: f64, high: f64) -> Result<Marginal, String> {
        let m = Marginal::Uniform { low, high };
        m.check().map(|()| m)
    }

    /// Triangular on `[low, high]` peaking at `mode`; needs finite `low ≤ mode ≤ high`, `low <
    /// high`.
    pub fn triangular(low: f64, mode: f64, high: f64) -> Result<Marginal, String> {
        let m = Marginal::Triangular { low, mode, high };
        m.check().map(|()| m)
    }

    /// Why the marginal's parameters are invalid, if they are. [`ParamSpace::new`] checks every
    /// marginal, so one built directly from its variant is caught there.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Marginal::Uniform { low, high } => {
                if !(low.is_finite() && high.is_finite() && low < high) {
                    return Err(format!("uniform bounds must be finite with low < high, got [{low}, {high}]"));
                }
            }
            Marginal::Triangular { low, mode, high } => {
                if !(low.is_finite()
                    && high.is_finite()
                    && mode.is_finite()
                    && low <= mode
                    && mode <= high
                    && low < high)
                {
                    return Err(format!(
                        "triangular parameters must be finite with low ≤ mode ≤ high and low < high, got ({low}, {mode}, {high})"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The value whose cumulative probability is `u` (clamped to [0, 1]).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match *self {
            Marginal::Uniform { low, high } => low + u * (high - low),
            Marginal::Triangular { low, mode, high } => {
                let width = high - low;
                if u * width <= mode - low {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
        }
    }

    /// Smallest and largest value.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Marginal::Uniform { low, high } | Marginal::Triangular { low, high, .. } => (low, high),
        }
    }
}

/// Named parameters with their marginals, in a fixed order: coordinate `i` of every design
/// point is parameter `i`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamSpace {
    names: Vec<String>,
    marginals: Vec<Marginal>,
}

impl ParamSpace {
    /// Rejects an empty list, invalid marginals and names used twice. The sweep runner names
    /// parameters by their scenario path (e.g. `actors.kazakhstan.capability`).
    pub fn new(params: impl IntoIterator<Item = (String, Marginal)>) -> Result<ParamSpace, SensitivityError> {
        let (names, marginals): (Vec<String>, Vec<Marginal>) = params.into_iter().unzip();
        if names.is_empty() {
            return Err(SensitivityError::NoParameters);
        }
        for (i, (name, marginal)) in names.iter().zip(&marginals).enumerate() {
            if names[..i].contains(name) {
                return Err(SensitivityError::DuplicateName(name.clone()));
            }
            marginal.check().map_err(|reason| SensitivityError::Marginal { name: name.clone(), reason })?;
        }
        Ok(ParamSpace { names, marginals })
    }

    /// `k` parameters `x0`, `x1`, … uniform on [0, 1]: the unit hypercube itself.
    pub fn unit(k: usize) -> Result<ParamSpace, SensitivityError> {
        ParamSpace::new((0..k).map(|i| (format!("x{i}"), Marginal::Uniform { low: 0.0, high: 1.0 })))
    }

    /// Number of parameters, k.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The parameters' names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The parameters' distributions, in order.
    pub fn marginals(&self) -> &[Marginal] {
        &self.marginals
    }

    /// Maps a unit-hypercube point to parameter values.
    ///
    /// # Panics
    /// If `unit` or `out` does not have one coordinate per parameter.
    pub fn map(&self, unit: &[f64], out: &mut [f64]) {
        assert_eq!(unit.len(), self.len(), "unit point has the wrong length");
        assert_eq!(out.len(), self.len(), "output point has the wrong length");
        for ((x, &u), m) in out.iter_mut().zip(unit).zip(&self.marginals) {
            *x = m.quantile(u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_maps_the_unit_interval_onto_its_range() {
        let m = Marginal::uniform(-2.0, 6.0).unwrap();
        assert_eq!(m.quantile(0.0), -2.0);
        assert_eq!(m.quantile(0.25), 0.0);
        assert_eq!(m.quantile(1.0), 6.0);
        assert!(Marginal::uniform(1.0, 1.0).is_err());
        assert!(Marginal::uniform(0.0, f64::INFINITY).is_err());
    }

    /// The triangular quantile inverts the CDF: F(mode) = (mode − low)/(high − low).
    #[test]
    fn triangular_quantile_inverts_its_cdf() {
        let m = Marginal::triangular(0.0, 1.0, 4.0).unwrap();
        assert_eq!(m.quantile(0.0), 0.0);
        assert!((m.quantile(0.25) - 1.0).abs() < 1e-12);
        assert_eq!(m.quantile(1.0), 4.0);
        // F(2) = 1 − (4 − 2)²/(4·3) = 2/3.
        assert!((m.quantile(2.0 / 3.0) - 2.0).abs() < 1e-12);
        assert!(Marginal::triangular(0.0, 5.0, 4.0).is_err());
    }

    #[test]
    fn space_maps_points_and_rejects_duplicates() {
        let space = ParamSpace::new([
            ("a".to_string(), Marginal::uniform(0.0, 10.0).unwrap()),
            ("b".to_string(), Marginal::uniform(-1.0, 1.0).unwrap()),
        ])
        .unwrap();
        let mut out = [0.0; 2];
        space.map(&[0.5, 0.75], &mut out);
        assert_eq!(out, [5.0, 0.5]);
        let dup = ParamSpace::new(vec![("a".to_string(), Marginal::Uniform { low: 0.0, high: 1.0 }); 2]);
        assert_eq!(dup, Err(SensitivityError::DuplicateName("a".into())));
        assert_eq!(ParamSpace::new([]), Err(SensitivityError::NoParameters));
        let bad = ParamSpace::new([("c".to_string(), Marginal::Uniform { low: 2.0, high: 1.0 })]);
        assert!(matches!(bad, Err(SensitivityError::Marginal { name, .. }) if name == "c"));
    }
}
