//! Who weighs how much: an organization's members' vote weights (as given, else by
//! capability), an organization's capability (its members'), its trust (its members'
//! weighted mean), and the pressure patrons bring to bear on their clients through their
//! share of influence.

use super::State;
use super::compiled::{Compiled, Press};
use crate::model::actor::{ActorId, Organization};
use crate::model::param::Values;
use crate::scenario::Scenario;

/// Normalised vote weights of an organization's members, into `out`: as given, else by
/// capability.
pub(super) fn vote_weights(sc: &Scenario, values: &Values, org: &Organization, out: &mut Vec<f64>) {
    out.clear();
    match &org.rule.weights {
        Some(ws) => out.extend(ws.iter().map(|id| values.get(*id))),
        None => out.extend(org.members.iter().map(|m| capability(sc, values, m.0))),
    }
    let total: f64 = out.iter().sum();
    if total > 0.0 {
        out.iter_mut().for_each(|w| *w /= total);
    } else {
        let even = 1.0 / out.len() as f64;
        out.iter_mut().for_each(|w| *w = even);
    }
}

/// An actor's capability: its own, else (an organization) the sum of its members'.
pub(super) fn capability(sc: &Scenario, values: &Values, a: usize) -> f64 {
    match (sc.actors[a].capability, &sc.actors[a].organization) {
        (Some(id), _) => values.get(id),
        (None, Some(org)) => org.members.iter().map(|m| capability(sc, values, m.0)).sum(),
        (None, None) => 0.0,
    }
}

impl Compiled {
    /// Sets each organization's trust in others to its members' weighted mean.
    pub(super) fn derive_org_trust(&self, trust: &mut [f64]) {
        let n = self.lambda.len();
        for &(org, ref members) in &self.org_weights {
            // Row by row: each cell sums its members' terms in member order, from −0.0 as a
            // sum of an iterator does. Members are states, never the organization itself.
            let own = trust[org * n + org];
            trust[org * n..(org + 1) * n].fill(-0.0);
            for &(m, w) in members {
                let (mean, member) = if m < org {
                    let (head, tail) = trust.split_at_mut(org * n);
                    (&mut tail[..n], &head[m * n..(m + 1) * n])
                } else {
                    let (head, tail) = trust.split_at_mut(m * n);
                    (&mut head[org * n..(org + 1) * n], &tail[..n])
                };
                for (x, &t) in mean.iter_mut().zip(member) {
                    *x += w * t;
                }
            }
            // Weights sum to 1 only up to rounding: keep the mean in [0, 1].
            for x in &mut trust[org * n..(org + 1) * n] {
                *x = x.clamp(0.0, 1.0);
            }
            trust[org * n + org] = own;
        }
    }

    /// Cost to `a` of cooperating with `partner`: each patron's leverage over `a` (its share
    /// of influence, averaged over domains), times its pressure, times its hostility to the
    /// partner (1 − trust). Patrons press only against dealings with a rival patron (or an
    /// organization one belongs to), never against themselves or their own organizations.
    #[inline]
    pub(super) fn pressure_cost(&self, st: &State, leverage: &[f64], a: usize, partner: usize) -> f64 {
        let Some(c) = self.client_of[a].filter(|_| self.rival[partner]) else {
            return 0.0;
        };
        let n = self.lambda.len();
        let np = self.patrons.len();
        let credit = &self.credit[partner * np..(partner + 1) * np];
        let mut cost = 0.0;
        for (p, &pa) in self.patrons.iter().enumerate() {
            if pa != a && credit[p] == 0.0 {
                cost += leverage[c * np + p] * self.pressure[pa] * (1.0 - st.trust[pa * n + partner]);
            }
        }
        cost
    }

    /// Lists, for each pressed cell, the terms of its [`Compiled::pressure_cost`] that
    /// depend on the turn's leverage and trust, for [`Compiled::pressures`].
    pub(super) fn rebuild_press(&mut self) {
        let n = self.lambda.len();
        let np = self.patrons.len();
        self.press.clear();
        self.press_start.clear();
        self.press_start.push(0);
        for &cell in &self.pressed {
            let (a, partner) = (cell / n, cell % n);
            // A pressed cell's decider is a client and its partner a rival.
            let c = self.client_of[a].expect("a client");
            let credit = &self.credit[partner * np..(partner + 1) * np];
            for (p, &pa) in self.patrons.iter().enumerate() {
                if pa != a && credit[p] == 0.0 {
                    self.press.push(Press {
                        leverage: c * np + p,
                        pressure: self.pressure[pa],
                        trust: pa * n + partner,
                    });
                }
            }
            self.press_start.push(self.press.len());
        }
    }

    /// Each pressed cell's [`Compiled::pressure_cost`] this turn, into `out` (by cell), from
    /// the terms [`Compiled::rebuild_press`] listed: the same terms, summed in the same order.
    pub(super) fn pressures(&self, st: &State, leverage: &[f64], out: &mut [f64]) {
        for (&cell, bounds) in self.pressed.iter().zip(self.press_start.windows(2)) {
            let mut cost = 0.0;
            for term in &self.press[bounds[0]..bounds[1]] {
                cost += leverage[term.leverage] * term.pressure * (1.0 - st.trust[term.trust]);
            }
            out[cell] = cost;
        }
    }

    /// The terms of [`Compiled::pressure_cost`], patron by patron (for explanations).
    pub(super) fn pressure_terms(
        &self,
        st: &State,
        leverage: &[f64],
        a: usize,
        partner: usize,
        dyadic: bool,
    ) -> Vec<(ActorId, f64)> {
        let Some(c) = self.client_of[a].filter(|_| dyadic && self.rival[partner]) else {
            return Vec::new();
        };
        let n = self.lambda.len();
        let np = self.patrons.len();
        let credit = &self.credit[partner * np..(partner + 1) * np];
        self.patrons
            .iter()
            .enumerate()
            .filter(|&(p, &pa)| pa != a && credit[p] == 0.0)
            .map(|(p, &pa)| {
                (ActorId(pa), leverage[c * np + p] * self.pressure[pa] * (1.0 - st.trust[pa * n + partner]))
            })
            .collect()
    }
}
