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
        assert!(!probes.split, "probes compiled by Probes::split record with record_split");
        assert_eq!(row.len(), probes.len, "one value per probe");
        self.record_with(probes, row, |row, at, x| row[at as usize] = x, |row, at, _, x| row[at as usize] = x);
    }

    /// Writes the current values of probes compiled by [`Probes::split`]: the real-valued
    /// metrics to `values` ([`Probes::value_metrics`] long), and of each counted one the
    /// numerator `k` of its value `k / d` to `counts` ([`Probes::counted_metrics`] long; `d`
    /// is [`Probes::denominator`]). The values are those of [`Simulation::record_into`].
    pub fn record_split(&self, probes: &Probes, values: &mut [f64], counts: &mut [u8]) {
        assert!(probes.split, "probes compiled by Probes::new record with record_into");
        assert_eq!((values.len(), counts.len()), (probes.value_metrics.len(), probes.counted_metrics.len()));
        // A numerator is at most 64 (bits of a window) or a public good's participants
        // (`Probes::split` counts none with more than 64), so it fits a byte.
        let value = |(values, _): &mut (&mut [f64], &mut [u8]), at: u32, x| values[at as usize] = x;
        let counted = |(_, counts): &mut (&mut [f64], &mut [u8]), at: u32, k: u32, _| counts[at as usize] = k as u8;
        self.record_with(probes, &mut (values, counts), value, counted);
    }

    /// Reads every probe into `out`: `value(out, position, x)` for the real-valued metrics,
    /// `counted(out, position, k, x)` for those whose value `x` is `k / d`, a count over a
    /// denominator ([`Probes::denominator`]). One reading for both layouts, so that they
    /// cannot disagree.
    #[inline(always)]
    fn record_with<O: ?Sized>(
        &self,
        probes: &Probes,
        out: &mut O,
        value: impl Fn(&mut O, u32, f64),
        counted: impl Fn(&mut O, u32, u32, f64),
    ) {
        let st = &self.state;
        // As `metric_value`: before the first turn bit 0 is the start state.
        let window = rate_window(self.scenario.window, st.turn);
        let mask = if window >= 64 { u64::MAX } else { (1u64 << window) - 1 };
        // The quotients `k / window` a rate can take, divided once a turn rather than once a
        // value (the same divisions, so the same numbers).
        let mut rates = [0.0; 65];
        for (k, r) in rates.iter_mut().enumerate().take(window.min(64) + 1) {
            *r = f64::from(k as u32) / window as f64;
        }
        let ones = |bits: u64| (bits & mask).count_ones();
        for &(at, i) in &probes.vars {
            value(out, at, st.vars[i as usize]);
        }
        for &(at, i) in &probes.trust {
            value(out, at, st.trust[i as usize]);
        }
        for &(at, i) in &probes.influence {
            value(out, at, st.influence[i as usize]);
        }
        for &(at, k) in &probes.mutual {
            let done = (st.mutual[k as usize] & 1) as u32;
            counted(out, at, done, f64::from(done));
        }
        for &(at, k) in &probes.mutual_rate {
            let k = ones(st.mutual[k as usize]);
            counted(out, at, k, rates[k as usize]);
        }
        for &(at, s) in &probes.slot {
            let done = (st.history[s as usize] & 1) as u32;
            counted(out, at, done, f64::from(done));
        }
        for &(at, s) in &probes.slot_rate {
            let k = ones(st.history[s as usize]);
            counted(out, at, k, rates[k as usize]);
        }
        for &(at, a, b) in &probes.slots {
            let slots = &st.history[a as usize..b as usize];
            // A sum of zeros and ones is exact, in integers as in floats.
            let j = slots.iter().map(|&h| (h & 1) as u32).sum::<u32>();
            counted(out, at, j, f64::from(j) / slots.len() as f64);
        }
        for &(at, a, b) in &probes.shares {
            let slots = &st.history[a as usize..b as usize];
            value(out, at, slots.iter().map(|&h| (h & 1) as f64).sum::<f64>() / slots.len() as f64);
        }
        for &(at, a, b) in &probes.slots_rate {
            let slots = &st.history[a as usize..b as usize];
            value(out, at, slots.iter().map(|&h| rates[ones(h) as usize]).sum::<f64>() / slots.len() as f64);
        }
        for &(at, o) in &probes.outcomes {
            let reached = u32::from(st.reached[o as usize].is_some());
            counted(out, at, reached, f64::from(reached));
        }
        for &(at, e) in &probes.events {
            let fired = u32::from(st.turn > 0 && st.last_fired[e as usize] == Some(st.turn - 1));
            counted(out, at, fired, f64::from(fired));
        }
    }
}

