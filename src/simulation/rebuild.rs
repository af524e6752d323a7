//! Recomputing the compiled numbers from the parameters' values: all of them for a new run,
//! and after an event's effect only what the changed parameters reach: an issue's own numbers
//! when only that issue reads them (war-weariness raising the cost of one mission), everything
//! otherwise.
//!
//! A parameter belongs to the place in the scenario file that sets it, so one that appears in
//! an issue's payoffs, arrangement, salience, relevance, state effects or public-good terms is
//! read by that issue alone. [`scopes`] finds them; debug builds check every partial refresh
//! against a full rebuild.

use super::compiled::{Compiled, PerTurn};
use super::weights::{capability, vote_weights};
use crate::model::actor::{ActorId, ActorKind, RuleKind};
use crate::model::events::Trigger;
use crate::model::issue::{Issue, IssueKind};
use crate::model::param::{ParamId, Values};
use crate::scenario::Scenario;

/// The scope of a parameter that more than one issue, or anything but an issue or the state
/// variables' dynamics, reads.
pub(super) const GLOBAL: u32 = u32::MAX;
/// The scope of a parameter of a state variable's target or rate.
const VARS: u32 = u32::MAX - 1;

/// Per parameter: the index of the one issue whose own numbers alone read it, [`VARS`] for
/// the state variables' targets and rates, else [`GLOBAL`].
pub(super) fn scopes(sc: &Scenario) -> Vec<u32> {
    const UNSEEN: u32 = u32::MAX - 2;
    let mut scope = vec![UNSEEN; sc.params.len()];
    for var in &sc.state {
        let ids = var.target.base.into_iter().chain(var.target.terms.iter().map(|&(_, id)| id)).chain(var.rate);
        for id in ids {
            let s = &mut scope[id.0 as usize];
            *s = if *s == UNSEEN || *s == VARS { VARS } else { GLOBAL };
        }
    }
    for (k, issue) in sc.issues.iter().enumerate() {
        let k = u32::try_from(k).unwrap_or(GLOBAL);
        own_params(issue, &mut |id| {
            let s = &mut scope[id.0 as usize];
            *s = if *s == UNSEEN || *s == k { k } else { GLOBAL };
        });
        // An issue's influence weights feed the influence model, which is rebuilt whole.
        for &(_, id) in &issue.influence {
            scope[id.0 as usize] = GLOBAL;
        }
    }
    scope.into_iter().map(|s| if s == UNSEEN { GLOBAL } else { s }).collect()
}

/// Calls `f` on every parameter `Compiled::rebuild_issue` reads from the issue itself.
fn own_params(issue: &Issue, f: &mut impl FnMut(ParamId)) {
    issue.salience.base.into_iter().chain(issue.salience.terms.iter().map(|&(_, id)| id)).for_each(&mut *f);
    issue.on_mutual.iter().for_each(|&(_, id)| f(id));
    f(issue.relevance);
    match &issue.kind {
        IssueKind::Dyadic { payoffs, arrangement } => {
            for dp in payoffs.iter().flatten() {
                [dp.reward, dp.sucker, dp.temptation, dp.punishment].into_iter().flatten().for_each(&mut *f);
            }
            if let Some(a) = arrangement {
                [a.commitment, a.formation, a.upkeep[0], a.upkeep[1]].into_iter().for_each(&mut *f);
            }
        }
        IssueKind::PublicGood(pg) => {
            f(pg.efficacy);
            pg.exposure.iter().chain(&pg.reach).copied().for_each(&mut *f);
            pg.reach_drivers.iter().flatten().for_each(|&(_, id)| f(id));
            pg.cost.iter().for_each(|&(_, id)| f(id));
        }
    }
}

impl Compiled {
    /// Brings the numbers up to date after the parameters `changed` took new values: only
    /// the issues that alone read them, or everything. Returns whether everything was rebuilt
    /// (organizations' vote weights among the rest).
    pub(in crate::simulation) fn refresh(&mut self, sc: &Scenario, values: &Values, changed: &[ParamId]) -> bool {
        if changed.iter().all(|id| self.scope[id.0 as usize] != GLOBAL) {
            for id in changed {
                match self.scope[id.0 as usize] {
                    VARS => {
                        let mut cache = std::mem::take(&mut self.per_turn);
                        self.rebuild_vars(sc, values, &mut cache);
                        self.per_turn = cache;
                    }
                    k => self.rebuild_issue(sc, values, k as usize),
                }
            }
            #[cfg(debug_assertions)]
            self.check_against_a_full_rebuild(sc, values);
            false
        } else {
            self.rebuild(sc, values);
            true
        }
    }

