//! The decisions a team takes in a turn: what each is about, the model's recommendation
//! and its terms, and an organization's probability of cooperating from its members' votes.

use serde::{Deserialize, Serialize};

use crate::model::actor::ActorId;
use crate::model::decision::DecisionRecord;

/// What a decision is about, which names its two choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// An arrangement in force: stay in (cooperate) or leave.
    Stay,
    /// An arrangement not in force: join (cooperate) or stay out.
    Join,
    /// A public good: contribute (cooperate) or hold back.
    Contribute,
    /// Any other two-sided issue: cooperate or defect.
    Cooperate,
}

impl DecisionKind {
    /// The words for cooperating and for defecting.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            DecisionKind::Stay => ("stay in", "leave"),
            DecisionKind::Join => ("join", "stay out"),
            DecisionKind::Contribute => ("contribute", "hold back"),
            DecisionKind::Cooperate => ("cooperate", "defect"),
        }
    }

    /// The word for a choice.
    pub fn word(self, cooperate: bool) -> &'static str {
        let (yes, no) = self.words();
        if cooperate { yes } else { no }
    }

    /// Reads a choice: `cooperate`/`defect` always, and the kind's own words (`stay`,
    /// `leave`, `join`, `stay_out`, `contribute`, `hold_back`); spaces, hyphens and
    /// underscores alike, any case.
    pub fn parse(self, text: &str) -> Option<bool> {
        let t: String =
            text.trim().to_lowercase().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).collect();
        match (t.as_str(), self) {
            ("cooperate" | "c" | "yes", _) => Some(true),
            ("defect" | "d" | "no", _) => Some(false),
            ("stay" | "stay_in" | "remain", DecisionKind::Stay) => Some(true),
            ("leave" | "exit", DecisionKind::Stay) => Some(false),
            ("join", DecisionKind::Join) => Some(true),
            ("stay_out" | "decline", DecisionKind::Join) => Some(false),
            ("contribute", DecisionKind::Contribute) => Some(true),
            ("hold_back" | "abstain", DecisionKind::Contribute) => Some(false),
            _ => None,
        }
    }
}

/// One decision a team takes in the coming turn, with the model's recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// Index of the team in [`Game::teams`](super::Game::teams).
    pub team: usize,
    /// The issue (index in the scenario).
    pub issue: usize,
    /// The participant deciding (one of the team's actors).
    pub participant: ActorId,
    /// The participant's slot, for [`Overrides`](crate::simulation::Overrides).
    pub slot: usize,
    /// What cooperating means here.
    pub kind: DecisionKind,
    /// The model's probability, in [0, 1], that this participant cooperates (after errors;
    /// for an organization, that its members' votes carry cooperation).
    pub p_cooperate: f64,
    /// The model's recommendation: its most likely choice (`p_cooperate ≥ 0.5`).
    pub recommend: bool,
    /// The participant's utility advantage of cooperating as the model weighs it (for an
    /// organization, its members' advantages by vote weight).
    pub utility: f64,
    /// The terms: the participant's own record, or its voting members'.
    pub records: Vec<DecisionRecord>,
}

/// The probability that an organization's action is cooperation: its present members'
/// votes, each for cooperation with its own probability, carry a change of the status quo
/// or not (every combination of votes for up to 16 members; beyond, the expected share).
pub(super) fn p_carried(records: &[DecisionRecord], rule: &crate::simulation::VoteRule, in_force: bool) -> f64 {
    use crate::model::decision::{logistic, with_error};
    let voters: Vec<(f64, f64, bool)> = records
        .iter()
        .map(|r| {
            let v = rule.voters.iter().find(|v| v.actor == r.decider).expect("a record's decider votes");
            // The probability of voting for a change.
            let p = if in_force { 1.0 - r.p_cooperate } else { r.p_cooperate };
            (p, v.weight, v.veto)
        })
        .collect();
    if rule.objection > 0.0 {
        // As the engine: a member objects at the far end of its draws against the change, so
        // objecting, voting for the change and neither are exclusive. The change is carried
        // when nobody objects and someone is for it.
        let (mut none_object, mut none_object_nor_for) = (1.0, 1.0);
        for (r, &(p_for, _, _)) in records.iter().zip(&voters) {
            let x = r.rationality * r.utility;
            let against = if in_force { x } else { -x };
            let p_object = with_error(logistic(against - r.rationality * rule.objection), r.error);
            none_object *= 1.0 - p_object;
            none_object_nor_for *= (1.0 - p_object - p_for).max(0.0);
        }
        let p_change = none_object - none_object_nor_for;
        return if in_force { 1.0 - p_change } else { p_change };
    }
    let present: f64 = voters.iter().map(|v| v.1).sum();
    let p_change = if voters.len() <= 16 {
        let mut total = 0.0;
        for mask in 0u32..(1 << voters.len()) {
            let mut tally = crate::model::decision::Tally::default();
            let mut p = 1.0;
            for (i, &(pv, w, veto)) in voters.iter().enumerate() {
                let yes = mask >> i & 1 == 1;
                p *= if yes { pv } else { 1.0 - pv };
                tally.vote(yes, w, veto);
            }
            if present > 0.0 && tally.passes(rule.threshold * present) {
                total += p;
            }
        }
        total
    } else {
        let share: f64 = voters.iter().map(|v| v.0 * v.1).sum::<f64>() / present.max(f64::MIN_POSITIVE);
        let unvetoed: f64 = voters.iter().filter(|v| v.2).map(|v| v.0).product();
        if share >= rule.threshold { unvetoed } else { 0.0 }
    };
    if in_force { 1.0 - p_change } else { p_change }
}