/// The turns a cooperation rate averages after `turn` turns of a scenario whose window is
/// `window`: the window, or the turns played if fewer; before the first turn, one (the start
/// state).
pub(super) fn rate_window(window: u32, turn: usize) -> usize {
    (window as usize).min(turn).max(1)
}

/// The denominator of a counted probe ([`Probes::split`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Den {
    /// A yes or no: 0 or 1.
    One,
    /// A rate: cooperative turns of the window ([`rate_window`]).
    Window,
    /// A public good's share of contributors: of this many participants.
    Of(u32),
}

/// Metrics compiled for [`Simulation::record`]: each one's place in the state, resolved once
/// and grouped by kind, with its position among the metrics.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    len: usize,
    /// Compiled by [`Probes::split`]: counted metrics are numbered apart from the others.
    split: bool,
    /// The scenario's cooperation window.
    window: u32,
    /// Per counted position ([`Probes::split`]): its value's denominator.
    dens: Vec<Den>,
    /// Per position ([`Probes::split`]): the metric recorded there, among the real-valued and
    /// among the counted metrics.
    value_metrics: Vec<u32>,
    counted_metrics: Vec<u32>,
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
    /// `(position, first slot, end slot)`: the share of contributors of a public good too large
    /// (or too small) to be counted in a byte, for [`Probes::split`].
    shares: Vec<(u32, u32, u32)>,
    /// `(position, outcome)`: whether the outcome has been reached.
    outcomes: Vec<(u32, u32)>,
    /// `(position, event)`: whether the event fired in the turn.
    events: Vec<(u32, u32)>,
}

impl Probes {
    /// Resolves `metrics` of `scenario`. The places depend on the scenario alone, so one set
    /// serves every run of it.
    pub fn new(sc: &Scenario, metrics: &[Metric]) -> Probes {
        Probes::compile(sc, metrics, false)
    }

    /// Resolves `metrics` of `scenario` for [`Simulation::record_split`]: the metrics whose
    /// value is a small count over a known denominator (cooperation indicators and rates,
    /// a public good's share of contributors, outcomes, events) are numbered among
    /// themselves ([`Probes::counted_metrics`]), the others among themselves
    /// ([`Probes::value_metrics`]), each in the order of `metrics`.
    pub fn split(sc: &Scenario, metrics: &[Metric]) -> Probes {
        Probes::compile(sc, metrics, true)
    }

