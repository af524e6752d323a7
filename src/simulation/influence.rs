//! Influence: each client's ties to its patrons, domain by domain, and the shares they make.
//!
//! A client's ties to a patron in a domain start at the patron's initial share and follow a
//! target: the initial share, grown by the patron's trend in that domain, plus the weight of
//! every arrangement the client has formed with the patron since the start, minus that of
//! every one it has ended:
//!
//! `T*(t) = φ₀·(1 + trend)^years + Σ_k w_k·credit_k·(a_k(t) − a_k(0))`,
//! `T ← max(0, T + r·(T* − T))`, `φ = T / Σ_patrons T`.
//!
//! So nothing drifts by construction: with the arrangements of the start still in force and
//! no trend, the shares stay where they began. `a_k` is 1 while a dyadic issue's sides both
//! cooperate (an arrangement in force) or, for a public good, while a participant
//! contributes (credited over every other client); `credit_k` is 1 for the patron itself and
//! its vote weight for an organization it belongs to.

use super::State;
use crate::model::actor::ActorId;
use crate::model::issue::IssueKind;
use crate::model::param::{ParamId, Values};
use crate::scenario::Scenario;

/// The influence model's numbers for one run.
#[derive(Debug, Clone, Default)]
pub(super) struct InfluenceC {
    clients: usize,
    patrons: usize,
    /// Per cell (`domains × clients × patrons`): the run's initial share.
    phi0: Vec<f64>,
    /// Per `domain × patron`: growth of the structural ties per turn, `(1 + trend)^dt`.
    growth: Vec<f64>,
    /// Per turn, the fraction of the gap between ties and target closed.
    relax: f64,
    terms: Vec<Term>,
}

/// One arrangement's (or contribution's) pull on one cell's target.
#[derive(Debug, Clone)]
struct Term {
    cell: usize,
    source: Source,
    /// The issue's weight in the domain, and who the client deals with (for the credit).
    weight_param: ParamId,
    via: usize,
    patron: usize,
    /// `w · credit`, for this run.
    weight: f64,
    /// The activity at the start (1 for an arrangement in force then).
    base: f64,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    /// Both slots of a dyad cooperate.
    Mutual(usize, usize),
    /// A public-good participant's slot contributes.
    Slot(usize),
}

/// Each client's initial shares in each domain, normalised to sum to 1 (equal shares when
/// they sum to 0), into `out` (`domains × clients × patrons`).
pub(super) fn initial_shares(sc: &Scenario, values: &Values, out: &mut [f64]) {
    for (x, p) in out.iter_mut().zip(&sc.influence.shares) {
        *x = p.map_or(0.0, |id| values.get(id));
    }
    let np = sc.influence.patrons.len();
    if np > 0 {
        out.chunks_exact_mut(np).for_each(normalise);
    }
}

/// Scales a row to sum to 1; an empty row becomes equal shares.
pub(super) fn normalise(row: &mut [f64]) {
    let total: f64 = row.iter().sum();
    if total > 0.0 {
        row.iter_mut().for_each(|x| *x /= total);
    } else {
        let even = 1.0 / row.len() as f64;
        row.iter_mut().for_each(|x| *x = even);
    }
}