    /// Recomputes every number of the model from `values`, in place: a new run, or a
    /// parameter changed. The structure stays as [`Compiled::new`] laid it out.
    pub(in crate::simulation) fn rebuild(&mut self, sc: &Scenario, values: &Values) {
        let cal = &sc.calendar;
        let v = |id: ParamId| values.get(id);
        // Taken out for the duration, so that the issues can be rebuilt by `&mut self`.
        let mut cache = std::mem::take(&mut self.per_turn);
        let per_turn = &mut cache;
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
        // Each organization's vote weights and each actor's capability, once: every issue an
        // organization takes part in reads the same.
        for (org, members) in &mut self.org_weights {
            let organization = sc.actors[*org].organization.as_ref().expect("an organization");
            vote_weights(sc, values, organization, &mut self.weights);
            for (member, &w) in members.iter_mut().zip(&self.weights) {
                member.1 = w;
            }
        }
        for (a, cap) in self.capability.iter_mut().enumerate() {
            *cap = capability(sc, values, a);
        }
        for k in 0..sc.issues.len() {
            self.rebuild_issue(sc, values, k);
        }
        self.rebuild_vars(sc, values, per_turn);
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
        self.rebuild_press();
        for (e, ev) in sc.events.iter().enumerate() {
            (self.hazard[e], self.hazard_year[e]) = match &ev.trigger {
                Trigger::Hazard { per_year, drivers, .. } => {
                    for (term, &(_, id)) in self.hazard_terms[e].iter_mut().zip(drivers) {
                        term.1 = v(id);
                    }
                    (per_turn.get(cal, v(*per_year)), v(*per_year))
                }
                Trigger::At(_) => (0.0, 0.0),
            };
        }
        for ((eps, lambda), ev) in self.eval_error.iter_mut().zip(&mut self.eval_lambda).zip(&self.evals) {
            (*eps, *lambda) = (self.error[ev.actor], self.lambda[ev.actor]);
        }
        let relax = sc.influence.relaxation.map_or(0.0, |id| per_turn.get(cal, v(id)));
        self.influence.rebuild(sc, values, &self.credit, relax);
        self.per_turn = cache;
    }

    /// Recomputes issue `k`'s own numbers: its slots', its deciders' and its own. Reads the
    /// organizations' vote weights and the capabilities as the last full rebuild left them.
    fn rebuild_issue(&mut self, sc: &Scenario, values: &Values, k: usize) {
        let v = |id: ParamId| values.get(id);
        let weight = |a: usize, d: usize| sc.actors[a].interests[d].map_or(0.0, v);
        let issue = &sc.issues[k];
        for (local, &ActorId(a)) in issue.participants.iter().enumerate() {
            let slot = &mut self.slots[self.slot_start[k] + local];
            let weights = &mut self.weights;
            weights.clear();
            match &sc.actors[a].organization {
                None => {
                    weights.push(1.0);
                    slot.threshold = 0.0;
                    slot.objection = 0.0;
                }
                Some(org) => {
                    let (_, members) =
                        self.org_weights.iter().find(|(o, _)| *o == a).expect("an organization's weights");
                    weights.extend(members.iter().map(|&(_, w)| w));
                    slot.threshold = org.rule.threshold.map_or(0.0, v);
                    slot.objection = match org.rule.kind {
                        RuleKind::Consensus => sc.objection.map_or(0.0, v),
                        RuleKind::Weighted | RuleKind::Leader => 0.0,
                    };
                }
            }
            let cap = self.capability[a];
            (slot.efficacy, slot.reach) = match &issue.kind {
                IssueKind::Dyadic { .. } => (0.0, 0.0),
                // With drivers, efficacy is per unit of a reach computed each turn.
                IssueKind::PublicGood(pg) if !pg.reach_drivers[local].is_empty() => {
                    for (term, &(_, id)) in slot.reach_terms.iter_mut().zip(&pg.reach_drivers[local]) {
                        term.1 = v(id);
                    }
                    (v(pg.efficacy) * cap, v(pg.reach[local]))
                }
                IssueKind::PublicGood(pg) => (v(pg.efficacy) * v(pg.reach[local]) * cap, v(pg.reach[local])),
            };
            for (ev, &w) in self.evals[slot.evals.clone()].iter_mut().zip(weights.iter()) {
                let d = ev.actor;
                (ev.weight, ev.harm, ev.cost) = (w, 0.0, 0.0);
                let [mut p, mut t, mut s, mut r] = [0.0; 4];
                ev.upkeep = match &issue.kind {
                    IssueKind::Dyadic { arrangement: Some(a), .. } => v(a.upkeep[local]),
                    _ => 0.0,
                };
                match &issue.kind {
                    IssueKind::Dyadic { payoffs, .. } => {
                        for dp in &payoffs[local] {
                            let wd = weight(d, dp.dimension);
                            let g = |p: Option<ParamId>| p.map_or(0.0, v);
                            r += wd * g(dp.reward);
                            s += wd * g(dp.sucker);
                            t += wd * g(dp.temptation);
                            p += wd * g(dp.punishment);
                        }
                    }
                    IssueKind::PublicGood(pg) => {
                        ev.harm = weight(d, pg.harm_dimension) * v(pg.exposure[local]);
                        ev.cost = pg.cost.iter().map(|&(dim, id)| weight(d, dim) * v(id)).sum();
                    }
                }
                ev.payoff = [p, t, s, r];
            }
        }
        let horizon = match &issue.kind {
            IssueKind::Dyadic { arrangement: Some(_), .. } => v(sc.horizon),
            _ => 1.0,
        };
        let (first, end) = self.issue_evals[k];
        for (e, ev) in (first..end).zip(&self.evals[first..end]) {
            let [p, t, s, r] = ev.payoff;
            (self.eval_reward_gap[e], self.eval_sucker_gap[e]) = (r - t, s - p);
            (self.eval_upkeep[e], self.eval_horizon[e]) = (ev.upkeep, horizon);
        }
        let ic = &mut self.issues[k];
        ic.salience_base = issue.salience.base.map_or(1.0, v);
        for (term, &(_, id)) in ic.salience_terms.iter_mut().zip(&issue.salience.terms) {
            term.1 = v(id);
        }
        for (term, &(_, id)) in ic.on_mutual.iter_mut().zip(&issue.on_mutual) {
            term.1 = v(id);
        }
        ic.arrangement = match &issue.kind {
            IssueKind::Dyadic { arrangement: Some(a), .. } => Some((v(a.commitment), v(a.formation))),
            _ => None,
        };
        ic.horizon = horizon;
        ic.relevance = v(issue.relevance);
    }

