//! Decisions: expected utilities, the logit (quantal-response) choice, third-party pressure,
//! and the aggregation of members' votes into an organization's decision.
//!
//! These are plain functions of numbers; [`crate::simulation`] feeds them the state. Each
//! decision's terms can be reported afterwards as a [`DecisionRecord`].

use serde::Serialize;

use crate::model::actor::ActorId;

/// Logistic function, written to stay finite for any input: `1 / (1 + e)` for `x ≥ 0` and
/// `e / (1 + e)` below, with `e = exp(−|x|)` ([`exp_nonpositive`]). One `exp` and one
/// division either way, and no branch, so that a loop of them vectorizes.
#[inline]
pub fn logistic(x: f64) -> f64 {
    let e = exp_nonpositive(-x.abs());
    let num = if x >= 0.0 { 1.0 } else { e };
    num / (1.0 + e)
}

/// `e^y` for `y ≤ 0`, within 2 ulp of the exact value for `y ≥ −708`, and 0 below (where the
/// exact value is under 3·10⁻³⁰⁸, a probability no draw can fall under). `NaN` gives `NaN`.
///
/// Why not `f64::exp`: the platform's `exp` is a call the compiler cannot inline, so the
/// logit of every decision waited on it one at a time; and its last bits differ between C
/// libraries, so results would too. This is plain arithmetic, the same on every machine, and
/// vectorizes: `y = k·ln 2 + r` with `k` rounded to nearest (by the 1.5·2⁵² trick) and
/// `|r| ≤ ln 2 / 2`, `e^r` by its Taylor polynomial to degree 13 (remainder below 2⁻⁵⁵), and
/// `2^k` put in the exponent bits.
#[inline]
pub fn exp_nonpositive(y: f64) -> f64 {
    // ln 2 split as in fdlibm: LN2_HI has its low 32 bits zero, so k·LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // ln 2 − LN2_HI
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²: adding it rounds to an integer
    let tiny = y < -708.0; // false for NaN, which then stays NaN
    let y = if tiny { -708.0 } else { y };
    let shifted = y * std::f64::consts::LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    // Horner's scheme on 1/j!, j = 13 … 0.
    let mut poly = 1.0 / 6_227_020_800.0;
    for d in [479_001_600.0, 39_916_800.0, 3_628_800.0, 362_880.0, 40_320.0, 5_040.0, 720.0, 120.0, 24.0, 6.0, 2.0] {
        poly = poly * r + 1.0 / d;
    }
    let poly = (poly * r + 1.0) * r + 1.0;
    // The low bits of `shifted` hold k (two's complement); k ≥ −1022, so 2^k is normal.
    let k_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    if tiny { 0.0 } else { poly * scale }
}

/// Probability of choosing to cooperate, from the utility advantage `du` of cooperating and
/// the rationality `lambda`: `1 / (1 + exp(-λ·Δu))`.
#[inline]
pub(crate) fn choice_probability(lambda: f64, du: f64) -> f64 {
    logistic(lambda * du)
}

/// The probability the action comes out as cooperation once the error rate `eps` is applied:
/// the intended action is flipped with probability `eps`.
#[inline]
pub fn with_error(p: f64, eps: f64) -> f64 {
    eps + (1.0 - 2.0 * eps) * p
}

/// `p[i] = with_error(logistic(x[i]), eps[i])` for every `i`: a turn's logit pass over all its
/// deciders. Slices of unequal length are read to the shortest.
///
/// The loop runs in the widest vectors the processor has ([`crate::simd`]), with the same
/// results bit for bit at every width.
pub fn cooperation_probabilities(p: &mut [f64], x: &[f64], eps: &[f64]) {
    crate::simd::widest_vectors(Probabilities { p, x, eps });
}

/// The loop of [`cooperation_probabilities`].
struct Probabilities<'a> {
    p: &'a mut [f64],
    x: &'a [f64],
    eps: &'a [f64],
}

impl crate::simd::Loop for Probabilities<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        for ((p, &x), &eps) in self.p.iter_mut().zip(self.x).zip(self.eps) {
            *p = with_error(logistic(x), eps);
        }
    }
}

