//! The scenario's numbers for one run, compiled for the turn loop.

use super::State;
use super::influence::InfluenceC;
use crate::model::actor::ActorId;
use crate::model::events::Trigger;
use crate::model::issue::IssueKind;
use crate::model::metric::Metric;
use crate::model::param::{ParamId, Values};
use crate::scenario::Scenario;

pub(super) fn metric_value(sc: &Scenario, m: &Compiled, st: &State, metric: &Metric) -> f64 {
    let n = sc.actor_count();
    // Before the first turn, bit 0 is the start state (an arrangement in force at the
    // start), and a rate is that state; after it, a rate averages the turns played.
    let window = super::probes::rate_window(sc.window, st.turn);
    let mask = if window >= 64 { u64::MAX } else { (1u64 << window) - 1 };
    let rate = |bits: u64| f64::from((bits & mask).count_ones()) / window as f64;
    match *metric {
        Metric::State(v) => st.vars[v],
        Metric::Trust(a, b) => st.trust[a.0 * n + b.0],
        Metric::Influence { domain, client, patron } => st.influence[sc.influence.cell(domain, client, patron)],
        Metric::Coop(k) => {
            if m.issues[k].threat.is_none() {
                (st.mutual[k] & 1) as f64
            } else {
                let slots = m.slot_start[k]..m.slot_start[k + 1];
                let len = slots.len() as f64;
                slots.map(|s| (st.history[s] & 1) as f64).sum::<f64>() / len
            }
        }
        Metric::CoopActor(k, s) => (st.history[m.slot_start[k] + s] & 1) as f64,
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
        // The last completed turn (`turn − 1`), or this turn once it has closed.
        Metric::Event(e) => f64::from(u8::from(st.turn > 0 && st.last_fired[e] == Some(st.turn - 1))),
    }
}

/// Per-turn rates from per-year ones ([`crate::model::calendar::Calendar::per_turn`], a `powf`),
/// remembered in the order [`Compiled::rebuild`] asks for them: most parameters are the same
/// from one run to the next, and so is their rate.
#[derive(Default)]
pub(super) struct PerTurn {
    /// `(per-year value's bits, per-turn rate)` of each request, in order.
    pub(super) known: Vec<(u64, f64)>,
    pub(super) next: usize,
}

impl PerTurn {
    pub(super) fn start(&mut self) {
        self.next = 0;
    }

