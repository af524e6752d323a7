//! Trust: each actor's belief that another will cooperate, learnt from what it observes.
//!
//! After a turn in which `o` watched `j` act `obs` times, `c` of them cooperatively,
//! with `x = c / obs`:
//!
//! `τ ← τ + g·x·(1 − τ) − l·(1 − x)·τ`, then `τ ← τ + f·(τ₀ − τ)`,
//!
//! where `g`, `l` and `f` are the per-turn gain, loss and forgiveness rates of the observer.
//! Defection weighs more than cooperation when `l > g`. The result stays in [0, 1] for any
//! rates in [0, 1].

/// One learning step; returns the new trust.
#[inline]
pub(crate) fn learn(tau: f64, cooperated_share: f64, gain: f64, loss: f64) -> f64 {
    let x = cooperated_share;
    (tau + gain * x * (1.0 - tau) - loss * (1.0 - x) * tau).clamp(0.0, 1.0)
}

/// Drift back toward the baseline `tau0`.
#[inline]
pub(crate) fn forgive(tau: f64, tau0: f64, forgiveness: f64) -> f64 {
    tau + forgiveness * (tau0 - tau)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooperation_raises_and_defection_lowers_trust() {
        assert!(learn(0.5, 1.0, 0.2, 0.4) > 0.5);
        assert!(learn(0.5, 0.0, 0.2, 0.4) < 0.5);
        // Defection weighs more when loss > gain.
        let up = learn(0.5, 1.0, 0.2, 0.4) - 0.5;
        let down = 0.5 - learn(0.5, 0.0, 0.2, 0.4);
        assert!(down > up);
    }

    #[test]
    fn trust_stays_in_the_unit_interval() {
        for tau in [0.0, 0.3, 1.0] {
            for x in [0.0, 0.5, 1.0] {
                for r in [0.0, 0.5, 1.0] {
                    let t = learn(tau, x, r, r);
                    assert!((0.0..=1.0).contains(&t));
                    assert!((0.0..=1.0).contains(&forgive(t, 0.4, r)));
                }
            }
        }
    }

    #[test]
    fn forgiveness_returns_to_baseline() {
        let mut tau = 0.0;
        for _ in 0..200 {
            tau = forgive(tau, 0.6, 0.1);
        }
        assert!((tau - 0.6).abs() < 1e-6);
    }
}