impl InfluenceC {
    /// The structure: which issue pulls on which cell through whom.
    pub(super) fn new(sc: &Scenario, slot_start: &[usize]) -> InfluenceC {
        let inf = &sc.influence;
        let client_of = |a: usize| inf.clients.iter().position(|c| c.0 == a);
        // Whose deals count for patron `p`: the patron itself, or an organization it is in.
        let counts_for = |via: usize, p: usize| {
            let pa = inf.patrons[p].0;
            via == pa || sc.actors[via].organization.as_ref().is_some_and(|o| o.members.contains(&ActorId(pa)))
        };
        let mut terms = Vec::new();
        for (k, issue) in sc.issues.iter().enumerate() {
            for &(d, weight_param) in &issue.influence {
                let slots = slot_start[k]..slot_start[k + 1];
                match &issue.kind {
                    IssueKind::Dyadic { arrangement, .. } => {
                        let base = f64::from(u8::from(arrangement.is_some_and(|a| a.in_force)));
                        for local in 0..2 {
                            let (x, via) = (issue.participants[local].0, issue.participants[1 - local].0);
                            // A client deals for itself; an organization of clients (a format
                            // such as the C5) for each of its members.
                            let dealers = match &sc.actors[x].organization {
                                None => vec![x],
                                Some(org) => org.members.iter().map(|m| m.0).collect(),
                            };
                            for c in dealers.into_iter().filter_map(client_of) {
                                for p in (0..inf.patrons.len()).filter(|&p| counts_for(via, p)) {
                                    terms.push(Term {
                                        cell: inf.cell(d, c, p),
                                        source: Source::Mutual(slots.start, slots.start + 1),
                                        weight_param,
                                        via,
                                        patron: p,
                                        weight: 0.0,
                                        base,
                                    });
                                }
                            }
                        }
                    }
                    IssueKind::PublicGood(_) => {
                        for (local, &ActorId(via)) in issue.participants.iter().enumerate() {
                            for c in (0..inf.clients.len()).filter(|&c| inf.clients[c].0 != via) {
                                for p in (0..inf.patrons.len()).filter(|&p| counts_for(via, p)) {
                                    terms.push(Term {
                                        cell: inf.cell(d, c, p),
                                        source: Source::Slot(slots.start + local),
                                        weight_param,
                                        via,
                                        patron: p,
                                        weight: 0.0,
                                        base: 0.0,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
        InfluenceC {
            clients: inf.clients.len(),
            patrons: inf.patrons.len(),
            phi0: vec![0.0; inf.shares.len()],
            growth: vec![1.0; inf.domains.len() * inf.patrons.len()],
            relax: 0.0,
            terms,
        }
    }

    /// The numbers: initial shares, trends, weights × credits (`actors × patrons`), and the
    /// per-turn relaxation.
    pub(super) fn rebuild(&mut self, sc: &Scenario, values: &Values, credit: &[f64], relax: f64) {
        initial_shares(sc, values, &mut self.phi0);
        let dt = sc.calendar.step.years();
        for (g, trend) in self.growth.iter_mut().zip(&sc.influence.trend) {
            *g = trend.map_or(1.0, |id| (1.0 + values.get(id)).powf(dt));
        }
        for t in &mut self.terms {
            t.weight = values.get(t.weight_param) * credit[t.via * self.patrons + t.patron];
        }
        self.relax = relax;
    }

    /// Moves the ties toward this turn's targets and recomputes the shares. `act` holds the
    /// slots' actions of the turn just decided (false on inactive issues); `target` is scratch
    /// of the shares' size.
    pub(super) fn update(&self, st: &mut State, act: &[bool], target: &mut [f64]) {
        let np = self.patrons;
        if np == 0 || self.clients == 0 {
            return;
        }
        // The turn being played ends `turn + 1` turns after the start.
        let turns = i32::try_from(st.turn + 1).unwrap_or(i32::MAX);
        let per_domain = self.clients * np;
        // Each patron's trend, once per domain: the clients of a domain share it.
        for ((targets, phis), growth) in target
            .chunks_exact_mut(per_domain)
            .zip(self.phi0.chunks_exact(per_domain))
            .zip(self.growth.chunks_exact(np))
        {
            for (p, g) in growth.iter().enumerate() {
                let g = g.powi(turns);
                for (t, &phi) in targets[p..].iter_mut().step_by(np).zip(phis[p..].iter().step_by(np)) {
                    *t = phi * g;
                }
            }
        }
        for term in &self.terms {
            let active = match term.source {
                Source::Mutual(s0, s1) => act[s0] & act[s1],
                Source::Slot(s) => act[s],
            };
            target[term.cell] += term.weight * (f64::from(u8::from(active)) - term.base);
        }
        for (tie, &t) in st.ties.iter_mut().zip(target.iter()) {
            *tie = (*tie + self.relax * (t - *tie)).max(0.0);
        }
        for (share, ties) in st.influence.chunks_exact_mut(np).zip(st.ties.chunks_exact(np)) {
            share.copy_from_slice(ties);
            normalise(share);
        }
    }
}