/// Bounds `(lo, hi)` on `with_error(logistic(x), eps)` as computed (rounding included), for
/// `eps` in [0, 0.5], found without an `exp`: a draw below `lo` or at or above `hi` is
/// decided at once, and only a draw in between needs the exact probability. Most decisions
/// are nearly certain, and their band is narrow: at most about 3·e^(−|x|) wide.
///
/// Why they hold: the computed `logistic(x)` is within `e` of 0 (x < 0) or of 1 (x ≥ 0),
/// where `e = exp_nonpositive(−|x|)` is within 2 ulp of e^(−|x|) = 2^(−t), `t = |x|·log₂e`,
/// so below `emax = 2^(1−k)` with `k` the integer nearest `t` (k ≤ t + ½, and 2^½ is far more
/// than 2 ulp). `with_error` is then within `emax` plus a few roundings (each under 2⁻⁵³, the
/// values being at most 1) of `eps` or `eps + (1 − 2·eps)`; the margin `M` (4·10⁻¹⁵) covers
/// the roundings many times over. A NaN `x` (a NaN probability, which no draw is under), or an
/// `eps` outside [0, 0.5] (a value set by hand, unchecked), decides nothing early.
#[inline]
pub fn cooperation_bounds(x: f64, eps: f64) -> (f64, f64) {
    const M: f64 = 4e-15;
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²: adding it rounds to an integer
    let t = x.abs() * std::f64::consts::LOG2_E;
    let t = if t > 1000.0 { 1000.0 } else { t };
    // k = round(t) in [0, 1000], so 2^(1−k) is a normal number: its exponent bits.
    let k = (t + ROUND).to_bits() & 0x3ff;
    let emax = f64::from_bits((1024 - k) << 52);
    let always = eps + (1.0 - 2.0 * eps); // the probability when `logistic(x)` is 1
    if !(0.0..=0.5).contains(&eps) || x.is_nan() {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else if x < 0.0 {
        (eps - M, eps + emax + M)
    } else {
        (always - emax - M, always + M)
    }
}

/// Whether the draw `u` falls under `p = with_error(logistic(x), eps)` (the decider
/// cooperates), exactly as `u < p` would say, with the `exp` only when
/// [`cooperation_bounds`] leave it open.
#[inline]
pub fn draw_under(u: f64, x: f64, eps: f64) -> bool {
    let (lo, hi) = cooperation_bounds(x, eps);
    if u < lo {
        true
    } else if u >= hi {
        false
    } else {
        u < with_error(logistic(x), eps)
    }
}

/// Whether the draw `u` falls at or above `1 − p`, `p = with_error(logistic(x), eps)` (the
/// top `p` of the draws), exactly as `u >= 1.0 - p` would say, with the `exp` only when
/// [`cooperation_bounds`] leave it open (`1 − p` is monotone in `p` under rounding too).
#[inline]
pub fn draw_over_complement(u: f64, x: f64, eps: f64) -> bool {
    let (lo, hi) = cooperation_bounds(x, eps);
    if u >= 1.0 - lo {
        true
    } else if u < 1.0 - hi {
        false
    } else {
        u >= 1.0 - with_error(logistic(x), eps)
    }
}

/// Expected utility advantage of cooperating in a 2×2 game, given the belief `q` that the
/// partner cooperates: `q(R − T) + (1 − q)(S − P)`, scaled by salience.
#[inline]
pub(crate) fn dyadic_advantage(salience: f64, q: f64, r: f64, s: f64, t: f64, p: f64) -> f64 {
    salience * (q * (r - t) + (1.0 - q) * (s - p))
}

/// Utility advantage of contributing to a public good against a threat. The threat harms by
/// `harm × threat²`; the others are expected to lower it by `others` (their efficacy weighted
/// by the belief they contribute), and the decider's own contribution by `own`.
/// Returns `salience × harm × (T̂² − (T̂ − own)₊²) + cost`, with `T̂ = (threat − others)₊`.
#[inline]
pub(crate) fn public_good_advantage(salience: f64, harm: f64, threat: f64, others: f64, own: f64, cost: f64) -> f64 {
    let expected = (threat - others).max(0.0);
    let after = (expected - own).max(0.0);
    salience * harm * (expected * expected - after * after) + cost
}

/// `x` if `b`, else `+0.0`, for a finite `x ≥ +0.0` (a weight, a pressure), without a branch:
/// for a random `b` a branch is mispredicted about as often as not, which costs more than the
/// arithmetic. A multiplication by 1 or 0, because the compiler turns a select of floats,
/// even a masked one, back into a branch on x86-64 without AVX.
#[inline]
pub(crate) fn select(b: bool, x: f64) -> f64 {
    debug_assert!(x.is_finite() && x.is_sign_positive(), "select({b}, {x})");
    x * f64::from(u8::from(b))
}

/// An organization's decision from its members' votes: every veto holder must vote for it,
/// and the share of weight voting for it must reach the threshold. A state is the one-member
/// case (weight 1, veto, threshold 0).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    share: f64,
    blocked: bool,
}

