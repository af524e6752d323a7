//! Quantile functions that have no closed form: the truncated normal's and the beta's.
//!
//! Calibration maps points of the unit cube through each prior's quantile function
//! ([`crate::model::param::Distribution::quantile`]); these are the two that need numerical
//! work. `erfc` and `lgamma` come from `libm` (a port of musl's, accurate to about one unit in
//! the last place); the rest is here and tested against closed forms and published values.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// The standard normal CDF, Φ(x), from `erfc` so that the lower tail keeps its precision.
pub(super) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// Φ⁻¹(p) for p in [0, 1] (±∞ at the ends): Acklam's rational approximation (relative error
/// below 1.2·10⁻⁹), polished by one Halley step on `erfc`, which brings it to a few units in
/// the last place.
pub(super) fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        let r = (-2.0 * q.ln()).sqrt();
        (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0)
    };
    let x = if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley's step on Φ(x) − p; in the upper half the error is taken from the complement.
    let e = if x > 0.0 { (1.0 - p) - 0.5 * libm::erfc(x * FRAC_1_SQRT_2) } else { normal_cdf(x) - p };
    let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

/// The quantile of the standard normal truncated to `[a, b]` (a < b), at `u` in [0, 1].
/// When the interval lies above the mean it works on the upper tail, Q(x) = Φ(−x), so that
/// an interval such as [5, 6] does not lose every digit to Φ(5) ≈ 1.
pub(super) fn truncated_normal(a: f64, b: f64, u: f64) -> f64 {
    if a >= 0.0 {
        let (qa, qb) = (normal_cdf(-a), normal_cdf(-b));
        -normal_quantile(qa - u * (qa - qb))
    } else {
        let (pa, pb) = (normal_cdf(a), normal_cdf(b));
        normal_quantile(pa + u * (pb - pa))
    }
    .clamp(a, b)
}

/// ln B(a, b).
fn ln_beta(a: f64, b: f64) -> f64 {
    libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b)
}