    /// Recomputes the state variables' targets, rates and shocks.
    fn rebuild_vars(&mut self, sc: &Scenario, values: &Values, per_turn: &mut PerTurn) {
        let v = |id: ParamId| values.get(id);
        for (var, s) in self.vars.iter_mut().zip(&sc.state) {
            var.target.base = s.target.base.map_or(0.0, v);
            for (term, &(_, id)) in var.target.terms.iter_mut().zip(&s.target.terms) {
                term.1 = v(id);
            }
            var.rate = s.rate.map_or(0.0, |id| per_turn.get(&sc.calendar, v(id)));
            var.shock = s.volatility.map_or(0.0, |id| v(id) * sc.calendar.step.years().sqrt());
        }
    }

    /// Debug builds: a partial refresh must leave every number as a full rebuild would.
    #[cfg(debug_assertions)]
    fn check_against_a_full_rebuild(&self, sc: &Scenario, values: &Values) {
        let full = Compiled::new(sc, values);
        assert!(
            self.numbers() == full.numbers(),
            "a partial refresh of the compiled model differs from a full rebuild"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::Simulation;

    fn baseline() -> Scenario {
        Scenario::shipped("baseline_2014").expect("shipped").expect("valid")
    }

    #[test]
    fn an_issues_own_values_are_its_alone_and_the_rest_reach_everything() {
        let sc = baseline();
        let scope = scopes(&sc);
        let of = |path: &str| scope[sc.params.find(path).unwrap_or_else(|| panic!("{path}")).0 as usize];
        let mission = sc.issues.iter().position(|i| i.id == "western_mission").expect("the mission");
        assert_eq!(of("issues.western_mission.upkeep.nato") as usize, mission);
        assert_eq!(of("actors.russia.behaviour.rationality"), GLOBAL);
        assert_eq!(of("model.horizon"), GLOBAL);
        assert_eq!(of("state.narcotics_flow.rate"), VARS);
    }

    #[test]
    fn runs_with_events_that_change_parameters_match_full_rebuilds() {
        // Debug builds compare every partial refresh with a full rebuild (`refresh`); the
        // baseline's war-weariness changes one issue's values every year.
        let sc = baseline();
        let mut refreshed = 0;
        for run in 0..8 {
            let mut sim = Simulation::new(&sc, 2014, run);
            while !sim.is_done() {
                sim.step();
            }
            refreshed += sim.state().fired.iter().filter(|f| f.is_some()).count();
        }
        assert!(refreshed > 0);
    }
}