impl Tally {
    #[inline]
    pub(crate) fn vote(&mut self, cooperate: bool, weight: f64, veto: bool) {
        // Without branches: votes are random, so a branch on them is mispredicted often.
        // Adding 0.0 to the share (never −0.0: it starts at +0.0) leaves it unchanged.
        self.share += select(cooperate, weight);
        self.blocked |= !cooperate & veto;
    }

    /// A consensus member's vote: for the change or not, and whether it objects (which blocks
    /// the change whatever the others vote).
    #[inline]
    pub fn vote_or_object(&mut self, for_change: bool, objects: bool, weight: f64) {
        self.share += select(for_change, weight);
        self.blocked |= objects;
    }

    /// Whether a veto or an objection has already blocked the change.
    #[inline]
    pub fn blocked(&self) -> bool {
        self.blocked
    }

    /// Under consensus with objections: someone proposed the change and nobody objected.
    #[inline]
    pub fn agreed(&self) -> bool {
        !self.blocked & (self.share > 0.0)
    }

    /// Whether the votes so far carry the decision at `threshold` (a share in [0, 1]).
    #[inline]
    pub(crate) fn passes(&self, threshold: f64) -> bool {
        // The tolerance keeps weights that sum to the threshold in floating point from failing.
        !self.blocked & (self.share + 1e-12 >= threshold)
    }
}

