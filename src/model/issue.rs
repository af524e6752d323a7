//! Issues: the arenas where actors cooperate or defect.
//!
//! A dyadic issue is a 2×2 game between two sides, each side's payoffs given per interest
//! dimension as reward (both cooperate), sucker (I cooperate alone), temptation (I defect on a
//! cooperator) and punishment (both defect). Weighted by an actor's interests these make a
//! prisoner's dilemma, a stag hunt or chicken depending on who is looking. A public good is a
//! threat every participant suffers by its exposure and any participant may pay to lower.
//!
//! An arrangement is a dyadic issue whose mutual cooperation is a state that persists: a
//! transit agreement, a base, a partnership, a membership. Each turn each side decides
//! whether to stay in it (if it is in force) or to join it (if not), and the status quo
//! weighs in the decision: leaving costs the `commitment`, forming anew the `formation` cost.
//! An organization changes the status quo only if its decision rule carries the change, so
//! under consensus one member can keep an arrangement alive as well as block a new one.

use serde::Serialize;

use crate::model::actor::ActorId;
use crate::model::metric::Metric;
use crate::model::param::ParamId;

/// A checked issue: an arena where its participants cooperate or defect each turn.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    /// The key in the file.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Whether the issue is on the table at the start (events may change it).
    pub active: bool,
    /// The deciding actors: the two sides of a dyad, or a public good's participants.
    pub participants: Vec<ActorId>,
    /// A dyadic game (possibly an arrangement) or a public good.
    pub kind: IssueKind,
    /// Multiplier on the issue's stakes: `base + Σ coefficient × metric`, floored at 0 (base 1
    /// when absent). It scales a dyad's payoffs and a public good's harm term; it does not scale
    /// third-party pressure or a contribution's cost. Lets an issue matter more as, say, the
    /// narcotics flow rises.
    pub salience: Linear,
    /// Per-year change of state variables while both sides cooperate (dyadic), or per
    /// contributor (public good).
    pub on_mutual: Vec<(usize, ParamId)>,
    /// Per influence domain (index into the scenario's domains): the weight, in units of
    /// influence share, with which this issue's cooperation counts in a client's ties to the
    /// partner's patrons (or, for a public good, every client's ties to a contributor's).
    pub influence: Vec<(usize, ParamId)>,
    /// How much observers learn about a partner's trustworthiness from this issue (>= 0): 1
    /// by default for dyadic issues and arrangements, 0 for public goods (a contribution to a
    /// shared threat is no dealing with any one partner).
    pub relevance: ParamId,
    /// The source the file gives for the issue (inherited by its values without one).
    pub source: Option<String>,
}

/// The game an issue's participants play.
#[derive(Debug, Clone, Serialize)]
pub enum IssueKind {
    /// Payoffs per side, indexed like `participants`.
    Dyadic {
        /// Per side, its payoffs on each interest dimension it has a stake in.
        payoffs: [Vec<DimPayoff>; 2],
        /// `Some` for an arrangement: mutual cooperation is a state that persists.
        arrangement: Option<Arrangement>,
    },
    /// A threat every participant suffers and any participant may pay to lower.
    PublicGood(PublicGood),
}

/// What makes a dyadic issue an arrangement.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Arrangement {
    /// In force at the start (both sides in).
    pub in_force: bool,
    /// Utility per year (>= 0) a decider adds to staying in the arrangement while it is in
    /// force: what breaking a commitment costs (reputation, sunk investment, penalties).
    pub commitment: ParamId,
    /// Utility per year (>= 0) a decider subtracts from joining while it is not in force:
    /// what building it anew costs (negotiation, ratification).
    pub formation: ParamId,
    /// Per side: what keeping the arrangement costs a year (>= 0) whatever it is worth
    /// (troops, fees, political capital), paid by a decider that votes to stay in or join.
    /// Unlike the payoffs it is not scaled by salience, so an arrangement whose purpose
    /// fades (transit without troops to supply) ends.
    pub upkeep: [ParamId; 2],
    /// For a membership: the organization and the member's index in its member list; the
    /// member votes in the organization only while the arrangement is in force.
    pub membership: Option<Membership>,
}

/// A membership arrangement between a state and an organization.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Membership {
    /// The organization.
    pub organization: ActorId,
    /// The member's position in the organization's member list.
    pub index: usize,
}

/// One side's payoff on one dimension; `None` entries are 0.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DimPayoff {
    /// The interest dimension (index into the scenario's dimensions).
    pub dimension: usize,
    /// Utility per year when both sides cooperate.
    pub reward: Option<ParamId>,
    /// Utility per year when this side cooperates alone.
    pub sucker: Option<ParamId>,
    /// Utility per year when this side defects on a cooperator.
    pub temptation: Option<ParamId>,
    /// Utility per year when both sides defect.
    pub punishment: Option<ParamId>,
}

/// A public good: a threat its participants may pay to lower.
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
    /// Per participant: terms added to its reach each turn, `coefficient × metric` (e.g. the
    /// West's reach in proportion to its presence); the sum is floored at 0.
    pub reach_drivers: Vec<Vec<(Metric, ParamId)>>,
    /// Per-year effect of contributing on the contributor's dimensions (usually negative).
    pub cost: Vec<(usize, ParamId)>,
}

/// `base + Σ coefficient × metric`.
#[derive(Debug, Clone, Serialize)]
pub struct Linear {
    /// The constant term; `None` where the file gives none (1 for a salience, 0 for a state
    /// variable's target).
    pub base: Option<ParamId>,
    /// `(metric, coefficient)` pairs.
    pub terms: Vec<(Metric, ParamId)>,
}
