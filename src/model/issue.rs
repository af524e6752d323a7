//! Issues: the arenas where actors cooperate or defect.
//!
//! A dyadic issue is a 2×2 game between two sides, each side's payoffs given per interest
//! dimension as reward (both cooperate), sucker (I cooperate alone), temptation (I defect on a
//! cooperator) and punishment (both defect). Weighted by an actor's interests these make a
//! prisoner's dilemma, a stag hunt or chicken depending on who is looking. A public good is a
//! threat every participant suffers by its exposure and any participant may pay to lower.

use serde::Serialize;

use crate::model::actor::ActorId;
use crate::model::metric::Metric;
use crate::model::param::ParamId;

/// Index of an issue in its scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IssueId(pub usize);

#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub id: String,
    pub label: String,
    /// Whether the issue is on the table at the start (events may change it).
    pub active: bool,
    /// The deciding actors: the two sides of a dyad, or a public good's participants.
    pub participants: Vec<ActorId>,
    pub kind: IssueKind,
    /// Multiplier on the issue's stakes: `base + Σ coefficient × metric`, floored at 0 (base 1
    /// when absent). It scales a dyad's payoffs and a public good's harm term; it does not scale
    /// third-party pressure or a contribution's cost. Lets an issue matter more as, say, the
    /// narcotics flow rises.
    pub salience: Linear,
    /// Per-year change of state variables while both sides cooperate (dyadic), or per
    /// contributor (public good).
    pub on_mutual: Vec<(usize, ParamId)>,
    /// Per-year gain of influence share (compounded per turn) by the partner's patrons over a
    /// client that cooperates with it, and by a contributing patron over every client.
    pub influence_gain: Option<ParamId>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub enum IssueKind {
    /// Payoffs per side, indexed like `participants`.
    Dyadic {
        payoffs: [Vec<DimPayoff>; 2],
    },
    PublicGood(PublicGood),
}

/// One side's payoff on one dimension; `None` entries are 0.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DimPayoff {
    pub dimension: usize,
    pub reward: Option<ParamId>,
    pub sucker: Option<ParamId>,
    pub temptation: Option<ParamId>,
    pub punishment: Option<ParamId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicGood {
    /// The state variable (a threat in [0, max]) contributions lower.
    pub threat: usize,
    /// Per-year threat reduction per unit of capability (times reach) contributed.
    pub efficacy: ParamId,
    /// The interest dimension the threat harms.
    pub harm_dimension: usize,
    /// Per participant: how much the threat hurts it (>= 0).
    pub exposure: Vec<ParamId>,
    /// Per participant: multiplier on its capability in lowering the threat (>= 0, default 1).
    pub reach: Vec<ParamId>,
    /// Per-year effect of contributing on the contributor's dimensions (usually negative).
    pub cost: Vec<(usize, ParamId)>,
}

/// `base + Σ coefficient × metric`.
#[derive(Debug, Clone, Serialize)]
pub struct Linear {
    pub base: Option<ParamId>,
    pub terms: Vec<(Metric, ParamId)>,
}
