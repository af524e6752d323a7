//! Decisions: expected utilities, the logit (quantal-response) choice, third-party pressure,
//! and the aggregation of members' votes into an organization's decision.
//!
//! These are plain functions of numbers; [`crate::simulation`] feeds them the state. Each
//! decision's terms can be reported afterwards as a [`DecisionRecord`].

use serde::Serialize;

use crate::model::actor::ActorId;

/// Logistic function, written to stay finite for any input: `1 / (1 + e)` for `x ≥ 0` and
/// `e / (1 + e)` below, with `e = exp(−|x|)`. One `exp` and one division either way, and
/// no branch on the sign for the processor to mispredict.
#[inline]
pub fn logistic(x: f64) -> f64 {
    let e = (-x.abs()).exp();
    let num = if x >= 0.0 { 1.0 } else { e };
    num / (1.0 + e)
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
