//! Probes: the metrics a run records every turn, resolved once to places in the state.

use super::Simulation;
use crate::model::issue::IssueKind;
use crate::model::metric::Metric;
use crate::scenario::Scenario;

impl Simulation<'_> {
    /// Appends the current value of each of `probes`' metrics to `out`: the same values as
    /// [`Simulation::metric`], read kind by kind without a dispatch on each metric's path.
    pub fn record(&self, probes: &Probes, out: &mut Vec<f64>) {
        let start = out.len();
        out.resize(start + probes.len, 0.0);
        self.record_into(probes, &mut out[start..]);
    }

    /// Writes the current value of each of `probes`' metrics to `row` (`probes.len()` long),
    /// as [`Simulation::record`] appends them: for a caller that keeps one row per turn.
    pub fn record_into(&self, probes: &Probes, row: &mut [f64]) {
        assert_eq!(row.len(), probes.len, "one value per probe");
        let st = &self.state;
        // As `metric_value`: before the first turn bit 0 is the start state.
        let window = (self.scenario.window as usize).min(st.turn).max(1);
        let mask = if window >= 64 { u64::MAX } else { (1u64 << window) - 1 };
        // The quotients `k / window` a rate can take, divided once a turn rather than once a
        // value (the same divisions, so the same numbers).
        let mut rates = [0.0; 65];
        for (k, r) in rates.iter_mut().enumerate().take(window.min(64) + 1) {
            *r = f64::from(k as u32) / window as f64;
        }
        let rate = |bits: u64| rates[(bits & mask).count_ones() as usize];
        let done = |bits: u64| (bits & 1) as f64;
        for &(at, i) in &probes.vars {
            row[at as usize] = st.vars[i as usize];
        }
        for &(at, i) in &probes.trust {
            row[at as usize] = st.trust[i as usize];
        }
        for &(at, i) in &probes.influence {
            row[at as usize] = st.influence[i as usize];
        }
        for &(at, k) in &probes.mutual {
            row[at as usize] = done(st.mutual[k as usize]);
        }
        for &(at, k) in &probes.mutual_rate {
            row[at as usize] = rate(st.mutual[k as usize]);
        }
        for &(at, s) in &probes.slot {
            row[at as usize] = done(st.history[s as usize]);
        }
        for &(at, s) in &probes.slot_rate {
            row[at as usize] = rate(st.history[s as usize]);
        }
        for &(at, a, b) in &probes.slots {
            let slots = &st.history[a as usize..b as usize];
            row[at as usize] = slots.iter().map(|&h| (h & 1) as f64).sum::<f64>() / slots.len() as f64;
        }
        for &(at, a, b) in &probes.slots_rate {
            let slots = &st.history[a as usize..b as usize];
            row[at as usize] = slots.iter().map(|&h| rate(h)).sum::<f64>() / slots.len() as f64;
        }
        for &(at, o) in &probes.outcomes {
            row[at as usize] = f64::from(u8::from(st.reached[o as usize].is_some()));
        }
        for &(at, e) in &probes.events {
            row[at as usize] = f64::from(u8::from(st.turn > 0 && st.last_fired[e as usize] == Some(st.turn - 1)));
        }
    }
}

/// Metrics compiled for [`Simulation::record`]: each one's place in the state, resolved once
/// and grouped by kind, with its position among the metrics.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    len: usize,
    /// `(position, index)` of state variables, trust cells and influence shares.
    vars: Vec<(u32, u32)>,
    trust: Vec<(u32, u32)>,
    influence: Vec<(u32, u32)>,
    /// `(position, issue)`: a dyadic issue's mutual cooperation, and its windowed rate.
    mutual: Vec<(u32, u32)>,
    mutual_rate: Vec<(u32, u32)>,
    /// `(position, slot)`: one participant's action, and its rate.
    slot: Vec<(u32, u32)>,
    slot_rate: Vec<(u32, u32)>,
    /// `(position, first slot, end slot)`: a public good's share of contributors, and its rate.
    slots: Vec<(u32, u32, u32)>,
    slots_rate: Vec<(u32, u32, u32)>,
    /// `(position, outcome)`: whether the outcome has been reached.
    outcomes: Vec<(u32, u32)>,
    /// `(position, event)`: whether the event fired in the turn.
    events: Vec<(u32, u32)>,
}

impl Probes {
    /// Resolves `metrics` of `scenario`. The places depend on the scenario alone, so one set
    /// serves every run of it.
    pub fn new(sc: &Scenario, metrics: &[Metric]) -> Probes {
        let n = sc.actor_count();
        let mut slot_start = vec![0];
        for issue in &sc.issues {
            slot_start.push(slot_start.last().copied().unwrap_or(0) + issue.participants.len());
        }
        let dyadic = |k: usize| matches!(sc.issues[k].kind, IssueKind::Dyadic { .. });
        let small = |x: usize| u32::try_from(x).expect("fewer than 2³² state cells");
        let mut p = Probes { len: metrics.len(), ..Probes::default() };
        for (at, m) in metrics.iter().enumerate() {
            let at = small(at);
            let (one, i) = match *m {
                Metric::State(v) => (&mut p.vars, v),
                Metric::Trust(a, b) => (&mut p.trust, a.0 * n + b.0),
                Metric::Influence { domain, client, patron } => {
                    (&mut p.influence, sc.influence.cell(domain, client, patron))
                }
                Metric::Coop(k) if dyadic(k) => (&mut p.mutual, k),
                Metric::CoopRate(k) if dyadic(k) => (&mut p.mutual_rate, k),
                Metric::CoopActor(k, s) => (&mut p.slot, slot_start[k] + s),
                Metric::CoopRateActor(k, s) => (&mut p.slot_rate, slot_start[k] + s),
                Metric::Outcome(o) => (&mut p.outcomes, o),
                Metric::Event(e) => (&mut p.events, e),
                Metric::Coop(k) => {
                    p.slots.push((at, small(slot_start[k]), small(slot_start[k + 1])));
                    continue;
                }
                Metric::CoopRate(k) => {
                    p.slots_rate.push((at, small(slot_start[k]), small(slot_start[k + 1])));
                    continue;
                }
            };
            one.push((at, small(i)));
        }
        p
    }

    /// The number of metrics.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no metrics.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