/// The continued fraction of the incomplete beta function (modified Lentz), for
/// x < (a + 1) / (a + b + 2), where it converges fast.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=1000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b): the Beta(a, b) CDF at x.
pub(super) fn beta_cdf(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (a * x.ln() + b * (-x).ln_1p() - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// The Beta(a, b) quantile at `u` in [0, 1]: Newton's method on I_x(a, b) − u from the
/// tail approximation of Numerical Recipes' `invbetai` (I_x ≈ x^a / (a·B) near 0, and its
/// mirror near 1), inside a bracket that every step narrows. Whenever Newton would leave the
/// bracket it bisects instead, geometrically while the bracket spans orders of magnitude, so
/// it converges for any a, b > 0, U- and J-shaped densities and quantiles near 10⁻³⁰⁰
/// included.
pub(super) fn beta(a: f64, b: f64, u: f64) -> f64 {
    if u <= 0.0 {
        return 0.0;
    }
    if u >= 1.0 {
        return 1.0;
    }
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x = {
        let t = (a * (a / (a + b)).ln()).exp() / a;
        let w = t + (b * (b / (a + b)).ln()).exp() / b;
        if u < t / w { (a * w * u).powf(1.0 / a) } else { 1.0 - (b * w * (1.0 - u)).powf(1.0 / b) }
    };
    if !(x > 0.0 && x < 1.0) {
        x = a / (a + b);
    }
    for _ in 0..400 {
        let f = beta_cdf(a, b, x) - u;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let density = ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b).exp();
        let newton = x - f / density;
        let next = if density.is_finite() && density > 0.0 && newton > lo && newton < hi {
            newton
        } else if hi > 2.0 * lo {
            (lo.max(f64::MIN_POSITIVE) * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        // Converged when the step no longer moves x, or the bracket is two adjacent doubles.
        if next == x || next <= lo || next >= hi {
            return next.clamp(lo, hi);
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn the_normal_quantile_matches_published_values() {
        // Values from the standard normal table (R's qnorm, 16 digits).
        for (p, z) in [
            (0.975, 1.959963984540054),
            (0.5, 0.0),
            (0.1, -1.2815515655446004),
            (1e-10, -6.361340902404056),
            (0.999, 3.090232306167813),
        ] {
            assert!(close(normal_quantile(p), z, 1e-12 * z.abs().max(1.0)), "Φ⁻¹({p}) = {}", normal_quantile(p));
        }
        for i in 1..100 {
            let p = f64::from(i) / 100.0;
            assert!(close(normal_cdf(normal_quantile(p)), p, 1e-15), "{p}");
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
    }

    #[test]
    fn the_truncated_normal_inverts_its_cdf_even_deep_in_a_tail() {
        for (a, b) in [(-1.0, 1.0), (-3.0, 0.5), (5.0, 6.0), (-9.0, -8.0), (0.0, 40.0)] {
            let (pa, pb) = (normal_cdf(a), normal_cdf(b));
            let (qa, qb) = (normal_cdf(-a), normal_cdf(-b));
            let mut last = a;
            for i in 0..=20 {
                let u = f64::from(i) / 20.0;
                let x = truncated_normal(a, b, u);
                assert!((a..=b).contains(&x) && x >= last, "[{a}, {b}] at {u}: {x}");
                last = x;
                // The share of the truncated mass below x is u.
                let share = if a >= 0.0 { (qa - normal_cdf(-x)) / (qa - qb) } else { (normal_cdf(x) - pa) / (pb - pa) };
                assert!(close(share, u, 1e-9), "[{a}, {b}] at {u}: share {share}");
            }
        }
        assert!(close(truncated_normal(-1.0, 1.0, 0.5), 0.0, 1e-15));
        // Symmetric truncation, symmetric quantiles.
        assert!(close(truncated_normal(-2.0, 2.0, 0.2), -truncated_normal(-2.0, 2.0, 0.8), 1e-13));
    }

    #[test]
    fn the_beta_quantile_matches_closed_forms() {
        for i in 0..=40 {
            let u = f64::from(i) / 40.0;
            // Beta(1, 1) is uniform; Beta(a, 1) has CDF x^a; Beta(1, b) has CDF 1 − (1 − x)^b;
            // Beta(½, ½) is the arcsine law, with quantile sin²(πu/2).
            assert!(close(beta(1.0, 1.0, u), u, 1e-14), "uniform at {u}");
            assert!(close(beta(3.0, 1.0, u), u.powf(1.0 / 3.0), 1e-13), "Beta(3, 1) at {u}");
            assert!(close(beta(1.0, 0.4, u), 1.0 - (1.0 - u).powf(1.0 / 0.4), 1e-12), "Beta(1, 0.4) at {u}");
            let arcsine = (PI * u / 2.0).sin().powi(2);
            assert!(close(beta(0.5, 0.5, u), arcsine, 1e-12), "Beta(½, ½) at {u}: {}", beta(0.5, 0.5, u));
        }
        // The median of Beta(2, 5) (R: qbeta(0.5, 2, 5)).
        assert!(close(beta(2.0, 5.0, 0.5), 0.26444998329566, 1e-12), "{}", beta(2.0, 5.0, 0.5));
        // Extreme shapes still invert their CDF.
        for (a, b) in [(0.05, 0.05), (50.0, 0.3), (200.0, 300.0), (0.2, 8.0)] {
            for u in [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999] {
                let x = beta(a, b, u);
                assert!((0.0..=1.0).contains(&x));
                // Within 1e-9 of u, or as close as doubles allow where the CDF is that steep.
                let (below, above) = (beta_cdf(a, b, x.next_down()), beta_cdf(a, b, x.next_up()));
                assert!(
                    close(beta_cdf(a, b, x), u, 1e-9) || (below <= u && u <= above),
                    "Beta({a}, {b}) at {u}: x {x}, cdf {}",
                    beta_cdf(a, b, x)
                );
            }
        }
    }
}
