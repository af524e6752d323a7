//! One run of a scenario, stepped a turn at a time.
//!
//! A [`Simulation`] owns the run's sampled parameter [`Values`], its [`State`] and its random
//! stream. Between turns the state can be read and changed (wargame injects), participants'
//! actions can be imposed ([`Overrides`]), and the whole run can be saved and resumed
//! ([`Snapshot`]). Monte Carlo is just many simulations stepped to the end.
//!
//! A turn, in order:
//! 1. events: scheduled injects of this date, then stochastic events (one draw each);
//! 2. decisions: every decider of every issue draws once (even on inactive issues, so that
//!    streams stay aligned across scenario variants) and chooses by logit;
//!    organizations aggregate their members' votes;
//! 3. consequences: payoffs accrue, issues move the state, patrons gain influence,
//!    observers update trust, forgiveness pulls trust back to its baseline;
//! 4. state variables relax toward their targets;
//! 5. cooperation histories and outcomes are updated.
//!
//! Randomness: run `r` with master seed `s` uses `ChaCha8Rng::seed_from_u64(s)` on stream `r`.
//! Parameters are sampled from word 0 of the stream and the dynamics from word 2⁴⁰, so adding
//! a distribution to a scenario does not shift the random numbers its dynamics see.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::actor::{ActorId, ActorKind};
use crate::calendar::Period;
use crate::decision::{self, DecisionRecord};
use crate::events::{Op, Target, Trigger};
use crate::issue::IssueKind;
use crate::metric::Metric;
use crate::param::{ParamId, Values};
use crate::scenario::Scenario;
use crate::trust;

/// Word offset of the dynamics in a run's stream; parameter sampling uses the words before.
pub const DYNAMICS_WORD_OFFSET: u128 = 1 << 40;

/// The random stream of run `run` under master seed `seed`, positioned for parameter sampling.
pub fn run_stream(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// Everything about a run that changes from turn to turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Turns completed (the next turn to play).
    pub turn: usize,
    /// Trust, `n × n` row-major: `trust[a * n + b]` is a's trust in b.
    pub trust: Vec<f64>,
    /// Levels forgiveness pulls trust back to.
    pub trust_baseline: Vec<f64>,
    /// State variables, in scenario order.
    pub vars: Vec<f64>,
    /// Influence shares, `clients × patrons` row-major; each row sums to 1.
    pub influence: Vec<f64>,
    pub influence_baseline: Vec<f64>,
    pub issue_active: Vec<bool>,
    /// Per participant slot: its actions, bit 0 the latest turn (1 = cooperated).
    pub history: Vec<u64>,
    /// Per issue: bit 0 set when both sides cooperated in the latest turn (dyadic only).
    pub mutual: Vec<u64>,
    /// Per outcome: consecutive turns its conditions have held.
    pub streak: Vec<u32>,
    /// Per outcome: the turn it was first reached.
    pub reached: Vec<Option<usize>>,
    /// Per event: the turn it first fired.
    pub fired: Vec<Option<usize>>,
    /// Accumulated utility per actor (payoffs per year × years).
    pub utility: Vec<f64>,
    /// Actor-decisions taken so far (a member's vote counts as one).
    pub decisions: u64,
}

/// Imposed actions for the next turn, by participant slot (see [`Simulation::slot`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides(pub Vec<Option<bool>>);

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

/// A run frozen between turns: enough, with its scenario, to resume it exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub values: Values,
    pub state: State,
    pub rng: ChaCha8Rng,
}

/// One run.
pub struct Simulation<'s> {
    scenario: &'s Scenario,
    values: Values,
    model: Compiled,
    state: State,
    rng: ChaCha8Rng,
    scratch: Scratch,
    /// Whether organizations' trust is the weighted mean of their members' in `state` (true
    /// after each derivation, false once anything may have changed either).
    org_trust_current: bool,
}