/// The terms of one actor's decision on one issue, for explaining it afterwards.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRecord {
    /// 0-based turn.
    pub turn: usize,
    /// The issue's index in the scenario.
    pub issue: usize,
    /// The participant the decision is for (an organization when a member votes).
    pub participant: ActorId,
    /// Who decided: the participant itself, or the voting member.
    pub decider: ActorId,
    /// The partner of a dyadic issue; `None` for a public good.
    pub partner: Option<ActorId>,
    /// Belief that the partner cooperates (trust), or for a public good the threat reduction
    /// expected from the others.
    pub belief: f64,
    /// The issue's salience this turn (a multiplier of its payoffs, >= 0).
    pub salience: f64,
    /// Utility advantage of cooperating from the issue's payoffs (before pressure).
    pub advantage: f64,
    /// Per interest dimension: its share of `advantage` (weight × payoff terms).
    pub by_dimension: Vec<(usize, f64)>,
    /// Third-party pressure cost of cooperating, per patron.
    pub pressure: Vec<(ActorId, f64)>,
    /// For an arrangement: whether it was in force when the decision was taken.
    pub in_force: bool,
    /// For an arrangement: the decider's side's upkeep, a cost of staying in or joining.
    pub upkeep: f64,
    /// Years over which the flows (advantage, pressure, upkeep) are weighed: the scenario's
    /// horizon for an arrangement, 1 otherwise.
    pub horizon: f64,
    /// The status quo's weight: an arrangement's commitment when it is in force (added to
    /// staying), minus its formation cost when it is not (taken from joining); 0 otherwise.
    /// Includes `revealed`.
    pub status_quo: f64,
    /// The part of `status_quo` the start revealed: the commitment the decider needed, beyond
    /// the arrangement's own, to keep it in force at the start (`model.keep_at_start`); 0 for
    /// an arrangement formed or ended since.
    pub revealed: f64,
    /// `horizon·(advantage − Σ pressure − upkeep) + status_quo`: the utility advantage of
    /// cooperating (staying in or joining an arrangement).
    pub utility: f64,
    /// The decider's logit sharpness λ (>= 0).
    pub rationality: f64,
    /// Logit probability of intending to cooperate.
    pub p_intend: f64,
    /// The decider's error probability, in [0, 0.5].
    pub error: f64,
    /// Probability the action is cooperation, after errors.
    pub p_cooperate: f64,
    /// The uniform draw compared with `p_cooperate`.
    pub draw: f64,
    /// The action taken (`draw < p_cooperate`): true for cooperation.
    pub cooperated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_is_bounded_and_symmetric() {
        assert_eq!(logistic(0.0), 0.5);
        assert!((logistic(2.0) + logistic(-2.0) - 1.0).abs() < 1e-15);
        assert_eq!(logistic(1e6), 1.0);
        assert_eq!(logistic(-1e6), 0.0);
        assert!(logistic(f64::MAX).is_finite() && logistic(f64::MIN).is_finite());
    }

    #[test]
    fn exp_agrees_with_the_platform_within_two_ulp() {
        let ulp = |x: f64| f64::from_bits(x.to_bits() + 1) - x;
        let mut worst = 0.0f64;
        for i in 0..=708_000 {
            for y in [-(i as f64) / 1000.0, -(i as f64) / 1000.0 - 0.000_371].into_iter().filter(|&y| y >= -708.0) {
                let (ours, reference) = (exp_nonpositive(y), y.exp());
                worst = worst.max((ours - reference).abs() / ulp(reference));
            }
        }
        assert!(worst <= 2.0, "{worst} ulp");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-0.0), 1.0);
        assert_eq!(exp_nonpositive(-709.0), 0.0);
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(f64::NAN).is_nan());
        assert!(logistic(f64::NAN).is_nan());
    }

    /// The bounds hold the probability as computed, draws decided early are decided as the
    /// exact comparison would, and for a nearly certain decision the band is narrow.
    #[test]
    fn early_decisions_agree_with_the_exact_comparison() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let next_up = |x: f64| f64::from_bits(x.to_bits() + 1);
        let next_down = |x: f64| if x > 0.0 { f64::from_bits(x.to_bits() - 1) } else { x };
        let mut decided = 0;
        for i in 0..200_000 {
            let x = match i % 4 {
                0 => rng.random_range(-3.0..3.0),
                1 => rng.random_range(-40.0..40.0),
                2 => rng.random_range(-800.0..800.0),
                // Near the thresholds of k (multiples of ln 2).
                _ => f64::from(rng.random_range(-60i32..60)) * std::f64::consts::LN_2 + rng.random_range(-1e-12..1e-12),
            };
            let eps = [0.0, 1e-300, 1e-9, 0.02, 0.1, 0.25, 0.499_999, 0.5][i % 8];
            let p = with_error(logistic(x), eps);
            let (lo, hi) = cooperation_bounds(x, eps);
            assert!(lo <= p && p <= hi, "x {x}, eps {eps}: {lo} <= {p} <= {hi}");
            if x.abs() >= 10.0 {
                assert!(hi - lo < 1.5e-4, "x {x}, eps {eps}: band {lo}..{hi}");
            }
            let r: f64 = rng.random();
            for u in [
                r,
                p,
                next_up(p),
                next_down(p),
                lo,
                hi,
                next_down(lo),
                next_up(hi),
                1.0 - p,
                next_up(1.0 - p),
                next_down(1.0 - p),
                0.0,
            ]
            .into_iter()
            .filter(|u| (0.0..1.0).contains(u))
            {
                assert_eq!(draw_under(u, x, eps), u < p, "u {u}, x {x}, eps {eps}");
                assert_eq!(draw_over_complement(u, x, eps), u >= 1.0 - p, "u {u}, x {x}, eps {eps}");
                decided += usize::from(u < lo || u >= hi);
            }
        }
        assert!(decided > 1_000_000, "{decided}");
        // A NaN utility decides nothing early, and no draw is under a NaN probability.
        assert!(!draw_under(0.0, f64::NAN, 0.1) && !draw_over_complement(0.5, f64::NAN, 0.1));
        // An error rate outside its domain decides nothing early either.
        assert_eq!(cooperation_bounds(50.0, 0.7), (f64::NEG_INFINITY, f64::INFINITY));
    }

    /// The pass at every vector width the processor has gives what the scalar functions give,
    /// bit for bit, across the logit's whole range, its tails, signed zeros and NaN, at lengths that
    /// leave remainders for every vector width.
    #[test]
    fn the_vectorized_pass_is_the_scalar_formula_bit_for_bit() {
        let mut xs: Vec<f64> = (0..20_000).map(|i| (i as f64 - 10_000.0) * 0.0731).collect();
        xs.extend([0.0, -0.0, 1e-300, -1e-300, 708.5, -708.5, 745.2, -745.2, 1e10, -1e10, f64::NAN]);
        for len in [xs.len(), 1, 3, 7, 13, 261] {
            let x = &xs[xs.len() - len..];
            let eps: Vec<f64> = (0..len).map(|i| [0.0, 0.03, 0.1, 0.5][i % 4]).collect();
            for width in crate::simd::widths() {
                let mut p = vec![-1.0; len];
                crate::simd::at(width, Probabilities { p: &mut p, x, eps: &eps });
                for ((&p, &x), &eps) in p.iter().zip(x).zip(&eps) {
                    assert_eq!(p.to_bits(), with_error(logistic(x), eps).to_bits(), "{width:?}: x {x}, eps {eps}");
                }
            }
        }
    }

    #[test]
    fn errors_pull_choices_toward_a_coin_flip() {
        assert_eq!(with_error(1.0, 0.0), 1.0);
        assert_eq!(with_error(1.0, 0.1), 0.9);
        assert_eq!(with_error(0.0, 0.1), 0.1);
        assert_eq!(with_error(0.3, 0.5), 0.5);
    }

    #[test]
    fn prisoners_dilemma_favours_defection_at_any_belief() {
        // T > R > P > S
        for q in [0.0, 0.5, 1.0] {
            assert!(dyadic_advantage(1.0, q, 3.0, 0.0, 5.0, 1.0) < 0.0);
        }
        // Stag hunt (R > T > P > S): cooperate only when trust is high.
        assert!(dyadic_advantage(1.0, 0.9, 4.0, 0.0, 3.0, 2.0) > 0.0);
        assert!(dyadic_advantage(1.0, 0.2, 4.0, 0.0, 3.0, 2.0) < 0.0);
    }

    #[test]
    fn public_good_value_falls_as_others_are_expected_to_pay() {
        let alone = public_good_advantage(1.0, 1.0, 0.6, 0.0, 0.1, -0.05);
        let crowded = public_good_advantage(1.0, 1.0, 0.6, 0.4, 0.1, -0.05);
        assert!(alone > crowded, "free-riding: {alone} vs {crowded}");
        // Lower exposure, lower value.
        assert!(public_good_advantage(1.0, 0.5, 0.6, 0.0, 0.1, -0.05) < alone);
        // Nothing to gain once the threat is gone.
        assert_eq!(public_good_advantage(1.0, 1.0, 0.0, 0.0, 0.1, -0.05), -0.05);
    }

    #[test]
    fn select_is_the_value_or_positive_zero() {
        for x in [0.25, 3.0, 0.0, 1e300] {
            assert_eq!(select(true, x).to_bits(), x.to_bits());
            assert_eq!(select(false, x).to_bits(), 0.0f64.to_bits());
        }
    }

    #[test]
    fn vetoes_block_and_thresholds_count_weight() {
        let tally = |votes: &[(bool, f64, bool)]| {
            let mut t = Tally::default();
            votes.iter().for_each(|&(v, w, veto)| t.vote(v, w, veto));
            t
        };
        let majority = tally(&[(true, 0.6, false), (false, 0.4, false)]);
        assert!(majority.passes(0.5));
        assert!(!majority.passes(0.7));
        assert!(!tally(&[(true, 0.9, false), (false, 0.1, true)]).passes(0.0));
        // Weights summing to the threshold in floating point still pass.
        assert!(tally(&[(true, 0.1, false), (true, 0.2, false)]).passes(0.3));
    }
}
