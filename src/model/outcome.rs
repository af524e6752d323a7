//! Outcomes: conditions over the state that a run may reach, such as "NATO–CSTO formal
//! cooperation". Once reached an outcome stays reached (it is an institutional milestone that
//! events and other outcomes can refer to as `outcome.ID`).

use serde::Serialize;

use crate::model::metric::Metric;

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub label: String,
    /// All must hold ...
    pub when: Vec<Condition>,
    /// ... for this many consecutive turns (>= 1).
    pub for_turns: u32,
    pub source: Option<String>,
}

/// `metric > threshold` or `metric < threshold`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Condition {
    pub metric: Metric,
    pub above: bool,
    pub threshold: f64,
}

impl Condition {
    pub fn holds(&self, value: f64) -> bool {
        if self.above { value > self.threshold } else { value < self.threshold }
    }
}