impl<'s> Simulation<'s> {
    /// Run `run` under master seed `seed`: parameters sampled from the run's stream.
    pub fn new(scenario: &'s Scenario, seed: u64, run: u64) -> Simulation<'s> {
        let mut rng = run_stream(seed, run);
        let values = scenario.params.sample(&mut rng);
        Simulation::with_values(scenario, values, seed, run)
    }

    /// Run `run` with the given parameter values (a sweep's design point, a test's fixture).
    pub fn with_values(scenario: &'s Scenario, values: Values, seed: u64, run: u64) -> Simulation<'s> {
        let mut rng = run_stream(seed, run);
        rng.set_word_pos(DYNAMICS_WORD_OFFSET);
        let model = Compiled::new(scenario, &values);
        let mut state = initial_state(scenario, &values);
        model.derive_org_trust(&mut state.trust);
        model.derive_org_trust(&mut state.trust_baseline);
        let scratch = Scratch::new(scenario, model.slots.len(), model.evals.len());
        Simulation { scenario, values, model, state, rng, scratch, org_trust_current: true }
    }

    /// Starts run `run` under master seed `seed` afresh, exactly as [`Simulation::new`] would,
    /// in this simulation's memory: for many runs of one scenario, one after the other.
    pub fn restart(&mut self, seed: u64, run: u64) {
        let sc = self.scenario;
        self.values = sc.params.sample(&mut run_stream(seed, run));
        self.rng = run_stream(seed, run);
        self.rng.set_word_pos(DYNAMICS_WORD_OFFSET);
        self.model.rebuild(sc, &self.values);
        reset_state(&mut self.state, sc, &self.values);
        self.model.derive_org_trust(&mut self.state.trust);
        self.model.derive_org_trust(&mut self.state.trust_baseline);
        self.org_trust_current = true;
    }

    pub fn resume(scenario: &'s Scenario, snapshot: Snapshot) -> Simulation<'s> {
        let model = Compiled::new(scenario, &snapshot.values);
        let scratch = Scratch::new(scenario, model.slots.len(), model.evals.len());
        Simulation {
            scenario,
            values: snapshot.values,
            model,
            state: snapshot.state,
            rng: snapshot.rng,
            scratch,
            org_trust_current: false,
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot { values: self.values.clone(), state: self.state.clone(), rng: self.rng.clone() }
    }

    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// The state, for changes between turns (a facilitator's inject). Values are not
    /// re-checked: keep trust and shares in [0, 1].
    pub fn state_mut(&mut self) -> &mut State {
        self.org_trust_current = false;
        &mut self.state
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    /// Changes a parameter for the rest of the run.
    pub fn set_value(&mut self, id: ParamId, value: f64) {
        self.values.set(id, value);
        self.model.rebuild(self.scenario, &self.values);
        self.org_trust_current = false;
    }

    pub fn is_done(&self) -> bool {
        self.state.turn >= self.scenario.calendar.turns()
    }

    /// The period of the next turn.
    pub fn period(&self) -> Period {
        self.scenario.calendar.period(self.state.turn)
    }

    /// The global slot of `actor` in `issue`, for [`Overrides`].
    pub fn slot(&self, issue: usize, actor: ActorId) -> Option<usize> {
        let local = self.scenario.issues[issue].participants.iter().position(|a| *a == actor)?;
        Some(self.model.slot_start[issue] + local)
    }

    pub fn slot_count(&self) -> usize {
        self.model.slots.len()
    }

    /// Plays the remaining turns.
    pub fn run_to_end(&mut self) {
        while !self.is_done() {
            self.step();
        }
    }

    pub fn step(&mut self) {
        self.step_with(&Overrides::default(), &mut Quiet);
    }

    /// Plays one turn, with imposed actions and an observer. Does nothing once done.
    pub fn step_with<O: Observer>(&mut self, overrides: &Overrides, observer: &mut O) {
        if self.is_done() {
            return;
        }
        let t = self.state.turn;
        self.fire_events(t, observer);
        self.decide(t, overrides, observer);
        self.apply_consequences();
        self.relax_state();
        self.close_turn();
    }

    /// The current value of a metric (after the last completed turn).
    pub fn metric(&self, m: &Metric) -> f64 {
        metric_value(self.scenario, &self.model, &self.state, m)
    }

    /// Appends the current value of each of `probes`' metrics to `out`: the same values as
    /// [`Simulation::metric`], read kind by kind without a dispatch on each metric's path.
    pub fn record(&self, probes: &Probes, out: &mut Vec<f64>) {
        let st = &self.state;
        let window = (self.scenario.window as usize).min(st.turn);
        let mask = if window >= 64 { u64::MAX } else { (1u64 << window) - 1 };
        let rate = |bits: u64| {
            if window == 0 { 0.0 } else { f64::from((bits & mask).count_ones()) / window as f64 }
        };
        // Nothing has been done before the first turn.
        let done = |bits: u64| if st.turn > 0 { (bits & 1) as f64 } else { 0.0 };
        let start = out.len();
        out.resize(start + probes.len, 0.0);
        let row = &mut out[start..];
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
            row[at as usize] =
                if st.turn > 0 { slots.iter().map(|&h| (h & 1) as f64).sum::<f64>() / slots.len() as f64 } else { 0.0 };
        }
        for &(at, a, b) in &probes.slots_rate {
            let slots = &st.history[a as usize..b as usize];
            row[at as usize] = slots.iter().map(|&h| rate(h)).sum::<f64>() / slots.len() as f64;
        }
        for &(at, o) in &probes.outcomes {
            row[at as usize] = f64::from(u8::from(st.reached[o as usize].is_some()));
        }
    }

    fn fire_events<O: Observer>(&mut self, t: usize, observer: &mut O) {
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

    fn conditions_hold(&self, conds: &[crate::outcome::Condition]) -> bool {
        conds.iter().all(|c| c.holds(self.metric(&c.metric)))
    }

    /// Decisions in three passes over the deciders, so that the logit's `exp` and division,
    /// the longest chain of a decision, run in a loop of their own where the processor can
    /// overlap consecutive ones: the utilities and draws, then the probabilities, then the
    /// votes. The draws are taken in the same order as one pass would take them.
    fn decide<O: Observer>(&mut self, t: usize, overrides: &Overrides, observer: &mut O) {
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

    fn apply_consequences(&mut self) {
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

    fn relax_state(&mut self) {
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

    fn close_turn(&mut self) {
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
            let holds = outcome.when.iter().all(|c| c.holds(metric_value(sc, m, st, &c.metric)));
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

fn normalise(row: &mut [f64]) {
    let total: f64 = row.iter().sum();
    if total > 0.0 {
        row.iter_mut().for_each(|x| *x /= total);
    } else {
        let even = 1.0 / row.len() as f64;
        row.iter_mut().for_each(|x| *x = even);
    }
}

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

fn initial_state(sc: &Scenario, values: &Values) -> State {
    let n = sc.actor_count();
    let slots: usize = sc.issues.iter().map(|i| i.participants.len()).sum();
    let mut st = State {
        turn: 0,
        trust: vec![0.0; sc.trust.len()],
        trust_baseline: vec![0.0; sc.trust.len()],
        vars: vec![0.0; sc.state.len()],
        influence: vec![0.0; sc.influence.shares.len()],
        influence_baseline: vec![0.0; sc.influence.shares.len()],
        issue_active: vec![false; sc.issues.len()],
        history: vec![0; slots],
        mutual: vec![0; sc.issues.len()],
        streak: vec![0; sc.outcomes.len()],
        reached: vec![None; sc.outcomes.len()],
        fired: vec![None; sc.events.len()],
        utility: vec![0.0; n],
        decisions: 0,
    };
    reset_state(&mut st, sc, values);
    st
}

/// Sets `st` to the state a run with `values` starts from, in place (organizations' trust is
/// derived afterwards, by the model).
fn reset_state(st: &mut State, sc: &Scenario, values: &Values) {
    st.turn = 0;
    for (t, p) in st.trust.iter_mut().zip(&sc.trust) {
        *t = p.map_or(1.0, |id| values.get(id));
    }
    st.trust_baseline.copy_from_slice(&st.trust);
    for (x, v) in st.vars.iter_mut().zip(&sc.state) {
        *x = values.get(v.initial);
    }
    for (x, p) in st.influence.iter_mut().zip(&sc.influence.shares) {
        *x = p.map_or(0.0, |id| values.get(id));
    }
    let np = sc.influence.patrons.len();
    for c in 0..sc.influence.clients.len() {
        normalise(&mut st.influence[c * np..(c + 1) * np]);
    }
    st.influence_baseline.copy_from_slice(&st.influence);
    for (active, issue) in st.issue_active.iter_mut().zip(&sc.issues) {
        *active = issue.active;
    }
    st.history.fill(0);
    st.mutual.fill(0);
    st.streak.fill(0);
    st.reached.fill(None);
    st.fired.fill(None);
    st.utility.fill(0.0);
    st.decisions = 0;
}

fn metric_value(sc: &Scenario, m: &Compiled, st: &State, metric: &Metric) -> f64 {
    let n = sc.actor_count();
    let window = (sc.window as usize).min(st.turn);
    let mask = if window >= 64 { u64::MAX } else { (1u64 << window) - 1 };
    let rate = |bits: u64| {
        if window == 0 { 0.0 } else { f64::from((bits & mask).count_ones()) / window as f64 }
    };
    match *metric {
        Metric::State(v) => st.vars[v],
        Metric::Trust(a, b) => st.trust[a.0 * n + b.0],
        Metric::Influence { client, patron } => st.influence[client * sc.influence.patrons.len() + patron],
        Metric::Coop(k) => {
            if st.turn == 0 {
                0.0
            } else if m.issues[k].threat.is_none() {
                (st.mutual[k] & 1) as f64
            } else {
                let slots = m.slot_start[k]..m.slot_start[k + 1];
                let len = slots.len() as f64;
                slots.map(|s| (st.history[s] & 1) as f64).sum::<f64>() / len
            }
        }
        Metric::CoopActor(k, s) => {
            if st.turn == 0 {
                0.0
            } else {
                (st.history[m.slot_start[k] + s] & 1) as f64
            }
        }
        Metric::CoopRate(k) => {
            if m.issues[k].threat.is_none() {
                rate(st.mutual[k])
            } else {
                let slots = m.slot_start[k]..m.slot_start[k + 1];
                let len = slots.len() as f64;
                slots.map(|s| rate(st.history[s])).sum::<f64>() / len
            }
        }
        Metric::CoopRateActor(k, s) => rate(st.history[m.slot_start[k] + s]),
        Metric::Outcome(o) => f64::from(u8::from(st.reached[o].is_some())),
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
}

impl Probes {
    /// Resolves `metrics` of `scenario`. The places depend on the scenario alone, so one set
    /// serves every run of it.
    pub fn new(sc: &Scenario, metrics: &[Metric]) -> Probes {
        let n = sc.actor_count();
        let np = sc.influence.patrons.len();
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
                Metric::Influence { client, patron } => (&mut p.influence, client * np + patron),
                Metric::Coop(k) if dyadic(k) => (&mut p.mutual, k),
                Metric::CoopRate(k) if dyadic(k) => (&mut p.mutual_rate, k),
                Metric::CoopActor(k, s) => (&mut p.slot, slot_start[k] + s),
                Metric::CoopRateActor(k, s) => (&mut p.slot_rate, slot_start[k] + s),
                Metric::Outcome(o) => (&mut p.outcomes, o),
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

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
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

/// Normalised vote weights of an organization's members, into `out`: as given, else by
/// capability.
fn vote_weights(sc: &Scenario, values: &Values, org: &crate::actor::Organization, out: &mut Vec<f64>) {
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

/// Per-turn rates from per-year ones ([`crate::calendar::Calendar::per_turn`], a `powf`),
/// remembered in the order [`Compiled::rebuild`] asks for them: most parameters are the same
/// from one run to the next, and so is their rate.
#[derive(Default)]
struct PerTurn {
    /// `(per-year value's bits, per-turn rate)` of each request, in order.
    known: Vec<(u64, f64)>,
    next: usize,
}

impl PerTurn {
    fn start(&mut self) {
        self.next = 0;
    }

    fn get(&mut self, cal: &crate::calendar::Calendar, per_year: f64) -> f64 {
        let i = self.next;
        self.next += 1;
        match self.known.get(i) {
            Some(&(bits, rate)) if bits == per_year.to_bits() => rate,
            _ => {
                let rate = cal.per_turn(per_year);
                if i < self.known.len() {
                    self.known[i] = (per_year.to_bits(), rate);
                } else {
                    self.known.push((per_year.to_bits(), rate));
                }
                rate
            }
        }
    }
}

fn capability(sc: &Scenario, values: &Values, a: usize) -> f64 {
    match (sc.actors[a].capability, &sc.actors[a].organization) {
        (Some(id), _) => values.get(id),
        (None, Some(org)) => org.members.iter().map(|m| capability(sc, values, m.0)).sum(),
        (None, None) => 0.0,
    }
}

/// Per-turn buffers, reused across turns.
struct Scratch {
    act: Vec<bool>,
    /// Per decider: its uniform draw, `λ·Δu`, the probability it cooperates, the pressure it
    /// would bear for cooperating, and what it bears (0 if it voted against).
    draw: Vec<f64>,
    x: Vec<f64>,
    p: Vec<f64>,
    pressure: Vec<f64>,
    cost: Vec<f64>,
    salience: Vec<f64>,
    obs: Vec<u16>,
    coop: Vec<u16>,
    next_vars: Vec<f64>,
}

impl Scratch {
    fn new(sc: &Scenario, slots: usize, evals: usize) -> Scratch {
        let n = sc.actor_count();
        Scratch {
            act: vec![false; slots],
            draw: vec![0.0; evals],
            x: vec![0.0; evals],
            p: vec![0.0; evals],
            pressure: vec![0.0; evals],
            cost: vec![0.0; evals],
            salience: vec![0.0; sc.issues.len()],
            obs: vec![0; n * n],
            coop: vec![0; n * n],
            next_vars: vec![0.0; sc.state.len()],
        }
    }
}

/// The scenario's numbers for one run, laid out flat for the turn loop: payoffs already
/// weighted by each decider's interests, rates already per turn. Rebuilt whenever a
/// parameter changes.
struct Compiled {
    dt: f64,
    lambda: Vec<f64>,
    error: Vec<f64>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    forgive: Vec<f64>,
    pressure: Vec<f64>,
    /// Issue `k`'s slots are `slot_start[k]..slot_start[k + 1]`, its deciders
    /// `issue_evals[k].0..issue_evals[k].1`.
    slot_start: Vec<usize>,
    issue_evals: Vec<(usize, usize)>,
    slots: Vec<SlotC>,
    evals: Vec<EvalC>,
    issues: Vec<IssueC>,
    vars: Vec<VarC>,
    /// The states, in actor order: the actors that learn trust.
    states: Vec<usize>,
    /// The trust cells `o·n + j` (`o ≠ j`) that appear in `watch`, each once, with `o`.
    watched: Vec<(usize, usize)>,
    /// Per slot `s`, `watch[watch_start[s]..watch_start[s + 1]]`: the trust cells `o·n + a`
    /// of the observers `o` who see the slot's actor `a` act (the other side of a dyad and
    /// its members; the other contributors to a public good and their members, each once).
    watch_start: Vec<usize>,
    watch: Vec<usize>,
    /// Per organization: its members and their normalised vote weights.
    org_weights: Vec<(usize, Vec<(usize, f64)>)>,
    clients: Vec<usize>,
    client_of: Vec<Option<usize>>,
    patrons: Vec<usize>,
    /// Per event: its per-turn probability (0 for a scheduled one).
    hazard: Vec<f64>,
    /// `actors × patrons`: how much a deal with the actor counts as a deal with the patron (1
    /// for the patron itself, its vote weight in an organization it belongs to).
    credit: Vec<f64>,
    influence_relax: f64,
    per_turn: PerTurn,
    /// Room for an organization's vote weights while rebuilding.
    weights: Vec<f64>,
}

struct SlotC {
    actor: usize,
    /// The other side of a dyad (unused for public goods).
    partner: usize,
    evals: std::ops::Range<usize>,
    threshold: f64,
    /// Public goods: per-year threat reduction when this participant contributes.
    efficacy: f64,
}

/// A decider in a slot: the participant itself or a voting member.
struct EvalC {
    actor: usize,
    weight: f64,
    veto: bool,
    r: f64,
    s: f64,
    t: f64,
    p: f64,
    /// `[p, t, s, r]`: the payoff by (own action, partner's action) as bits, cooperation 1.
    payoff: [f64; 4],
    /// Public goods: interest in the harmed dimension × exposure.
    harm: f64,
    /// Public goods: utility of contributing's side effects.
    cost: f64,
}

struct IssueC {
    threat: Option<usize>,
    salience_base: f64,
    salience_terms: Vec<(Metric, f64)>,
    on_mutual: Vec<(usize, f64)>,
    influence_gain: f64,
}

impl IssueC {
    fn salience(&self, sc: &Scenario, m: &Compiled, st: &State) -> f64 {
        let mut x = self.salience_base;
        for (metric, coef) in &self.salience_terms {
            x += coef * metric_value(sc, m, st, metric);
        }
        x.max(0.0)
    }
}

struct VarC {
    target: LinearC,
    rate: f64,
    min: f64,
    max: f64,
}

struct LinearC {
    base: f64,
    terms: Vec<(Metric, f64)>,
}

impl LinearC {
    fn eval(&self, sc: &Scenario, m: &Compiled, st: &State) -> f64 {
        self.base + self.terms.iter().map(|(metric, c)| c * metric_value(sc, m, st, metric)).sum::<f64>()
    }
}

impl Compiled {
    /// The model of `sc` with `values`: its structure (who decides where, who watches whom),
    /// then its numbers ([`Compiled::rebuild`]).
    fn new(sc: &Scenario, values: &Values) -> Compiled {
        let n = sc.actor_count();
        let members = |a: usize| -> Vec<usize> {
            match &sc.actors[a].organization {
                Some(org) => org.members.iter().map(|m| m.0).collect(),
                None => vec![a],
            }
        };
        let mut slot_start = vec![0];
        let mut slots = Vec::new();
        let mut evals = Vec::new();
        let mut issues = Vec::new();
        let mut issue_evals = Vec::new();
        for issue in &sc.issues {
            let issue_first_eval = evals.len();
            for (local, &ActorId(a)) in issue.participants.iter().enumerate() {
                let start = evals.len();
                let vetoes = match &sc.actors[a].organization {
                    None => vec![true],
                    Some(org) => org.rule.veto.clone(),
                };
                for (d, veto) in members(a).into_iter().zip(vetoes) {
                    let (weight, r, s, t, p, harm, cost) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
                    evals.push(EvalC { actor: d, weight, veto, r, s, t, p, payoff: [0.0; 4], harm, cost });
                }
                let partner = match &issue.kind {
                    IssueKind::Dyadic { .. } => issue.participants[1 - local].0,
                    IssueKind::PublicGood(_) => usize::MAX,
                };
                slots.push(SlotC { actor: a, partner, evals: start..evals.len(), threshold: 0.0, efficacy: 0.0 });
            }
            issue_evals.push((issue_first_eval, evals.len()));
            slot_start.push(slots.len());
            issues.push(IssueC {
                threat: match &issue.kind {
                    IssueKind::PublicGood(pg) => Some(pg.threat),
                    IssueKind::Dyadic { .. } => None,
                },
                salience_base: 0.0,
                salience_terms: issue.salience.terms.iter().map(|&(m, _)| (m, 0.0)).collect(),
                on_mutual: issue.on_mutual.iter().map(|&(v, _)| (v, 0.0)).collect(),
                influence_gain: 0.0,
            });
        }
        let vars = sc
            .state
            .iter()
            .map(|s| VarC {
                target: LinearC { base: 0.0, terms: s.target.terms.iter().map(|&(m, _)| (m, 0.0)).collect() },
                rate: 0.0,
                min: s.min,
                max: s.max,
            })
            .collect();
        // Organizations hold no trust of their own: their members observe for them.
        let observers: Vec<Vec<usize>> = (0..n).map(members).collect();
        let states = (0..n).filter(|&a| sc.actors[a].organization.is_none()).collect();
        let mut watch_start = vec![0];
        let mut watch = Vec::new();
        for (k, issue) in sc.issues.iter().enumerate() {
            let issue_slots = slot_start[k]..slot_start[k + 1];
            for s in issue_slots.clone() {
                let seen = slots[s].actor;
                match issue.kind {
                    IssueKind::Dyadic { .. } => {
                        let other = if s == issue_slots.start { s + 1 } else { s - 1 };
                        watch.extend(observers[slots[other].actor].iter().map(|&o| o * n + seen));
                    }
                    // Each observer counts a contribution once per issue, even when it watches
                    // through two participants (a member of two organizations).
                    IssueKind::PublicGood(_) => {
                        let first = watch.len();
                        for o_slot in issue_slots.clone().filter(|&o| o != s) {
                            for &o in &observers[slots[o_slot].actor] {
                                let i = o * n + seen;
                                if o != seen && !watch[first..].contains(&i) {
                                    watch.push(i);
                                }
                            }
                        }
                    }
                }
                watch_start.push(watch.len());
            }
        }
        let mut watched: Vec<(usize, usize)> = watch.iter().map(|&i| (i, i / n)).filter(|&(i, o)| i % n != o).collect();
        watched.sort_unstable();
        watched.dedup();
        let org_weights = (0..n)
            .filter(|&a| sc.actors[a].organization.is_some())
            .map(|a| (a, members(a).into_iter().map(|m| (m, 0.0)).collect()))
            .collect();
        let clients: Vec<usize> = sc.influence.clients.iter().map(|c| c.0).collect();
        let patrons: Vec<usize> = sc.influence.patrons.iter().map(|p| p.0).collect();
        let mut client_of = vec![None; n];
        for (c, &a) in clients.iter().enumerate() {
            client_of[a] = Some(c);
        }
        let np = patrons.len();
        let mut m = Compiled {
            dt: sc.calendar.step.years(),
            lambda: vec![0.0; n],
            error: vec![0.0; n],
            gain: vec![0.0; n],
            loss: vec![0.0; n],
            forgive: vec![0.0; n],
            pressure: vec![0.0; n],
            slot_start,
            issue_evals,
            slots,
            evals,
            issues,
            vars,
            states,
            watched,
            watch_start,
            watch,
            org_weights,
            clients,
            client_of,
            patrons,
            credit: vec![0.0; n * np],
            hazard: vec![0.0; sc.events.len()],
            influence_relax: 0.0,
            per_turn: PerTurn::default(),
            weights: Vec::new(),
        };
        m.rebuild(sc, values);
        m
    }

    /// Recomputes every number of the model from `values`, in place: a new run, or a
    /// parameter changed. The structure stays as [`Compiled::new`] laid it out.
    fn rebuild(&mut self, sc: &Scenario, values: &Values) {
        let cal = &sc.calendar;
        let v = |id: ParamId| values.get(id);
        let weight = |a: usize, d: usize| sc.actors[a].interests[d].map_or(0.0, v);
        let per_turn = &mut self.per_turn;
        per_turn.start();
        for (a, actor) in sc.actors.iter().enumerate() {
            let b = &actor.behaviour;
            self.lambda[a] = v(b.rationality);
            self.error[a] = v(b.error);
            self.pressure[a] = v(b.pressure);
        }
        for (a, actor) in sc.actors.iter().enumerate() {
            self.gain[a] = per_turn.get(cal, v(actor.behaviour.trust_gain));
        }
        for (a, actor) in sc.actors.iter().enumerate() {
            self.loss[a] = per_turn.get(cal, v(actor.behaviour.trust_loss));
        }
        for (a, actor) in sc.actors.iter().enumerate() {
            self.forgive[a] = per_turn.get(cal, v(actor.behaviour.forgiveness));
        }
        for (k, issue) in sc.issues.iter().enumerate() {
            for (local, &ActorId(a)) in issue.participants.iter().enumerate() {
                let slot = &mut self.slots[self.slot_start[k] + local];
                let weights = &mut self.weights;
                weights.clear();
                match &sc.actors[a].organization {
                    None => {
                        weights.push(1.0);
                        slot.threshold = 0.0;
                    }
                    Some(org) => {
                        vote_weights(sc, values, org, weights);
                        slot.threshold = org.rule.threshold.map_or(0.0, v);
                    }
                }
                let cap = capability(sc, values, a);
                slot.efficacy = match &issue.kind {
                    IssueKind::Dyadic { .. } => 0.0,
                    IssueKind::PublicGood(pg) => v(pg.efficacy) * v(pg.reach[local]) * cap,
                };
                for (ev, &w) in self.evals[slot.evals.clone()].iter_mut().zip(weights.iter()) {
                    let d = ev.actor;
                    (ev.weight, ev.r, ev.s, ev.t, ev.p, ev.harm, ev.cost) = (w, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
                    match &issue.kind {
                        IssueKind::Dyadic { payoffs } => {
                            for dp in &payoffs[local] {
                                let wd = weight(d, dp.dimension);
                                let g = |p: Option<ParamId>| p.map_or(0.0, v);
                                ev.r += wd * g(dp.reward);
                                ev.s += wd * g(dp.sucker);
                                ev.t += wd * g(dp.temptation);
                                ev.p += wd * g(dp.punishment);
                            }
                        }
                        IssueKind::PublicGood(pg) => {
                            ev.harm = weight(d, pg.harm_dimension) * v(pg.exposure[local]);
                            ev.cost = pg.cost.iter().map(|&(dim, id)| weight(d, dim) * v(id)).sum();
                        }
                    }
                    ev.payoff = [ev.p, ev.t, ev.s, ev.r];
                }
            }
            let ic = &mut self.issues[k];
            ic.salience_base = issue.salience.base.map_or(1.0, v);
            for (term, &(_, id)) in ic.salience_terms.iter_mut().zip(&issue.salience.terms) {
                term.1 = v(id);
            }
            for (term, &(_, id)) in ic.on_mutual.iter_mut().zip(&issue.on_mutual) {
                term.1 = v(id);
            }
            ic.influence_gain = issue.influence_gain.map_or(0.0, |id| per_turn.get(cal, v(id)));
        }
        for (var, s) in self.vars.iter_mut().zip(&sc.state) {
            var.target.base = s.target.base.map_or(0.0, v);
            for (term, &(_, id)) in var.target.terms.iter_mut().zip(&s.target.terms) {
                term.1 = v(id);
            }
            var.rate = s.rate.map_or(0.0, |id| per_turn.get(cal, v(id)));
        }
        for (org, members) in &mut self.org_weights {
            let organization = sc.actors[*org].organization.as_ref().expect("an organization");
            vote_weights(sc, values, organization, &mut self.weights);
            for (member, &w) in members.iter_mut().zip(&self.weights) {
                member.1 = w;
            }
        }
        let np = self.patrons.len();
        self.credit.fill(0.0);
        for (p, &pa) in self.patrons.iter().enumerate() {
            self.credit[pa * np + p] = 1.0;
        }
        // An organization's deals credit its member patrons by their vote weight.
        for slot in &self.slots {
            if sc.actors[slot.actor].kind == ActorKind::Organization {
                for ev in &self.evals[slot.evals.clone()] {
                    if let Some(p) = self.patrons.iter().position(|&x| x == ev.actor) {
                        self.credit[slot.actor * np + p] = ev.weight;
                    }
                }
            }
        }
        for (h, ev) in self.hazard.iter_mut().zip(&sc.events) {
            *h = match ev.trigger {
                Trigger::Hazard { per_year, .. } => per_turn.get(cal, v(per_year)),
                Trigger::At(_) => 0.0,
            };
        }
        self.influence_relax = sc.influence.relaxation.map_or(0.0, |id| per_turn.get(cal, v(id)));
    }

    /// Sets each organization's trust in others to its members' weighted mean.
    fn derive_org_trust(&self, trust: &mut [f64]) {
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

    /// Public goods: the threat reduction `a` expects from the participants of `slots` other
    /// than `s`, each one's efficacy weighted by `a`'s trust in it.
    #[inline]
    fn others_expected(&self, st: &State, a: usize, slots: std::ops::Range<usize>, s: usize) -> f64 {
        let n = self.lambda.len();
        slots.filter(|&o| o != s).map(|o| st.trust[a * n + self.slots[o].actor] * self.slots[o].efficacy).sum()
    }

    /// Cost to `a` of cooperating with `partner`: each patron's share of influence over `a`,
    /// times its pressure, times its hostility to the partner (1 − trust).
    #[inline]
    fn pressure_cost(&self, st: &State, a: usize, partner: usize) -> f64 {
        let Some(c) = self.client_of[a] else {
            return 0.0;
        };
        let n = self.lambda.len();
        let np = self.patrons.len();
        let mut cost = 0.0;
        for (p, &pa) in self.patrons.iter().enumerate() {
            if pa != partner && pa != a {
                cost += st.influence[c * np + p] * self.pressure[pa] * (1.0 - st.trust[pa * n + partner]);
            }
        }
        cost
    }

    fn pressure_terms(&self, st: &State, a: usize, partner: usize, dyadic: bool) -> Vec<(ActorId, f64)> {
        let Some(c) = self.client_of[a].filter(|_| dyadic) else {
            return Vec::new();
        };
        let n = self.lambda.len();
        let np = self.patrons.len();
        self.patrons
            .iter()
            .enumerate()
            .filter(|&(_, &pa)| pa != partner && pa != a)
            .map(|(p, &pa)| {
                (ActorId(pa), st.influence[c * np + p] * self.pressure[pa] * (1.0 - st.trust[pa * n + partner]))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(path: &str) -> Scenario {
        Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    /// A simulation restarted for another run, after a whole run or half of one, plays that
    /// run exactly as a new one: same values, same states turn by turn, same random stream.
    #[test]
    fn a_restarted_simulation_is_a_fresh_run() {
        for sc in [scenario("tests/fixtures/tiny.toml"), scenario("scenarios/baseline_2014.toml")] {
            let mut reused = Simulation::new(&sc, 3, 1);
            for (run, turns_before) in [(5, usize::MAX), (6, 3), (5, 0)] {
                for _ in 0..turns_before.min(sc.calendar.turns()) {
                    reused.step();
                }
                reused.restart(3, run);
                let mut fresh = Simulation::new(&sc, 3, run);
                assert_eq!(reused.values(), fresh.values());
                while !fresh.is_done() {
                    assert_eq!(reused.state(), fresh.state());
                    fresh.step();
                    reused.step();
                }
                assert_eq!(reused.state(), fresh.state());
                let (a, b) = (reused.snapshot(), fresh.snapshot());
                assert_eq!(serde_json::to_string(&a.rng).unwrap(), serde_json::to_string(&b.rng).unwrap());
            }
        }
    }

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