    pub(super) fn get(&mut self, cal: &crate::model::calendar::Calendar, per_year: f64) -> f64 {
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

/// Per-turn buffers, reused across turns.
pub(super) struct Scratch {
    pub(super) act: Vec<bool>,
    /// Per decider: its uniform draw, `λ·Δu`, the probability it cooperates, the pressure it
    /// would bear for cooperating, and what it bears (0 if it voted against).
    pub(super) draw: Vec<f64>,
    /// The stream's bytes behind `draw`, eight per decider.
    pub(super) draw_bytes: Vec<u8>,
    pub(super) x: Vec<f64>,
    pub(super) p: Vec<f64>,
    pub(super) pressure: Vec<f64>,
    pub(super) cost: Vec<f64>,
    /// Per decider: its issue's salience and status quo this turn, and zeros (the revealed
    /// commitments of a scenario that reveals none).
    pub(super) eval_salience: Vec<f64>,
    pub(super) eval_status_quo: Vec<f64>,
    pub(super) zeros: Vec<f64>,
    pub(super) salience: Vec<f64>,
    /// Per issue: whether an arrangement is in force at the start of the turn (its status
    /// quo), and the utility its status quo adds to staying (commitment) or subtracts from
    /// joining (formation); 0 for other issues.
    pub(super) in_force: Vec<bool>,
    pub(super) status_quo: Vec<f64>,
    /// Per decider: 1 if it votes this turn, 0 if it is a member not admitted (its
    /// membership arrangement is not in force).
    pub(super) member: Vec<f64>,
    /// Per slot: this turn's per-year threat reduction by a public-good participant.
    pub(super) efficacy: Vec<f64>,
    /// `clients × patrons`: each patron's share over each client, averaged over the
    /// influence domains (the leverage behind pressure).
    pub(super) leverage: Vec<f64>,
    /// Per cell `a·n + partner`: this turn's pressure on `a` against dealing with `partner`
    /// (filled for `Compiled::pressed`, 0 elsewhere).
    pub(super) pressure_of: Vec<f64>,
    /// Per trust cell `o·n + j`: the relevance-weighted observations of `j` by `o` this turn,
    /// and how much of them was cooperation.
    pub(super) obs: Vec<f64>,
    pub(super) coop: Vec<f64>,
    pub(super) next_vars: Vec<f64>,
    /// Per influence cell: the target of the ties this turn.
    pub(super) target: Vec<f64>,
    /// The parameters an event's effects changed, until the model is refreshed.
    pub(super) changed: Vec<ParamId>,
}

impl Scratch {
    pub(super) fn new(sc: &Scenario, slots: usize, evals: usize) -> Scratch {
        let n = sc.actor_count();
        let inf = &sc.influence;
        Scratch {
            act: vec![false; slots],
            draw: vec![0.0; evals],
            draw_bytes: vec![0; 8 * evals],
            x: vec![0.0; evals],
            p: vec![0.0; evals],
            pressure: vec![0.0; evals],
            cost: vec![0.0; evals],
            eval_salience: vec![0.0; evals],
            eval_status_quo: vec![0.0; evals],
            zeros: vec![0.0; evals],
            salience: vec![0.0; sc.issues.len()],
            in_force: vec![false; sc.issues.len()],
            status_quo: vec![0.0; sc.issues.len()],
            member: vec![1.0; evals],
            efficacy: vec![0.0; slots],
            leverage: vec![0.0; inf.clients.len() * inf.patrons.len()],
            pressure_of: vec![0.0; n * n],
            obs: vec![0.0; n * n],
            coop: vec![0.0; n * n],
            next_vars: vec![0.0; sc.state.len()],
            target: vec![0.0; inf.shares.len()],
            changed: Vec::new(),
        }
    }
}

/// The scenario's numbers for one run, laid out flat for the turn loop: payoffs already
/// weighted by each decider's interests, rates already per turn. Rebuilt whenever a
/// parameter changes.
pub(super) struct Compiled {
    pub(super) dt: f64,
    pub(super) lambda: Vec<f64>,
    pub(super) error: Vec<f64>,
    pub(super) gain: Vec<f64>,
    pub(super) loss: Vec<f64>,
    pub(super) forgive: Vec<f64>,
    pub(super) pressure: Vec<f64>,
    /// Issue `k`'s slots are `slot_start[k]..slot_start[k + 1]`, its deciders
    /// `issue_evals[k].0..issue_evals[k].1`.
    pub(super) slot_start: Vec<usize>,
    pub(super) issue_evals: Vec<(usize, usize)>,
    pub(super) slots: Vec<SlotC>,
    pub(super) evals: Vec<EvalC>,
    /// Per decider: its actor's error rate, laid out beside the utilities for the logit pass.
    pub(super) eval_error: Vec<f64>,
    /// Per decider, flat for the dyads' utility pass (`super::utility`): its trust cell
    /// `a·n + partner` (0 for a public good's), its actor's rationality, its issue's horizon,
    /// `R − T`, `S − P` and its upkeep (copies of what [`EvalC`] holds, rebuilt with it).
    pub(super) eval_cell: Vec<u32>,
    pub(super) eval_lambda: Vec<f64>,
    pub(super) eval_horizon: Vec<f64>,
    pub(super) eval_reward_gap: Vec<f64>,
    pub(super) eval_sucker_gap: Vec<f64>,
    pub(super) eval_upkeep: Vec<f64>,
    /// The deciders whose membership of their organization is in question, each with the
    /// membership arrangement (issue index) that admits it: every other decider votes.
    pub(super) gated: Vec<(usize, usize)>,
    pub(super) issues: Vec<IssueC>,
    pub(super) vars: Vec<VarC>,
    /// The states, in actor order: the actors that learn trust.
    pub(super) states: Vec<usize>,
    /// The trust cells `o·n + j` (`o ≠ j`) that appear in `watch`, each once, with `o`.
    /// Nobody watches itself.
    pub(super) watched: Vec<(usize, usize)>,
    /// Per slot `s`, `watch[watch_start[s]..watch_start[s + 1]]`: the trust cells `o·n + a`
    /// of the observers `o` who see the slot's actor `a` act (the other side of a dyad and
    /// its members; the other contributors to a public good and their members, each once).
    pub(super) watch_start: Vec<usize>,
    pub(super) watch: Vec<usize>,
    /// Per organization: its members and their normalised vote weights.
    pub(super) org_weights: Vec<(usize, Vec<(usize, f64)>)>,
    pub(super) client_of: Vec<Option<usize>>,
    pub(super) patrons: Vec<usize>,
    /// Per event: its per-turn probability (0 for a scheduled one), and for a hazard with
    /// drivers its per-year base and terms (the probability is then computed each turn).
    pub(super) hazard: Vec<f64>,
    pub(super) hazard_year: Vec<f64>,
    pub(super) hazard_terms: Vec<Vec<(Metric, f64)>>,
    /// `actors × patrons`: how much a deal with the actor counts as a deal with the patron (1
    /// for the patron itself, its vote weight in an organization it belongs to).
    pub(super) credit: Vec<f64>,
    /// Per actor: whether it is a patron or an organization a patron belongs to (what other
    /// patrons press their clients against).
    pub(super) rival: Vec<bool>,
    /// The trust cells `a·n + partner` of the deciders of dyads whom a patron may press (a
    /// client deciding on a deal with a rival), each once: their pressure is computed once a
    /// turn, not once per decision.
    pub(super) pressed: Vec<usize>,
    /// Per pressed cell `pressed[i]`, `press[press_start[i]..press_start[i + 1]]`: the
    /// patrons who press it, in patron order (see [`Compiled::pressure_cost`]).
    pub(super) press_start: Vec<usize>,
    pub(super) press: Vec<Press>,
    /// The influence model's numbers (see `influence.rs`).
    pub(super) influence: InfluenceC,
    pub(super) per_turn: PerTurn,
    /// Room for an organization's vote weights while rebuilding.
    pub(super) weights: Vec<f64>,
    /// Per actor: its capability (an organization's, its members' sum), as last rebuilt.
    pub(super) capability: Vec<f64>,
    /// Per parameter: the one issue whose own numbers alone read it, else
    /// [`super::rebuild::GLOBAL`] (what a changed parameter needs recomputed).
    pub(super) scope: Vec<u32>,
}

pub(super) struct SlotC {
    pub(super) actor: usize,
    /// The other side of a dyad (unused for public goods).
    pub(super) partner: usize,
    pub(super) evals: std::ops::Range<usize>,
    pub(super) threshold: f64,
    /// Under a consensus rule with `model.objection` > 0: that objection threshold (members
    /// block a change only when it costs them more); 0 otherwise (every veto holder voting
    /// against blocks).
    pub(super) objection: f64,
    /// Public goods: per-year threat reduction when this participant contributes (with reach
    /// drivers: per unit of reach, the reach being computed each turn).
    pub(super) efficacy: f64,
    /// Public goods: the participant's reach and its drivers, when it has drivers.
    pub(super) reach: f64,
    pub(super) reach_terms: Vec<(Metric, f64)>,
    /// Whether a state decides alone (one decider, weight 1, with a veto, threshold 0, no
    /// objection): its action is then its vote.
    pub(super) alone: bool,
}

/// One patron's pressure on a client against dealing with a rival: the term
/// `leverage[leverage] · pressure · (1 − trust[trust])`.
pub(super) struct Press {
    /// The cell of `Scratch::leverage` (client × patron).
    pub(super) leverage: usize,
    /// The patron's pressure.
    pub(super) pressure: f64,
    /// The trust cell `patron·n + rival`.
    pub(super) trust: usize,
}

/// A decider in a slot: the participant itself or a voting member.
pub(super) struct EvalC {
    pub(super) actor: usize,
    pub(super) weight: f64,
    pub(super) veto: bool,
    /// `[P, T, S, R]`: the payoff by (own action, partner's action) as bits, cooperation 1.
    pub(super) payoff: [f64; 4],
    /// Public goods: interest in the harmed dimension × exposure.
    pub(super) harm: f64,
    /// Public goods: utility of contributing's side effects.
    pub(super) cost: f64,
    /// Arrangements: its side's upkeep, utility per year paid for voting to stay or join.
    pub(super) upkeep: f64,
}

impl EvalC {
    /// A dyad's utility advantage of cooperating at salience `sal` and belief `q`.
    #[inline]
    pub(super) fn dyadic_advantage(&self, sal: f64, q: f64) -> f64 {
        let [p, t, s, r] = self.payoff;
        crate::model::decision::dyadic_advantage(sal, q, r, s, t, p)
    }
}

pub(super) struct IssueC {
    pub(super) threat: Option<usize>,
    pub(super) salience_base: f64,
    pub(super) salience_terms: Vec<(Metric, f64)>,
    pub(super) on_mutual: Vec<(usize, f64)>,
    /// `Some((commitment, formation))` for an arrangement: one-off utilities.
    pub(super) arrangement: Option<(f64, f64)>,
    /// Years over which a decider weighs the issue's flows: the horizon for an arrangement,
    /// 1 (a year's flow) for other issues.
    pub(super) horizon: f64,
    /// Weight of the issue's observations in trust learning.
    pub(super) relevance: f64,
}

impl IssueC {
    pub(super) fn salience(&self, sc: &Scenario, m: &Compiled, st: &State) -> f64 {
        let mut x = self.salience_base;
        for (metric, coef) in &self.salience_terms {
            x += coef * metric_value(sc, m, st, metric);
        }
        x.max(0.0)
    }
}

pub(super) struct VarC {
    pub(super) target: LinearC,
    pub(super) rate: f64,
    /// Standard deviation of a turn's shock: the yearly volatility × √(years per turn), so
    /// that the shocks of a year add up to the yearly volatility whatever the step.
    pub(super) shock: f64,
    pub(super) min: f64,
    pub(super) max: f64,
}

pub(super) struct LinearC {
    pub(super) base: f64,
    pub(super) terms: Vec<(Metric, f64)>,
}

impl LinearC {
    pub(super) fn eval(&self, sc: &Scenario, m: &Compiled, st: &State) -> f64 {
        self.base + self.terms.iter().map(|(metric, c)| c * metric_value(sc, m, st, metric)).sum::<f64>()
    }
}

impl Compiled {
    /// The model of `sc` with `values`: its structure (who decides where, who watches whom),
    /// then its numbers ([`Compiled::rebuild`]).
    pub(super) fn new(sc: &Scenario, values: &Values) -> Compiled {
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
        let mut gated = Vec::new();
        for issue in &sc.issues {
            let issue_first_eval = evals.len();
            for (local, &ActorId(a)) in issue.participants.iter().enumerate() {
                let start = evals.len();
                let vetoes = match &sc.actors[a].organization {
                    None => vec![true],
                    Some(org) => org.rule.veto.clone(),
                };
                let gates = match &sc.actors[a].organization {
                    None => vec![None],
                    Some(org) => org.gates.clone(),
                };
                for ((d, veto), gate) in members(a).into_iter().zip(vetoes).zip(gates) {
                    let (weight, harm, cost) = (0.0, 0.0, 0.0);
                    if let Some(g) = gate {
                        gated.push((evals.len(), g));
                    }
                    evals.push(EvalC { actor: d, weight, veto, payoff: [0.0; 4], harm, cost, upkeep: 0.0 });
                }
                let partner = match &issue.kind {
                    IssueKind::Dyadic { .. } => issue.participants[1 - local].0,
                    IssueKind::PublicGood(_) => usize::MAX,
                };
                let reach_terms = match &issue.kind {
                    IssueKind::PublicGood(pg) => pg.reach_drivers[local].iter().map(|&(m, _)| (m, 0.0)).collect(),
                    IssueKind::Dyadic { .. } => Vec::new(),
                };
                let evals = start..evals.len();
                slots.push(SlotC {
                    actor: a,
                    partner,
                    evals,
                    threshold: 0.0,
                    objection: 0.0,
                    efficacy: 0.0,
                    reach: 0.0,
                    reach_terms,
                    alone: sc.actors[a].organization.is_none(),
                });
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
                arrangement: None,
                horizon: 1.0,
                relevance: 0.0,
            });
        }
        let vars = sc
            .state
            .iter()
            .map(|s| VarC {
                target: LinearC { base: 0.0, terms: s.target.terms.iter().map(|&(m, _)| (m, 0.0)).collect() },
                rate: 0.0,
                shock: 0.0,
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
                        // A member of the organization across the table does not watch itself.
                        watch.extend(
                            observers[slots[other].actor].iter().filter(|&&o| o != seen).map(|&o| o * n + seen),
                        );
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
        let mut watched: Vec<(usize, usize)> = watch.iter().map(|&i| (i, i / n)).collect();
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
        let influence = InfluenceC::new(sc, &slot_start);
        let rival = (0..n)
            .map(|a| {
                patrons.contains(&a)
                    || sc.actors[a]
                        .organization
                        .as_ref()
                        .is_some_and(|o| o.members.iter().any(|m| patrons.contains(&m.0)))
            })
            .collect::<Vec<bool>>();
        let mut pressed: Vec<usize> = Vec::new();
        for (k, issue) in sc.issues.iter().enumerate() {
            if !matches!(issue.kind, IssueKind::Dyadic { .. }) {
                continue;
            }
            for slot in &slots[slot_start[k]..slot_start[k + 1]] {
                for ev in &evals[slot.evals.clone()] {
                    if client_of[ev.actor].is_some() && rival[slot.partner] {
                        pressed.push(ev.actor * n + slot.partner);
                    }
                }
            }
        }
        pressed.sort_unstable();
        pressed.dedup();
        let mut eval_cell = vec![0; evals.len()];
        for (k, issue) in sc.issues.iter().enumerate() {
            if matches!(issue.kind, IssueKind::Dyadic { .. }) {
                for slot in &slots[slot_start[k]..slot_start[k + 1]] {
                    for (e, ev) in slot.evals.clone().zip(&evals[slot.evals.clone()]) {
                        eval_cell[e] = u32::try_from(ev.actor * n + slot.partner).expect("fewer than 2³² trust cells");
                    }
                }
            }
        }
        let hazard_terms = sc
            .events
            .iter()
            .map(|e| match &e.trigger {
                Trigger::Hazard { drivers, .. } => drivers.iter().map(|&(m, _)| (m, 0.0)).collect(),
                Trigger::At(_) => Vec::new(),
            })
            .collect();
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
            eval_error: vec![0.0; evals.len()],
            eval_cell,
            eval_lambda: vec![0.0; evals.len()],
            eval_horizon: vec![0.0; evals.len()],
            eval_reward_gap: vec![0.0; evals.len()],
            eval_sucker_gap: vec![0.0; evals.len()],
            eval_upkeep: vec![0.0; evals.len()],
            gated,
            evals,
            issues,
            vars,
            states,
            watched,
            watch_start,
            watch,
            org_weights,
            client_of,
            patrons,
            credit: vec![0.0; n * np],
            rival,
            press_start: vec![0; pressed.len() + 1],
            press: Vec::new(),
            pressed,
            hazard: vec![0.0; sc.events.len()],
            hazard_year: vec![0.0; sc.events.len()],
            hazard_terms,
            influence,
            per_turn: PerTurn::default(),
            weights: Vec::new(),
            capability: vec![0.0; n],
            scope: super::rebuild::scopes(sc),
        };
        m.rebuild(sc, values);
        m
    }

    /// Every number the rebuild sets, as bits (for comparing two compilations exactly).
    #[cfg(debug_assertions)]
    pub(super) fn numbers(&self) -> Vec<u64> {
        let mut out: Vec<f64> = Vec::new();
        for v in [&self.lambda, &self.error, &self.gain, &self.loss, &self.forgive, &self.pressure] {
            out.extend(v);
        }
        for v in [&self.eval_error, &self.capability, &self.credit, &self.hazard, &self.hazard_year] {
            out.extend(v);
        }
        for v in
            [&self.eval_lambda, &self.eval_horizon, &self.eval_reward_gap, &self.eval_sucker_gap, &self.eval_upkeep]
        {
            out.extend(v);
        }
        out.extend(self.hazard_terms.iter().flatten().map(|t| t.1));
        for ev in &self.evals {
            out.extend([ev.weight, ev.harm, ev.cost, ev.upkeep, f64::from(u8::from(ev.veto))]);
            out.extend(ev.payoff);
        }
        for slot in &self.slots {
            out.extend([slot.threshold, slot.objection, slot.efficacy, slot.reach]);
            out.extend(slot.reach_terms.iter().map(|t| t.1));
        }
        for ic in &self.issues {
            let (commitment, formation) = ic.arrangement.unwrap_or((f64::NAN, f64::NAN));
            out.extend([ic.salience_base, commitment, formation, ic.horizon, ic.relevance]);
            out.extend(ic.salience_terms.iter().map(|t| t.1).chain(ic.on_mutual.iter().map(|t| t.1)));
        }
        for var in &self.vars {
            out.extend([var.target.base, var.rate, var.shock]);
            out.extend(var.target.terms.iter().map(|t| t.1));
        }
        out.extend(self.org_weights.iter().flat_map(|(_, members)| members.iter().map(|m| m.1)));
        out.into_iter().map(f64::to_bits).collect()
    }

    /// Public goods: the threat reduction `a` expects from the participants of `slots` other
    /// than `s`, each one's efficacy weighted by `a`'s trust in it.
    #[inline]
    pub(super) fn others_expected(
        &self,
        st: &State,
        efficacy: &[f64],
        a: usize,
        slots: std::ops::Range<usize>,
        s: usize,
    ) -> f64 {
        let n = self.lambda.len();
        slots.filter(|&o| o != s).map(|o| st.trust[a * n + self.slots[o].actor] * efficacy[o]).sum()
    }
}
