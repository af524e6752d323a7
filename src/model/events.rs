//! Events: scheduled injects and stochastic shocks. What an event does is data: a list of
//! effects on parameters or state, resolved from key paths when the scenario is validated.

use serde::Serialize;

use crate::model::actor::ActorId;
use crate::model::metric::Metric;
use crate::model::outcome::Condition;
use crate::model::param::ParamId;

/// A checked event: when it fires and what it changes.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The key in the file.
    pub id: String,
    /// Display name.
    pub label: String,
    /// A date, or a hazard per year.
    pub trigger: Trigger,
    /// All must hold for the event to fire.
    pub when: Vec<Condition>,
    /// What it changes, applied in order when it fires.
    pub effects: Vec<Effect>,
    /// The source the file gives for the event (inherited by its values without one).
    pub source: Option<String>,
    /// A forcing: something imposed on the model from outside (the 2014 Ukraine break), not
    /// something it forecasts. A hindcast lists the facts about a forcing event but never
    /// scores them: the model would get credit for what it was told.
    pub forcing: bool,
}

/// When an event may fire.
#[derive(Debug, Clone, Serialize)]
pub enum Trigger {
    /// Fires at the start of this turn.
    At(usize),
    /// Fires with a per-year probability in each turn its conditions hold; at most once
    /// unless `repeat`. The probability is `per_year + Σ coefficient × metric`, clamped to
    /// [0, 1]: a hazard that grows with the threat, or falls with a presence.
    Hazard {
        /// The base probability per year, in [0, 1].
        per_year: ParamId,
        /// `(metric, coefficient)`: each adds `coefficient × metric` to the probability per
        /// year.
        drivers: Vec<(Metric, ParamId)>,
        /// Whether the event may fire again after its first time.
        repeat: bool,
    },
}

/// One change an event makes: `target ← op(target, amount)`, clamped to the target's domain.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Effect {
    /// What it changes.
    pub target: Target,
    /// How the amount combines with the current value.
    pub op: Op,
    /// The amount, a parameter (so a sweep can vary it).
    pub amount: ParamId,
}

/// How an effect's amount combines with the current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Replaces the value.
    Set,
    /// Adds the amount.
    Add,
    /// Multiplies by the amount.
    Scale,
}

impl Op {
    pub(crate) fn apply(self, current: f64, amount: f64) -> f64 {
        match self {
            Op::Set => amount,
            Op::Add => current + amount,
            Op::Scale => current * amount,
        }
    }
}

/// What an effect changes. Results are clamped to the target's domain.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Target {
    /// A scenario parameter (interest weight, payoff, behaviour ...), by its path.
    Param(ParamId),
    /// `state.NAME`
    State(usize),
    /// `trust.A.B`: current trust.
    Trust(ActorId, ActorId),
    /// `trust_baseline.A.B`: the level forgiveness drifts back to.
    TrustBaseline(ActorId, ActorId),
    /// `influence.DOMAIN.CLIENT.PATRON` (indices of the influence tables).
    Influence {
        /// Index of the influence domain.
        domain: usize,
        /// Index among the influence clients.
        client: usize,
        /// Index among the influence patrons.
        patron: usize,
    },
    /// `issues.ID.active` (0 or 1).
    IssueActive(usize),
    /// `issues.ID.in_force` (0 or 1): an arrangement's state, as if both sides had just
    /// stayed in it or left it.
    InForce(usize),
}