    fn compile(sc: &Scenario, metrics: &[Metric], split: bool) -> Probes {
        let n = sc.actor_count();
        let mut slot_start = vec![0];
        for issue in &sc.issues {
            slot_start.push(slot_start.last().copied().unwrap_or(0) + issue.participants.len());
        }
        let dyadic = |k: usize| matches!(sc.issues[k].kind, IssueKind::Dyadic { .. });
        let small = |x: usize| u32::try_from(x).expect("fewer than 2³² state cells");
        let mut p = Probes { len: metrics.len(), split, window: sc.window, ..Probes::default() };
        for (at, m) in metrics.iter().enumerate() {
            let participants = |k: usize| small(slot_start[k + 1] - slot_start[k]);
            let den = match *m {
                Metric::Coop(k) if dyadic(k) => Some(Den::One),
                Metric::CoopActor(..) | Metric::Outcome(_) | Metric::Event(_) => Some(Den::One),
                Metric::CoopRate(k) if dyadic(k) => Some(Den::Window),
                Metric::CoopRateActor(..) => Some(Den::Window),
                Metric::Coop(k) if (1..=64).contains(&participants(k)) => Some(Den::Of(participants(k))),
                _ => None,
            };
            // Unsplit, every metric is numbered in order.
            let at = match (split, den) {
                (false, _) => small(at),
                (true, Some(d)) => {
                    p.dens.push(d);
                    p.counted_metrics.push(small(at));
                    small(p.counted_metrics.len() - 1)
                }
                (true, None) => {
                    p.value_metrics.push(small(at));
                    small(p.value_metrics.len() - 1)
                }
            };
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
                    let goods = if !split || den.is_some() { &mut p.slots } else { &mut p.shares };
                    goods.push((at, small(slot_start[k]), small(slot_start[k + 1])));
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

    /// Compiled by [`Probes::split`]: the real-valued metrics, by their index in the
    /// metrics compiled, in the order [`Simulation::record_split`] writes them.
    pub fn value_metrics(&self) -> &[u32] {
        &self.value_metrics
    }

    /// Compiled by [`Probes::split`]: the counted metrics, by their index in the metrics
    /// compiled, in the order [`Simulation::record_split`] writes their numerators.
    pub fn counted_metrics(&self) -> &[u32] {
        &self.counted_metrics
    }

    /// Compiled by [`Probes::split`]: the denominator of counted metric `counted` recorded
    /// after `turn` turns (the state's turn), at least 1. Its numerator is at most the
    /// denominator and at most 64.
    pub fn denominator(&self, counted: usize, turn: usize) -> u32 {
        match self.dens[counted] {
            Den::One => 1,
            Den::Window => u32::try_from(rate_window(self.window, turn)).unwrap_or(u32::MAX),
            Den::Of(participants) => participants,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::actor::ActorId;
    use crate::results::fixtures::tiny;

    #[test]
    fn split_records_the_values_of_the_unsplit_probes() {
        // Every kind of metric of the tiny scenario (two dyadic issues, a public good,
        // outcomes, events); values compared bit for bit at every turn of a few runs,
        // before the first turn too (a rate's window is then one turn).
        let sc = tiny();
        let mut metrics: Vec<Metric> = (0..sc.state.len()).map(Metric::State).collect();
        metrics.push(Metric::Trust(ActorId(0), ActorId(3)));
        for (k, issue) in sc.issues.iter().enumerate() {
            metrics.extend([Metric::Coop(k), Metric::CoopRate(k)]);
            for s in 0..issue.participants.len() {
                metrics.extend([Metric::CoopActor(k, s), Metric::CoopRateActor(k, s)]);
            }
        }
        metrics.extend((0..sc.outcomes.len()).map(Metric::Outcome));
        metrics.extend((0..sc.events.len()).map(Metric::Event));
        let (whole, split) = (Probes::new(&sc, &metrics), Probes::split(&sc, &metrics));
        assert_eq!(split.value_metrics().len() + split.counted_metrics().len(), metrics.len());
        // Only real values and public goods' rates are left as values.
        for &m in split.value_metrics() {
            let public = |k: usize| !matches!(sc.issues[k].kind, IssueKind::Dyadic { .. });
            let real = match metrics[m as usize] {
                Metric::State(_) | Metric::Trust(..) => true,
                Metric::CoopRate(k) => public(k),
                _ => false,
            };
            assert!(real, "{:?}", metrics[m as usize]);
        }
        let (mut row, mut values, mut numerators) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen = vec![std::collections::BTreeSet::new(); split.counted_metrics().len()];
        for run in 0..6 {
            let mut sim = Simulation::new(&sc, 5, run);
            loop {
                row.clear();
                sim.record(&whole, &mut row);
                values.resize(split.value_metrics().len(), f64::NAN);
                numerators.resize(split.counted_metrics().len(), u8::MAX);
                sim.record_split(&split, &mut values, &mut numerators);
                let turn = sim.state().turn;
                for (i, &m) in split.value_metrics().iter().enumerate() {
                    assert_eq!(
                        values[i].to_bits(),
                        row[m as usize].to_bits(),
                        "turn {turn}, {:?}",
                        metrics[m as usize]
                    );
                }
                for (i, &m) in split.counted_metrics().iter().enumerate() {
                    let d = split.denominator(i, turn);
                    assert!(u32::from(numerators[i]) <= d);
                    let x = f64::from(numerators[i]) / f64::from(d);
                    assert_eq!(x.to_bits(), row[m as usize].to_bits(), "turn {turn}, {:?}", metrics[m as usize]);
                    assert_eq!(x.to_bits(), sim.metric(&metrics[m as usize]).to_bits());
                    seen[i].insert(numerators[i]);
                }
                if sim.is_done() {
                    break;
                }
                sim.step();
            }
        }
        // Not all zeros: the comparison saw the values move.
        assert!(seen.iter().filter(|s| s.len() > 1).count() >= split.counted_metrics().len() / 2);
    }
}
