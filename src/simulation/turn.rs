//! One turn: events, decisions, consequences, state relaxation, closing (see the module
//! documentation of [`super`] for the order).

use rand::RngExt;
use rand_distr::{Distribution as _, StandardNormal};

use super::compiled::{Compiled, Scratch, metric_value};
use super::draws;
use super::influence::normalise;
use super::utility::{self, DyadicInputs};
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
        for (e, ev) in sc.events.iter().enumerate() {
            let fire = match &ev.trigger {
                // A scheduled event a facilitator has already injected does not fire again.
                Trigger::At(turn) => *turn == t && self.state.fired[e].is_none() && self.conditions_hold(&ev.when),
                Trigger::Hazard { drivers, repeat, .. } => {
                    let u: f64 = self.rng.random();
                    // The compiled rate (refreshed after every event that changes a parameter);
                    // a hazard with drivers is computed from the state of the moment.
                    let per_turn = |sim: &Self| {
                        if drivers.is_empty() {
                            sim.model.hazard[e]
                        } else {
                            let base = sim.model.hazard_year[e];
                            let terms = &sim.model.hazard_terms[e];
                            let h = base + terms.iter().map(|(m, c)| c * sim.metric(m)).sum::<f64>();
                            sc.calendar.per_turn(h.clamp(0.0, 1.0))
                        }
                    };
                    (*repeat || self.state.fired[e].is_none()) && u < per_turn(self) && self.conditions_hold(&ev.when)
                }
            };
            if !fire {
                continue;
            }
            for effect in &ev.effects {
                let amount = self.values.get(effect.amount);
                if let Some(id) = apply_effect(sc, &mut self.values, &mut self.state, effect.target, effect.op, amount)
                {
                    self.scratch.changed.push(id);
                }
                // Organizations' trust is derived from their members' trust and vote weights
                // alone: only an effect on trust (or a rebuild, below) can change it.
                if matches!(effect.target, Target::Trust(..)) {
                    self.org_trust_current = false;
                }
            }
            self.state.fired[e].get_or_insert(t);
            self.state.last_fired[e] = Some(t);
            observer.event(t, e);
            if !self.scratch.changed.is_empty() {
                // Later events' hazards and conditions see the changed parameters.
                if self.model.refresh(sc, &self.values, &self.scratch.changed) {
                    self.org_trust_current = false;
                }
                self.scratch.changed.clear();
            }
        }
        // An effect on a member's trust reaches its organizations' trust within the turn.
        // Otherwise their trust is still what the last turn derived from the same members
        // with the same weights.
        if !self.org_trust_current {
            self.model.derive_org_trust(&mut self.state.trust);
            self.org_trust_current = true;
        }
    }

    /// What the start reveals: every party to an arrangement in force at the start chose it,
    /// so whatever leaving would cost it is at least what keeping it with probability
    /// `q = model.keep_at_start` in the first turn takes. Each decider `a` whose start utility
    /// `u` falls short of `logit(q) / λ_a` gets the difference as a commitment of its own,
    /// held until the arrangement first ends. Computed once, before the first turn's events.
    pub(super) fn reveal_commitments(&mut self) {
        let Simulation { scenario: sc, values, model: m, state: st, scratch: sx, .. } = self;
        let sc: &Scenario = sc;
        st.revealed.clear();
        let Some(q) = sc.keep_at_start.map(|id| values.get(id)) else {
            return;
        };
        st.revealed.resize(m.evals.len(), 0.0);
        let floor = (q / (1.0 - q)).ln();
        let n = sc.actor_count();
        turn_inputs(sc, m, st, sx);
        for (k, issue) in m.issues.iter().enumerate() {
            if !(sx.in_force[k] && st.issue_active[k] && issue.threat.is_none()) {
                continue;
            }
            let sal = issue.salience(sc, m, st);
            for s in m.slot_start[k]..m.slot_start[k + 1] {
                let slot = &m.slots[s];
                for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                    let a = ev.actor;
                    if sx.member[e] == 0.0 || m.lambda[a] <= 0.0 {
                        continue;
                    }
                    let q = st.trust[a * n + slot.partner];
                    let advantage = ev.dyadic_advantage(sal, q);
                    let cost = m.pressure_cost(st, &sx.leverage, a, slot.partner) + ev.upkeep;
                    let utility = issue.horizon * (advantage - cost) + sx.status_quo[k];
                    st.revealed[e] = (floor / m.lambda[a] - utility).max(0.0);
                }
            }
        }
    }

    pub(super) fn conditions_hold(&self, conds: &[crate::model::outcome::Condition]) -> bool {
        conds.iter().all(|c| c.check(|m| self.metric(m)))
    }

    /// Decisions in three passes over the deciders, so that the logit's `exp` and division,
    /// the longest chain of a decision, run in a loop of their own where the processor can
    /// overlap consecutive ones: the utilities, then the probabilities, then the votes.
    pub(super) fn decide<O: Observer>(&mut self, t: usize, overrides: &Overrides, observer: &mut O) {
        let Simulation { scenario: sc, values, model: m, state: st, rng, scratch: sx, .. } = self;
        let sc: &Scenario = sc;
        turn_inputs(sc, m, st, sx);
        // Every decider draws once a turn, in decision order, those of inactive issues too (to
        // keep the streams of scenario variants aligned): all the draws at once.
        draws::uniform_draws(rng, &mut sx.draw_bytes, &mut sx.draw);
        // 1. Salience, utilities (as λ·Δu) and pressure: the dyads' deciders in one flat pass
        // (inactive issues' too: their utilities are finite and unread), then the public goods'.
        for (k, issue) in m.issues.iter().enumerate() {
            let sal = issue.salience(sc, m, st);
            sx.salience[k] = sal;
            let (first, end) = m.issue_evals[k];
            sx.eval_salience[first..end].fill(sal);
            sx.eval_status_quo[first..end].fill(sx.status_quo[k]);
            if !st.issue_active[k] {
                // Nobody acts, whatever is imposed.
                sx.act[m.slot_start[k]..m.slot_start[k + 1]].fill(false);
            }
        }
        let inputs = DyadicInputs {
            cell: &m.eval_cell,
            lambda: &m.eval_lambda,
            horizon: &m.eval_horizon,
            reward_gap: &m.eval_reward_gap,
            sucker_gap: &m.eval_sucker_gap,
            upkeep: &m.eval_upkeep,
            salience: &sx.eval_salience,
            status_quo: &sx.eval_status_quo,
            revealed: if st.revealed.is_empty() { &sx.zeros } else { &st.revealed },
            trust: &st.trust,
            pressure: &sx.pressure_of,
        };
        utility::dyadic_utilities(&inputs, &mut sx.pressure, &mut sx.x);
        for (k, issue) in m.issues.iter().enumerate() {
            let Some(threat) = issue.threat else { continue };
            if !st.issue_active[k] {
                continue;
            }
            let (sal, status_quo, horizon) = (sx.salience[k], sx.status_quo[k], issue.horizon);
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            for s in slots.clone() {
                let slot = &m.slots[s];
                for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                    let a = ev.actor;
                    let others = m.others_expected(st, &sx.efficacy, a, slots.clone(), s);
                    let (level, own) = (st.vars[threat], sx.efficacy[s]);
                    let advantage = decision::public_good_advantage(sal, ev.harm, level, others, own, ev.cost);
                    // A contribution costs no pressure; an arrangement's upkeep is a dyad's.
                    let cost = ev.upkeep;
                    sx.pressure[e] = cost;
                    let revealed = st.revealed.get(e).copied().unwrap_or(0.0);
                    sx.x[e] = m.lambda[a] * (horizon * (advantage - cost) + status_quo + revealed);
                }
            }
        }
        // 2. Probabilities of cooperating, with errors: one loop over every decider, inactive
        // issues' included (their stale utilities are finite and their probabilities unread),
        // so that it vectorizes (compared with the draws here, it would not).
        decision::cooperation_probabilities(&mut sx.p, &sx.x, &m.eval_error);
        // 3. Votes, tallies, actions. A side changes the status quo (leaves an arrangement in
        // force, joins one that is not, or for other issues cooperates) when its rule carries
        // the change; members not admitted do not vote.
        let mut decisions = 0;
        for k in 0..m.issues.len() {
            if !st.issue_active[k] {
                continue;
            }
            let in_force = sx.in_force[k];
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            for s in slots.clone() {
                let slot = &m.slots[s];
                if slot.alone && !O::DECISIONS {
                    // The rule below with one voter of weight 1 holding a veto at threshold 0:
                    // a state's action is its vote, unless it is not admitted (then the status
                    // quo stays) or its action is imposed (then it pays for that action).
                    let e = slot.evals.start;
                    let member = sx.member[e] != 0.0;
                    let vote = sx.draw[e] < sx.p[e];
                    let act = match overrides.0.get(s).copied().flatten() {
                        Some(forced) => forced,
                        None if member => vote,
                        None => in_force,
                    };
                    sx.cost[e] = decision::select(member & act, sx.pressure[e]);
                    decisions += u64::from(member);
                    sx.act[s] = act;
                    continue;
                }
                let mut tally = decision::Tally::default();
                let mut present = 0.0;
                for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                    let (u, p, pressure, member) = (sx.draw[e], sx.p[e], sx.pressure[e], sx.member[e]);
                    if member == 0.0 {
                        sx.cost[e] = 0.0;
                        continue;
                    }
                    let vote = u < p;
                    // What cooperating costs the decider (pressure, upkeep), if it voted to.
                    sx.cost[e] = decision::select(vote, pressure);
                    decisions += 1;
                    if slot.objection > 0.0 {
                        // A member against the change objects when it costs it more than the
                        // objection threshold: the far end of the draws against it, so an
                        // objection is always a vote against.
                        // Once blocked, more objections change nothing: skip their `exp`.
                        let objects = !tally.blocked() && {
                            let against_change = if in_force { sx.x[e] } else { -sx.x[e] };
                            let x_object = against_change - m.lambda[ev.actor] * slot.objection;
                            let eps = m.error[ev.actor];
                            if in_force {
                                decision::draw_under(u, x_object, eps)
                            } else {
                                decision::draw_over_complement(u, x_object, eps)
                            }
                        };
                        tally.vote_or_object(vote ^ in_force, objects, ev.weight);
                    } else {
                        tally.vote(vote ^ in_force, ev.weight, ev.veto);
                    }
                    present += ev.weight;
                    if O::DECISIONS {
                        let record = explain(sc, values, m, st, sx, (t, k, s, e), (u, vote));
                        observer.decision(record);
                    }
                }
                // Nobody admitted to decide leaves the status quo as it is.
                let carried =
                    if slot.objection > 0.0 { tally.agreed() } else { tally.passes(slot.threshold * present) };
                let change = present > 0.0 && carried;
                sx.act[s] = match overrides.0.get(s).copied().flatten() {
                    Some(forced) => {
                        // A state whose action is imposed pays what the imposed action costs
                        // (an arrangement's upkeep, pressure), not what its drawn vote would
                        // have. An organization's members still pay for their own votes.
                        for (e, ev) in slot.evals.clone().zip(&m.evals[slot.evals.clone()]) {
                            if ev.actor == slot.actor && sx.member[e] != 0.0 {
                                sx.cost[e] = decision::select(forced, sx.pressure[e]);
                            }
                        }
                        forced
                    }
                    None => in_force ^ change,
                };
            }
        }
        st.decisions += decisions;
    }

    pub(super) fn apply_consequences(&mut self) {
        let (sc, m, st, sx) = (self.scenario, &self.model, &mut self.state, &mut self.scratch);
        let n = sc.actor_count();
        let dt = m.dt;
        // `obs` and `coop` are zero here: the learning below clears the cells it reads, which
        // are all the cells `watch` writes.
        let (obs, coop) = (&mut sx.obs[..], &mut sx.coop[..]);
        let (act, cost, member) = (&sx.act[..], &sx.cost[..], &sx.member[..]);
        let (utility, vars) = (&mut st.utility[..], &mut st.vars[..]);
        for (k, issue) in m.issues.iter().enumerate() {
            if !st.issue_active[k] {
                continue;
            }
            let sal = sx.salience[k];
            let relevance = issue.relevance;
            let slots = m.slot_start[k]..m.slot_start[k + 1];
            match issue.threat {
                None => {
                    let (s0, s1) = (slots.start, slots.start + 1);
                    let (a0, a1) = (act[s0], act[s1]);
                    // An arrangement that was not in force and that nobody offered to form
                    // shows nothing about anyone.
                    let seen = issue.arrangement.is_none() || sx.in_force[k] || a0 || a1;
                    let weight = if seen { relevance } else { 0.0 };
                    for (s, mine, theirs) in [(s0, a0, a1), (s1, a1, a0)] {
                        let slot = &m.slots[s];
                        let outcome = 2 * usize::from(mine) + usize::from(theirs);
                        // The participant's utility in a register: an organization's members
                        // add to it in turn, with no round trip through memory between them.
                        let mut own = utility[slot.actor];
                        for ((ev, &cost), &member) in m.evals[slot.evals.clone()]
                            .iter()
                            .zip(&cost[slot.evals.clone()])
                            .zip(&member[slot.evals.clone()])
                        {
                            let u = member * (sal * ev.payoff[outcome] - cost) * dt;
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
                            obs[i] += weight;
                            coop[i] += decision::select(mine, weight);
                        }
                    }
                    if a0 && a1 {
                        for &(v, amount) in &issue.on_mutual {
                            vars[v] += amount * dt;
                        }
                    }
                }
                Some(threat) => {
                    let level = vars[threat];
                    for s in slots.clone() {
                        let slot = &m.slots[s];
                        let gave = act[s];
                        let mut own = utility[slot.actor];
                        for (ev, &member) in m.evals[slot.evals.clone()].iter().zip(&member[slot.evals.clone()]) {
                            let u = member * (-sal * ev.harm * level * level + if gave { ev.cost } else { 0.0 }) * dt;
                            if slot.actor != ev.actor {
                                utility[ev.actor] += u;
                                own += ev.weight * u;
                            } else {
                                own += u;
                            }
                        }
                        utility[slot.actor] = own;
                        if gave {
                            vars[threat] -= sx.efficacy[s] * dt;
                            for &(v, amount) in &issue.on_mutual {
                                vars[v] += amount * dt;
                            }
                        }
                        // The other participants and their members watch this one, each once.
                        if relevance > 0.0 {
                            for &i in &m.watch[m.watch_start[s]..m.watch_start[s + 1]] {
                                obs[i] += relevance;
                                coop[i] += decision::select(gave, relevance);
                            }
                        }
                    }
                }
            }
        }
        // Trust: learn from what was observed, weighed by relevance (at most one full step a
        // turn), then forgive. Organizations' trust is derived.
        for &(i, o) in &m.watched {
            let (seen, cooperated) = (std::mem::take(&mut obs[i]), std::mem::take(&mut coop[i]));
            if seen > 0.0 {
                let strength = seen.min(1.0);
                let share = cooperated / seen;
                st.trust[i] = trust::learn(st.trust[i], share, strength * m.gain[o], strength * m.loss[o]);
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
        m.influence.update(st, &sx.act, &mut sx.target);
    }

    pub(super) fn relax_state(&mut self) {
        let (sc, m, st, sx) = (self.scenario, &self.model, &mut self.state, &mut self.scratch);
        for (v, var) in m.vars.iter().enumerate() {
            let x = st.vars[v];
            let relaxed = if var.rate > 0.0 {
                let target = var.target.eval(sc, m, st);
                x + var.rate * (target - x)
            } else {
                x
            };
            // Only a volatile variable draws, so a scenario without one draws exactly the
            // numbers it drew before volatility existed (its pinned results stand).
            sx.next_vars[v] = if var.shock > 0.0 {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                relaxed + var.shock * z
            } else {
                relaxed
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

/// What the decisions of a turn read besides each decider's payoffs, computed once: each
/// arrangement's status quo, which members are admitted, the public goods' efficacies, and
/// the patrons' leverage over their clients.
fn turn_inputs(sc: &Scenario, m: &Compiled, st: &mut State, sx: &mut Scratch) {
    for (k, issue) in m.issues.iter().enumerate() {
        let in_force = issue.arrangement.is_some() && st.mutual[k] & 1 == 1;
        if !in_force && !st.revealed.is_empty() {
            // What the start revealed was about the arrangement then in force, not a new one.
            let (first, end) = m.issue_evals[k];
            st.revealed[first..end].fill(0.0);
        }
        sx.in_force[k] = in_force;
        sx.status_quo[k] = match issue.arrangement {
            Some((commitment, _)) if in_force => commitment,
            Some((_, formation)) => -formation,
            None => 0.0,
        };
    }
    // Every other decider's entry stays 1.
    for &(e, gate) in &m.gated {
        sx.member[e] = f64::from(u8::from(st.mutual[gate] & 1 == 1));
    }
    for (efficacy, slot) in sx.efficacy.iter_mut().zip(&m.slots) {
        *efficacy = if slot.reach_terms.is_empty() {
            slot.efficacy
        } else {
            let reach = slot.reach + slot.reach_terms.iter().map(|(x, c)| c * metric_value(sc, m, st, x)).sum::<f64>();
            slot.efficacy * reach.max(0.0)
        };
    }
    let inf = &sc.influence;
    let per_domain = inf.clients.len() * inf.patrons.len();
    if per_domain > 0 {
        let domains = inf.domains.len() as f64;
        sx.leverage.fill(0.0);
        for shares in st.influence.chunks_exact(per_domain) {
            for (l, &x) in sx.leverage.iter_mut().zip(shares) {
                *l += x / domains;
            }
        }
    }
    m.pressures(st, &sx.leverage, &mut sx.pressure_of);
}

/// The record of decision `e` (decider of slot `s` of issue `k`, turn `t`), with its draw `u`
/// and vote.
fn explain(
    sc: &Scenario,
    values: &Values,
    m: &Compiled,
    st: &State,
    sx: &Scratch,
    (t, k, s, e): (usize, usize, usize, usize),
    (u, vote): (f64, bool),
) -> DecisionRecord {
    let n = sc.actor_count();
    let (issue, slot, ev) = (&m.issues[k], &m.slots[s], &m.evals[e]);
    let sal = sx.salience[k];
    let a = ev.actor;
    let slots = m.slot_start[k]..m.slot_start[k + 1];
    let (advantage, belief) = match issue.threat {
        None => {
            let q = st.trust[a * n + slot.partner];
            (ev.dyadic_advantage(sal, q), q)
        }
        Some(threat) => {
            let others = m.others_expected(st, &sx.efficacy, a, slots.clone(), s);
            let level = st.vars[threat];
            (decision::public_good_advantage(sal, ev.harm, level, others, sx.efficacy[s], ev.cost), others)
        }
    };
    let (cost, upkeep) = (sx.pressure[e], ev.upkeep);
    let revealed = st.revealed.get(e).copied().unwrap_or(0.0);
    let status_quo = sx.status_quo[k] + revealed;
    let utility = issue.horizon * (advantage - cost) + status_quo;
    DecisionRecord {
        turn: t,
        issue: k,
        participant: ActorId(slot.actor),
        decider: ActorId(a),
        partner: issue.threat.is_none().then_some(ActorId(slot.partner)),
        belief,
        salience: sal,
        advantage,
        by_dimension: breakdown(sc, values, st, sx, k, s - m.slot_start[k], a, sal, belief),
        pressure: m.pressure_terms(st, &sx.leverage, a, slot.partner, issue.threat.is_none()),
        in_force: sx.in_force[k],
        horizon: issue.horizon,
        upkeep,
        status_quo,
        revealed,
        utility,
        rationality: m.lambda[a],
        p_intend: decision::choice_probability(m.lambda[a], utility),
        error: m.error[a],
        p_cooperate: sx.p[e],
        draw: u,
        cooperated: vote,
    }
}

/// Applies an event effect; returns the parameter it changed, if any (the model needs
/// refreshing).
pub(super) fn apply_effect(
    sc: &Scenario,
    values: &mut Values,
    st: &mut State,
    target: Target,
    op: Op,
    amount: f64,
) -> Option<ParamId> {
    let n = sc.actor_count();
    match target {
        Target::Param(id) => {
            let (lo, hi) = sc.params.get(id).domain.bounds();
            values.set(id, op.apply(values.get(id), amount).clamp(lo, hi));
            return Some(id);
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
        Target::Influence { domain, client, patron } => {
            let np = sc.influence.patrons.len();
            let start = sc.influence.cell(domain, client, 0);
            let row = &mut st.influence[start..start + np];
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
            normalise(row);
            // The ties keep their total and take the new proportions.
            let ties = &mut st.ties[start..start + np];
            let total: f64 = ties.iter().sum();
            let total = if total > 0.0 { total } else { 1.0 };
            for (tie, &x) in ties.iter_mut().zip(&st.influence[start..start + np]) {
                *tie = x * total;
            }
        }
        Target::IssueActive(k) => {
            st.issue_active[k] = op.apply(f64::from(u8::from(st.issue_active[k])), amount) >= 0.5;
        }
        Target::InForce(k) => {
            let now = op.apply((st.mutual[k] & 1) as f64, amount) >= 0.5;
            let slot = sc.issues[..k].iter().map(|i| i.participants.len()).sum::<usize>();
            let bit = u64::from(now);
            st.mutual[k] = (st.mutual[k] & !1) | bit;
            for h in &mut st.history[slot..slot + 2] {
                *h = (*h & !1) | bit;
            }
        }
    }
    None
}

/// Per-dimension terms of a decision, recomputed from the scenario's payoffs (only for
/// explanations).
#[allow(clippy::too_many_arguments)]
fn breakdown(
    sc: &Scenario,
    values: &Values,
    st: &State,
    sx: &Scratch,
    issue: usize,
    local: usize,
    decider: usize,
    sal: f64,
    belief: f64,
) -> Vec<(usize, f64)> {
    let w = |d: usize| sc.actors[decider].interests[d].map_or(0.0, |id| values.get(id));
    let get = |p: Option<ParamId>| p.map_or(0.0, |id| values.get(id));
    match &sc.issues[issue].kind {
        IssueKind::Dyadic { payoffs, .. } => payoffs[local]
            .iter()
            .map(|dp| {
                let (r, s, t, p) = (get(dp.reward), get(dp.sucker), get(dp.temptation), get(dp.punishment));
                (dp.dimension, w(dp.dimension) * decision::dyadic_advantage(sal, belief, r, s, t, p))
            })
            .collect(),
        IssueKind::PublicGood(pg) => {
            let slot = sc.issues[..issue].iter().map(|i| i.participants.len()).sum::<usize>() + local;
            let efficacy = sx.efficacy[slot];
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
