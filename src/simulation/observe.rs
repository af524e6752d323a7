//! Observers: what a caller sees of a turn as it is played.

use crate::model::decision::DecisionRecord;

/// Receives what happens during a turn. The default methods do nothing, and decision records
/// are only built when `DECISIONS` is true, so Monte Carlo pays nothing for explanations.
pub trait Observer {
    const DECISIONS: bool = false;
    fn decision(&mut self, _record: DecisionRecord) {}
    fn event(&mut self, _turn: usize, _event: usize) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {}

/// Collects every decision record and fired event.
#[derive(Debug, Default)]
pub struct Recorder {
    pub decisions: Vec<DecisionRecord>,
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
