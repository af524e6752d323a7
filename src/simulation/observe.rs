//! Observers: what a caller sees of a turn as it is played.

use crate::model::decision::DecisionRecord;

/// Receives what happens during a turn. The default methods do nothing, and decision records
/// are only built when `DECISIONS` is true, so Monte Carlo pays nothing for explanations.
pub trait Observer {
    /// Whether the simulation builds a [`DecisionRecord`] for each decision and passes it to
    /// [`Observer::decision`] (false: nothing is built).
    const DECISIONS: bool = false;
    /// One decision of one decider on one issue, when `DECISIONS` is true.
    fn decision(&mut self, _record: DecisionRecord) {}
    /// Event `event` (its index in the scenario) fired in turn `turn` (0-based).
    fn event(&mut self, _turn: usize, _event: usize) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {}

/// Collects every decision record and fired event.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Every decision record, in the order taken.
    pub decisions: Vec<DecisionRecord>,
    /// `(turn, event)` of every event fired, in order.
    pub events: Vec<(usize, usize)>,
}

impl Observer for Recorder {
    const DECISIONS: bool = true;
    fn decision(&mut self, record: DecisionRecord) {
        self.decisions.push(record);
    }
    fn event(&mut self, turn: usize, event: usize) {
        self.events.push((turn, event));
    }
}
