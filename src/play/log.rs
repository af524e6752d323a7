//! The game's log: every turn adjudicated with the teams' choices, every facilitator's
//! change, in order. Replaying it from the start reproduces the game exactly.

use serde::{Deserialize, Serialize};

use super::decisions::DecisionKind;

/// A choice as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The team's name.
    pub team: String,
    /// The issue's id.
    pub issue: String,
    /// The participant's id.
    pub actor: String,
    /// What the decision was about (which names the choices).
    pub kind: DecisionKind,
    /// What was decided (true: cooperate, stay in, join, contribute).
    pub cooperate: bool,
    /// The model's recommendation when it was decided.
    pub recommended: bool,
    /// The model's probability of cooperating.
    pub p_cooperate: f64,
    /// The model's utility advantage of cooperating.
    pub utility: f64,
}

impl Choice {
    /// What departing from the model's recommendation cost, in the model's expected utility
    /// (≥ 0; 0 when the choice is the one the utility favours).
    pub fn cost(&self) -> f64 {
        if self.cooperate { (-self.utility).max(0.0) } else { self.utility.max(0.0) }
    }
}

/// An entry of the game's log, in the order things happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// A turn adjudicated, with the teams' choices imposed.
    Turn {
        /// 0-based turn played.
        turn: usize,
        /// Its date.
        date: String,
        /// The teams' choices.
        choices: Vec<Choice>,
        /// Events that fired in the turn, by id.
        events: Vec<String>,
        /// Arrangements formed in the turn, by issue id.
        formed: Vec<String>,
        /// Arrangements ended in the turn, by issue id.
        ended: Vec<String>,
        /// Outcomes first reached in the turn, by id.
        reached: Vec<String>,
    },
    /// A scenario event fired between turns.
    Event {
        /// The coming turn.
        turn: usize,
        /// The event's id.
        event: String,
        /// Why, if the facilitator said.
        reason: Option<String>,
    },
    /// An ad-hoc inject: its text, checked like a scenario's effects.
    Inject {
        /// The coming turn.
        turn: usize,
        /// Its label.
        label: String,
        /// The inject as written (`effects = [...]`).
        text: String,
        /// Why, if the facilitator said.
        reason: Option<String>,
    },
    /// A parameter or a state value overridden.
    Override {
        /// The coming turn.
        turn: usize,
        /// A parameter's path, or a state target (`state.NAME`, `trust.A.B`, ...).
        target: String,
        /// Its value before.
        from: f64,
        /// Its value after.
        to: f64,
        /// Why.
        reason: String,
    },
    /// The last turn undone (and anything done since it).
    Undo {
        /// The 0-based turn undone.
        turn: usize,
    },
    /// A note in the log (a team's note with its orders, a facilitator's remark).
    Note {
        /// The coming turn.
        turn: usize,
        /// Who wrote it.
        by: String,
        /// The note.
        text: String,
    },
}
