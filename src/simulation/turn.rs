//! One turn: events, decisions, consequences, state relaxation, closing (see the module
//! documentation of [`super`] for the order).

use rand::RngExt;

use super::compiled::{capability, metric_value};
use super::state::normalise;
use super::{Observer, Overrides, Simulation, State};
use crate::model::actor::ActorId;
use crate::model::decision::{self, DecisionRecord};
use crate::model::events::{Op, Target, Trigger};
use crate::model::issue::IssueKind;
use crate::model::param::{ParamId, Values};
use crate::model::trust;
use crate::scenario::Scenario;

impl Simulation<'_> {
    pub(super) fn fire_events<O: Observer>(&mut self, t: usize, observer: &mut O) {
        let sc = self.scenario;
        let mut recompile = false;
        for (e, ev) in sc.events.iter().enumerate() {
            let fire = match ev.trigger {
                Trigger::At(turn) => turn == t && self.conditions_hold(&ev.when),
                Trigger::Hazard { per_year, repeat } => {
                    let u: f64 = self.rng.random();
                    // The compiled rate holds until an effect changes a parameter this turn.
                    let per_turn = |sim: &Self| {
                        if recompile { sc.calendar.per_turn(sim.values.get(per_year)) } else { sim.model.hazard[e] }
                    };
                    (repeat || self.state.fired[e].is_none()) && u < per_turn(self) && self.conditions_hold(&ev.when)
                }
            };
            if !fire {
                continue;
            }
            for effect in &ev.effects {
                let amount = self.values.get(effect.amount);
                recompile |= apply_effect(sc, &mut self.values, &mut self.state, effect.target, effect.op, amount);
            }
            self.org_trust_current = false;
            self.state.fired[e].get_or_insert(t);
            self.state.last_fired[e] = Some(t);
            observer.event(t, e);
        }
        if recompile {
            self.model.rebuild(sc, &self.values);
        }
        // An effect on a member's trust reaches its organizations' trust within the turn.
        // Otherwise their trust is still what the last turn derived from the same members.
        if !self.org_trust_current {
            self.model.derive_org_trust(&mut self.state.trust);
            self.org_trust_current = true;
        }
    }

    pub(super) fn conditions_hold(&self, conds: &[crate::model::outcome::Condition]) -> bool {
        conds.iter().all(|c| c.check(|m| self.metric(m)))
    }

    /// Decisions in three passes over the deciders, so that the logit's `exp` and division,
    /// the longest chain of a decision, run in a loop of their own where the processor can
    /// overlap consecutive ones: the utilities and draws, then the probabilities, then the
    /// votes. The draws are taken in the same order as one pass would take them.
    pub(super) fn decide<O: Observer>(&mut self, t: usize, overrides: &Overrides, observer: &mut O) {
        let Simulation { scenario: sc, values, model: m, state: st, rng, scratch: sx, .. } = self;
        let sc: &Scenario = sc;
        let n = sc.actor_count();
        // 1. Salience, draws, utilities (as λ·Δu) and pressure.
        for (k, issue) in m.issues.iter().enumerate() {
            let sal = issue.salience(sc, m, st);
            sx.salience[k] = sal;
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            if !st.issue_active[k] {
                // Every decider draws even so, to keep the streams of scenario variants aligned;
                // nobody acts, whatever is imposed.
                for s in slots {
                    for _ in m.slots[s].evals.clone() {
                        let _: f64 = rng.random();
                    }
                    sx.act[s] = false;
                }
                continue;
            }
            for s in slots.clone() {
                let slot = &m.slots[s];
                for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                    sx.draw[e] = rng.random();
                    let a = ev.actor;
                    let (advantage, pressure) = match issue.threat {
                        None => {
                            let q = st.trust[a * n + slot.partner];
                            (
                                decision::dyadic_advantage(sal, q, ev.r, ev.s, ev.t, ev.p),
                                m.pressure_cost(st, a, slot.partner),
                            )
                        }
                        Some(threat) => {
                            let others = m.others_expected(st, a, slots.clone(), s);
                            let level = st.vars[threat];
                            (decision::public_good_advantage(sal, ev.harm, level, others, slot.efficacy, ev.cost), 0.0)
                        }
                    };
                    sx.pressure[e] = pressure;
                    sx.x[e] = m.lambda[a] * (advantage - pressure);
                }
            }
        }
        // 2. Probabilities of cooperating, with errors.
        for (k, &(first, end)) in m.issue_evals.iter().enumerate() {
            if st.issue_active[k] {
                for (p, (&x, ev)) in sx.p[first..end].iter_mut().zip(sx.x[first..end].iter().zip(&m.evals[first..end]))
                {
                    *p = decision::with_error(decision::logistic(x), m.error[ev.actor]);
                }
            }
        }
        // 3. Votes, tallies, actions.
        let mut decisions = 0;
        for (k, issue) in m.issues.iter().enumerate() {
            if !st.issue_active[k] {
                continue;
            }
            let sal = sx.salience[k];
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            for s in slots.clone() {
                let slot = &m.slots[s];
                let mut tally = decision::Tally::default();
                for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                    let (u, p, pressure) = (sx.draw[e], sx.p[e], sx.pressure[e]);
                    let vote = u < p;
                    // What cooperating costs the decider in pressure, if it voted to.
                    sx.cost[e] = decision::select(vote, pressure);
                    decisions += 1;
                    tally.vote(vote, ev.weight, ev.veto);
                    if O::DECISIONS {
                        let a = ev.actor;
                        let (advantage, belief) = match issue.threat {
                            None => {
                                let q = st.trust[a * n + slot.partner];
                                (decision::dyadic_advantage(sal, q, ev.r, ev.s, ev.t, ev.p), q)
                            }
                            Some(threat) => {
                                let others = m.others_expected(st, a, slots.clone(), s);
                                let level = st.vars[threat];
                                let adv = decision::public_good_advantage(
                                    sal,
                                    ev.harm,
                                    level,
                                    others,
                                    slot.efficacy,
                                    ev.cost,
                                );
                                (adv, others)
                            }
                        };
                        observer.decision(DecisionRecord {
                            turn: t,
                            issue: k,
                            participant: ActorId(slot.actor),
                            decider: ActorId(a),
                            partner: issue.threat.is_none().then_some(ActorId(slot.partner)),
                            belief,
                            salience: sal,
                            advantage,
                            by_dimension: breakdown(sc, values, st, k, s - m.slot_start[k], a, sal, belief),
                            pressure: m.pressure_terms(st, a, slot.partner, issue.threat.is_none()),
                            utility: advantage - pressure,
                            rationality: m.lambda[a],
                            p_intend: decision::choice_probability(m.lambda[a], advantage - pressure),
                            error: m.error[a],
                            p_cooperate: p,
                            draw: u,
                            cooperated: vote,
                        });
                    }
                }
                sx.act[s] = match overrides.0.get(s).copied().flatten() {
                    Some(forced) => forced,
                    None => tally.passes(slot.threshold),
                };
            }
        }
        st.decisions += decisions;
    }

    pub(super) fn apply_consequences(&mut self) {
        let (sc, m, st, sx) = (self.scenario, &self.model, &mut self.state, &mut self.scratch);
        let n = sc.actor_count();
        let dt = m.dt;
        let (obs, coop) = (&mut sx.obs[..], &mut sx.coop[..]);
        obs.fill(0);
        coop.fill(0);
        let (act, cost) = (&sx.act[..], &sx.cost[..]);
        let (utility, vars, influence) = (&mut st.utility[..], &mut st.vars[..], &mut st.influence[..]);
        let np = m.patrons.len();
        for (k, issue) in m.issues.iter().enumerate() {
            if !st.issue_active[k] {
                continue;
            }
            let sal = sx.salience[k];
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            match issue.threat {
                None => {
                    let (s0, s1) = (slots.start, slots.start + 1);
                    let (a0, a1) = (act[s0], act[s1]);
                    for (s, mine, theirs) in [(s0, a0, a1), (s1, a1, a0)] {
                        let slot = &m.slots[s];
                        let outcome = 2 * usize::from(mine) + usize::from(theirs);
                        // The participant's utility in a register: an organization's members
                        // add to it in turn, with no round trip through memory between them.
                        let mut own = utility[slot.actor];
                        for (ev, &cost) in m.evals[slot.evals.clone()].iter().zip(&cost[slot.evals.clone()]) {
                            let u = (sal * ev.payoff[outcome] - cost) * dt;
                            if slot.actor != ev.actor {
                                utility[ev.actor] += u;
                                own += ev.weight * u;
                            } else {
                                own += u;
                            }
                        }
                        utility[slot.actor] = own;
                        // The partner and its members watch this side.
                        for &i in &m.watch[m.watch_start[s]..m.watch_start[s + 1]] {
                            obs[i] += 1;
                            coop[i] += u16::from(mine);
                        }
                    }
                    if a0 && a1 {
                        for &(v, amount) in &issue.on_mutual {
                            vars[v] += amount * dt;
                        }
                        let g = issue.influence_gain;
                        if g > 0.0 {
                            for (x, y) in
                                [(m.slots[s0].actor, m.slots[s1].actor), (m.slots[s1].actor, m.slots[s0].actor)]
                            {
                                if let Some(c) = m.client_of[x] {
                                    let credit = &m.credit[y * np..(y + 1) * np];
                                    for (share, &credit) in influence[c * np..(c + 1) * np].iter_mut().zip(credit) {
                                        *share += g * credit * (1.0 - *share);
                                    }
                                }
                            }
                        }
                    }
                }
                Some(threat) => {
                    let level = vars[threat];
                    for s in slots.clone() {
                        let slot = &m.slots[s];
                        let gave = act[s];
                        let mut own = utility[slot.actor];
                        for ev in &m.evals[slot.evals.clone()] {
                            let u = (-sal * ev.harm * level * level + if gave { ev.cost } else { 0.0 }) * dt;
                            if slot.actor != ev.actor {
                                utility[ev.actor] += u;
                                own += ev.weight * u;
                            } else {
                                own += u;
                            }
                        }
                        utility[slot.actor] = own;
                        if gave {
                            vars[threat] -= slot.efficacy * dt;
                            for &(v, amount) in &issue.on_mutual {
                                vars[v] += amount * dt;
                            }
                            let g = issue.influence_gain;
                            if g > 0.0 {
                                let credit = &m.credit[slot.actor * np..(slot.actor + 1) * np];
                                for (c, &client) in m.clients.iter().enumerate() {
                                    if client == slot.actor {
                                        continue;
                                    }
                                    for (share, &credit) in influence[c * np..(c + 1) * np].iter_mut().zip(credit) {
                                        *share += g * credit * (1.0 - *share);
                                    }
                                }
                            }
                        }
                        // The other participants and their members watch this one, each once.
                        for &i in &m.watch[m.watch_start[s]..m.watch_start[s + 1]] {
                            obs[i] += 1;
                            coop[i] += u16::from(gave);
                        }
                    }
                }
            }
        }
        // Trust: learn from what was observed, then forgive. Organizations' trust is derived.
        // Only the cells someone can watch may have observations to learn from.
        for &(i, o) in &m.watched {
            let (seen, coop) = (obs[i], coop[i]);
            if seen > 0 {
                let share = match SHARES.get(usize::from(seen)) {
                    Some(row) => row[usize::from(coop)],
                    None => f64::from(coop) / f64::from(seen),
                };
                st.trust[i] = trust::learn(st.trust[i], share, m.gain[o], m.loss[o]);
            }
        }
        for &o in &m.states {
            let forgiveness = m.forgive[o];
            let row = o * n..(o + 1) * n;
            let own = st.trust[o * n + o]; // trust in oneself is left as it is
            for (tau, &tau0) in st.trust[row.clone()].iter_mut().zip(&st.trust_baseline[row]) {
                *tau = trust::forgive(*tau, tau0, forgiveness);
            }
            st.trust[o * n + o] = own;
        }
        m.derive_org_trust(&mut st.trust);
        self.org_trust_current = true;
        // Influence: pull toward the baseline, renormalise each client's shares.
        if np > 0 {
            let relax = m.influence_relax;
            for (row, base) in influence.chunks_exact_mut(np).zip(st.influence_baseline.chunks_exact(np)) {
                for (x, &x0) in row.iter_mut().zip(base) {
                    *x += relax * (x0 - *x);
                }
                normalise(row);
            }
        }
    }

    pub(super) fn relax_state(&mut self) {
        let (sc, m, st, sx) = (self.scenario, &self.model, &mut self.state, &mut self.scratch);
        for (v, var) in m.vars.iter().enumerate() {
            let x = st.vars[v];
            sx.next_vars[v] = if var.rate > 0.0 {
                let target = var.target.eval(sc, m, st);
                x + var.rate * (target - x)
            } else {
                x
            };
        }
        for (v, var) in m.vars.iter().enumerate() {
            st.vars[v] = sx.next_vars[v].clamp(var.min, var.max);
        }
    }

    pub(super) fn close_turn(&mut self) {
        let (sc, m, st, sx) = (self.scenario, &self.model, &mut self.state, &self.scratch);
        for (h, &act) in st.history.iter_mut().zip(&sx.act) {
            *h = (*h << 1) | u64::from(act);
        }
        for ((mutual, issue), &s) in st.mutual.iter_mut().zip(&m.issues).zip(&m.slot_start) {
            let both = issue.threat.is_none() && sx.act[s] & sx.act[s + 1];
            *mutual = (*mutual << 1) | u64::from(both);
        }
        let t = st.turn;
        st.turn += 1;
        for (o, outcome) in sc.outcomes.iter().enumerate() {
            if st.reached[o].is_some() {
                continue;
            }
            let holds = outcome.when.iter().all(|c| c.check(|x| metric_value(sc, m, st, x)));
            st.streak[o] = if holds { st.streak[o] + 1 } else { 0 };
            if st.streak[o] >= outcome.for_turns {
                st.reached[o] = Some(t);
            }
        }
    }
}
/// `SHARES[seen][coop]` is `coop / seen` (the same division, done once): the share of the
/// observed actions that were cooperative, for up to 15 observations of a pair in a turn.
const SHARES: [[f64; 16]; 16] = {
    let mut t = [[0.0; 16]; 16];
    let mut seen = 1;
    while seen < 16 {
        let mut coop = 0;
        while coop <= seen {
            t[seen][coop] = coop as f64 / seen as f64;
            coop += 1;
        }
        seen += 1;
    }
    t
};
/// Applies an event effect; returns true when a parameter changed (the model needs
/// recompiling).
fn apply_effect(sc: &Scenario, values: &mut Values, st: &mut State, target: Target, op: Op, amount: f64) -> bool {
    let n = sc.actor_count();
    match target {
        Target::Param(id) => {
            let (lo, hi) = sc.params.get(id).domain.bounds();
            values.set(id, op.apply(values.get(id), amount).clamp(lo, hi));
            return true;
        }
        Target::State(v) => {
            let var = &sc.state[v];
            st.vars[v] = op.apply(st.vars[v], amount).clamp(var.min, var.max);
        }
        Target::Trust(a, b) => {
            let i = a.0 * n + b.0;
            st.trust[i] = op.apply(st.trust[i], amount).clamp(0.0, 1.0);
        }
        Target::TrustBaseline(a, b) => {
            let i = a.0 * n + b.0;
            st.trust_baseline[i] = op.apply(st.trust_baseline[i], amount).clamp(0.0, 1.0);
        }
        Target::Influence { client, patron } => {
            let np = sc.influence.patrons.len();
            let row = &mut st.influence[client * np..(client + 1) * np];
            let old = row[patron];
            let new = op.apply(old, amount).clamp(0.0, 1.0);
            // The other patrons share what is left in their current proportions.
            let rest_old = 1.0 - old;
            for (p, x) in row.iter_mut().enumerate() {
                if p == patron {
                    *x = new;
                } else if rest_old > 1e-12 {
                    *x *= (1.0 - new) / rest_old;
                } else {
                    *x = (1.0 - new) / (np - 1).max(1) as f64;
                }
            }
        }
        Target::IssueActive(k) => {
            st.issue_active[k] = op.apply(f64::from(u8::from(st.issue_active[k])), amount) >= 0.5;
        }
    }
    false
}
/// Per-dimension terms of a decision, recomputed from the scenario's payoffs (only for
/// explanations).
#[allow(clippy::too_many_arguments)]
fn breakdown(
    sc: &Scenario,
    values: &Values,
    st: &State,
    issue: usize,
    local: usize,
    decider: usize,
    sal: f64,
    belief: f64,
) -> Vec<(usize, f64)> {
    let w = |d: usize| sc.actors[decider].interests[d].map_or(0.0, |id| values.get(id));
    let get = |p: Option<ParamId>| p.map_or(0.0, |id| values.get(id));
    match &sc.issues[issue].kind {
        IssueKind::Dyadic { payoffs } => payoffs[local]
            .iter()
            .map(|dp| {
                let (r, s, t, p) = (get(dp.reward), get(dp.sucker), get(dp.temptation), get(dp.punishment));
                (dp.dimension, w(dp.dimension) * decision::dyadic_advantage(sal, belief, r, s, t, p))
            })
            .collect(),
        IssueKind::PublicGood(pg) => {
            let efficacy = values.get(pg.efficacy)
                * values.get(pg.reach[local])
                * capability(sc, values, sc.issues[issue].participants[local].0);
            let harm = w(pg.harm_dimension) * values.get(pg.exposure[local]);
            let mut out = vec![(
                pg.harm_dimension,
                decision::public_good_advantage(sal, harm, st.vars[pg.threat], belief, efficacy, 0.0),
            )];
            out.extend(pg.cost.iter().map(|&(d, id)| (d, w(d) * values.get(id))));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_shares_is_the_division() {
        for seen in 1..16u16 {
            for coop in 0..=seen {
                let share = f64::from(coop) / f64::from(seen);
                assert_eq!(SHARES[usize::from(seen)][usize::from(coop)].to_bits(), share.to_bits());
            }
        }
    }
}
