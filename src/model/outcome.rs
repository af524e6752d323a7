//! Outcomes: conditions over the state that a run may reach, such as "NATO–CSTO formal
//! cooperation". Once reached an outcome stays reached (it is an institutional milestone that
//! events and other outcomes can refer to as `outcome.ID`).

use serde::Serialize;

use crate::model::metric::Metric;

/// A checked outcome: conditions over the state that, once they hold long enough, mark it reached
/// for the rest of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The key in the file.
    pub id: String,
    /// Display name.
    pub label: String,
    /// All must hold ...
    pub when: Vec<Condition>,
    /// ... for this many consecutive turns (>= 1).
    pub for_turns: u32,
    /// The source the file gives for the outcome.
    pub source: Option<String>,
}

/// `metric > threshold` or `metric < threshold`; with `other`, a comparison of two
/// metrics: `metric − other > threshold` (or `<`), such as China's economic share above
/// Russia's.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Condition {
    /// The metric compared.
    pub metric: Metric,
    /// The metric compared with, if the condition is a comparison.
    pub other: Option<Metric>,
    /// True for `>`, false for `<`.
    pub above: bool,
    /// The threshold, in the metric's units.
    pub threshold: f64,
}

impl Condition {
    /// Whether the condition holds when `value` is the compared quantity (see
    /// [`Condition::value`]).
    pub fn holds(&self, value: f64) -> bool {
        if self.above { value > self.threshold } else { value < self.threshold }
    }

    /// The compared quantity, `metric` or `metric − other`, with metrics read by `read`.
    #[inline]
    pub fn value(&self, read: impl Fn(&Metric) -> f64) -> f64 {
        match &self.other {
            None => read(&self.metric),
            Some(other) => read(&self.metric) - read(other),
        }
    }

    /// Whether the condition holds on the metrics `read` gives.
    #[inline]
    pub fn check(&self, read: impl Fn(&Metric) -> f64) -> bool {
        self.holds(self.value(read))
    }
}
