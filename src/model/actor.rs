//! Actors: states and organizations, their capabilities, interests and behaviour.
//!
//! Organizations decide through their members: each member votes with its own interests and
//! beliefs, and a [`DecisionRule`] aggregates the votes. One mechanism covers the three rules
//! the documents describe: a weighted vote with a threshold, plus vetoes.

use serde::Serialize;

use crate::model::param::{Domain, ParamId};

/// Index of an actor in its scenario (file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ActorId(pub usize);

/// Whether an actor decides for itself or through its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A state: it has interests, trust and capability of its own.
    State,
    /// An organization (NATO, the CSTO, the SCO): its members vote under its decision rule.
    Organization,
}

/// A checked actor.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// The key in the file, e.g. `russia`.
    pub id: String,
    /// Display name, e.g. `Russia`.
    pub name: String,
    /// State or organization.
    pub kind: ActorKind,
    /// Relative power (> 0). `None` for an organization that sums its members'.
    pub capability: Option<ParamId>,
    /// Weight on each interest dimension (>= 0), indexed like `Scenario::dimensions`; `None`
    /// where the file gives no weight (0). Organizations have none: they aggregate members.
    pub interests: Vec<Option<ParamId>>,
    /// Its behaviour parameters (an organization's are unused: its members decide).
    pub behaviour: Behaviour,
    /// Members and decision rule, for an organization; `None` for a state.
    pub organization: Option<Organization>,
    /// The source the file gives for the actor as a whole (inherited by its values without one).
    pub source: Option<String>,
}

/// One behaviour parameter of an actor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BehaviourParam {
    /// The key under an actor's `behaviour` and `[defaults.behaviour]`; the parameter's path
    /// is `actors.ID.behaviour.KEY`.
    pub key: &'static str,
    /// The built-in value where neither the actor nor `[defaults.behaviour]` gives one.
    pub default: f64,
    /// The values it may take.
    pub domain: Domain,
    /// What it means, with its unit.
    pub doc: &'static str,
}

/// The behaviour parameters, in the order of [`Behaviour`]'s fields.
///
/// This is the one list of them: the file format (`scenario::file::BehaviourFile` takes
/// exactly these keys), validation (domains and built-in defaults), `heartland params` and the
/// table in `scenarios/README.md` (checked by a test) all read it. A new parameter is a row
/// here and a field of [`Behaviour`] (a test checks that the two agree, in order).
pub const BEHAVIOUR: [BehaviourParam; 6] = [
    BehaviourParam {
        key: "rationality",
        default: 4.0,
        domain: Domain::NonNegative,
        doc: "logit sharpness λ per unit of utility: 0 is a coin flip, large is a best response",
    },
    BehaviourParam {
        key: "trust_gain",
        default: 0.3,
        domain: Domain::UNIT,
        doc: "per-year fraction of the gap to full trust closed by a partner's cooperation",
    },
    BehaviourParam {
        key: "trust_loss",
        default: 0.5,
        domain: Domain::UNIT,
        doc: "per-year fraction of trust lost to a partner's defection",
    },
    BehaviourParam {
        key: "forgiveness",
        default: 0.1,
        domain: Domain::UNIT,
        doc: "per-year drift of trust back toward its baseline",
    },
    BehaviourParam {
        key: "error",
        default: 0.02,
        domain: Domain::Range(0.0, 0.5),
        doc: "probability that an intended action comes out the other way (implementation or misperception error)",
    },
    BehaviourParam {
        key: "pressure",
        default: 0.0,
        domain: Domain::NonNegative,
        doc: "as a patron: utility cost per unit of influence × hostility imposed on a client that cooperates with someone the patron distrusts",
    },
];

/// How an actor turns interests into choices and observations into trust: one parameter per
/// row of [`BEHAVIOUR`], which gives each one's domain, default and meaning.
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

impl Behaviour {
    /// The parameters in the order of [`BEHAVIOUR`].
    pub(crate) fn from_ids(ids: [ParamId; BEHAVIOUR.len()]) -> Behaviour {
        let [rationality, trust_gain, trust_loss, forgiveness, error, pressure] = ids;
        Behaviour { rationality, trust_gain, trust_loss, forgiveness, error, pressure }
    }
}

/// Members and rule of an organization.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    /// The member states, in file order.
    pub members: Vec<ActorId>,
    /// How the members' votes become the organization's decision.
    pub rule: DecisionRule,
    /// Per member: the membership arrangement (an issue index) that admits it, if its
    /// membership can change; a gated member votes only while that arrangement is in force.
    pub gates: Vec<Option<usize>>,
}

/// The kind of an organization's decision rule, as the file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Every member holds a veto.
    Consensus,
    /// A weighted vote with a threshold, and vetoes for the members given one.
    Weighted,
    /// The leader alone holds a veto; the threshold is 0.
    Leader,
}

/// Cooperate when every veto holder votes for it and the weighted share of members voting for
/// it reaches `threshold`. Consensus: every member holds a veto. Leader: the leader alone
/// holds a veto and the threshold is 0.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRule {
    /// The kind of rule, as written in the file.
    pub kind: RuleKind,
    /// Vote weight per member (same order as `members`); `None` weighs by capability.
    pub weights: Option<Vec<ParamId>>,
    /// Share of weight needed, in [0, 1]; `None` for consensus and leader rules (0).
    pub threshold: Option<ParamId>,
    /// Per member: may it block?
    pub veto: Vec<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviour_fields_follow_the_table() {
        let ids: [ParamId; BEHAVIOUR.len()] = std::array::from_fn(|i| ParamId(i as u32));
        let json = serde_json::to_string(&Behaviour::from_ids(ids)).unwrap();
        let expected: Vec<String> = BEHAVIOUR.iter().enumerate().map(|(i, p)| format!("\"{}\":{i}", p.key)).collect();
        assert_eq!(json, format!("{{{}}}", expected.join(",")));
    }

    /// The scenario format's documentation lists the same keys, in the same order, with the
    /// same built-in defaults.
    #[test]
    fn the_format_documentation_follows_the_table() {
        let readme = include_str!("../../scenarios/README.md");
        let table = readme.split("| key | domain | built-in default | meaning |").nth(1).expect("the behaviour table");
        let rows: Vec<(String, f64)> = table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[3].parse().expect("a number"))
            })
            .collect();
        let table: Vec<(String, f64)> = BEHAVIOUR.iter().map(|p| (p.key.to_string(), p.default)).collect();
        assert_eq!(rows, table);
    }

    #[test]
    fn built_in_defaults_lie_in_their_domains() {
        for p in BEHAVIOUR {
            assert!(p.domain.contains(p.default), "{}", p.key);
        }
    }
}
