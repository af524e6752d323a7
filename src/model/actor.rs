//! Actors: states and organizations, their capabilities, interests and behaviour.
//!
//! Organizations decide through their members: each member votes with its own interests and
//! beliefs, and a [`DecisionRule`] aggregates the votes. One mechanism covers the three rules
//! the documents describe: a weighted vote with a threshold, plus vetoes.

use serde::Serialize;

use crate::model::param::ParamId;

/// Index of an actor in its scenario (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ActorId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    State,
    Organization,
}

/// A checked actor.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// The key in the file, e.g. `russia`.
    pub id: String,
    /// Display name, e.g. `Russia`.
    pub name: String,
    pub kind: ActorKind,
    /// Relative power (> 0). `None` for an organization that sums its members'.
    pub capability: Option<ParamId>,
    /// Weight on each interest dimension (>= 0), indexed like `Scenario::dimensions`; `None`
    /// where the file gives no weight (0). Organizations have none: they aggregate members.
    pub interests: Vec<Option<ParamId>>,
    pub behaviour: Behaviour,
    pub organization: Option<Organization>,
    pub source: Option<String>,
}

/// How an actor turns interests into choices and observations into trust.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Behaviour {
    /// Logit sharpness λ >= 0 per unit of utility: 0 is a coin flip, large is a best response.
    pub rationality: ParamId,
    /// Per-year fraction of the gap to full trust closed by a partner's cooperation, in [0, 1].
    pub trust_gain: ParamId,
    /// Per-year fraction of trust lost to a partner's defection, in [0, 1].
    pub trust_loss: ParamId,
    /// Per-year drift of trust back toward its baseline, in [0, 1].
    pub forgiveness: ParamId,
    /// Probability that an intended action comes out the other way (implementation or
    /// misperception error), in [0, 0.5].
    pub error: ParamId,
    /// As a patron: utility cost per unit of influence × hostility imposed on a client that
    /// cooperates with someone the patron distrusts (>= 0).
    pub pressure: ParamId,
}

/// Members and rule of an organization.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub members: Vec<ActorId>,
    pub rule: DecisionRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Consensus,
    Weighted,
    Leader,
}

/// Cooperate when every veto holder votes for it and the weighted share of members voting for
/// it reaches `threshold`. Consensus: every member holds a veto. Leader: the leader alone
/// holds a veto and the threshold is 0.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRule {
    pub kind: RuleKind,
    /// Vote weight per member (same order as `members`); `None` weighs by capability.
    pub weights: Option<Vec<ParamId>>,
    /// Share of weight needed, in [0, 1]; `None` for consensus and leader rules (0).
    pub threshold: Option<ParamId>,
    /// Per member: may it block?
    pub veto: Vec<bool>,
}
