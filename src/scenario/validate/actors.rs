//! `[actors.ID]`: states and organizations, their capabilities and interests, behaviour (own,
//! from `[defaults.behaviour]`, or built in), and an organization's members and decision rule.
//! The behaviour parameters, their domains and built-in defaults are read from
//! [`crate::model::actor::BEHAVIOUR`], their one list.

use super::{Path, Validator, did_you_mean, is_identifier, path, with, with_index};
use crate::model::actor::{Actor, ActorId, ActorKind, BEHAVIOUR, Behaviour, DecisionRule, Organization, RuleKind};
use crate::model::param::{Domain, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{ActorFile, ActorKindFile, BehaviourFile, RuleFile, ScenarioFile};

impl Validator {
    /// The actors in file order, with their ids.
    pub(super) fn actors(&mut self, f: &ScenarioFile, dimensions: &[String]) -> (Vec<String>, Vec<Actor>) {
        // Actors: names first, so members and references can resolve.
        let actor_ids: Vec<String> = f.actors.keys().cloned().collect();
        if actor_ids.is_empty() {
            self.error(
                &path(&["actors"]),
                Diagnostic::new("", "the scenario has no actors").expected("at least one [actors.NAME] table"),
            );
        }
        for id in &actor_ids {
            if !is_identifier(id) {
                self.error_on_key(
                    &path(&["actors", id]),
                    Diagnostic::new("", format!("`{id}` is not a usable actor name"))
                        .expected("lowercase letters, digits and _ (the name is used in metric paths)"),
                );
            }
        }
        let actors: Vec<Actor> = f
            .actors
            .iter()
            .map(|(id, a)| {
                self.within(&["actors", id], &a.source, |v| {
                    v.actor(id, a, &f.defaults.behaviour, dimensions, &actor_ids)
                })
            })
            .collect();
        for (a, actor) in actors.iter().enumerate() {
            for (i, m) in actor.organization.iter().flat_map(|o| o.members.iter()).enumerate() {
                if actors[m.0].kind == ActorKind::Organization {
                    self.error(
                        &with_index(&path(&["actors", &actor_ids[a], "members"]), i),
                        Diagnostic::new("", format!("`{}` is an organization; members must be states", actor_ids[m.0]))
                            .help("list the states it is made of instead"),
                    );
                }
            }
        }
        (actor_ids, actors)
    }

    fn actor(&mut self, id: &str, a: &ActorFile, defaults: &BehaviourFile, dims: &[String], ids: &[String]) -> Actor {
        let at = path(&["actors", id]);
        let is_org = a.kind == ActorKindFile::Organization;
        let capability = match (&a.capability, is_org) {
            (Some(p), _) => Some(self.param(&with(&at, "capability"), p, Domain::Positive)),
            (None, true) => None,
            (None, false) => {
                self.error(
                    &at,
                    Diagnostic::new("", format!("actor `{id}` has no `capability`"))
                        .expected("capability = relative power > 0, e.g. { value = 0.3, source = \"...\" }"),
                );
                None
            }
        };
        let mut interests: Vec<Option<ParamId>> = vec![None; dims.len()];
        if is_org && !a.interests.is_empty() {
            self.error(
                &with(&at, "interests"),
                Diagnostic::new("", "an organization has no interests of its own").help(
                    "its members' interests are aggregated by its decision rule; give the interests to the members",
                ),
            );
        } else {
            for (d, p) in &a.interests {
                let at_d = with(&with(&at, "interests"), d);
                if let Some(di) = self.resolve_dimension(&at_d, d, dims) {
                    interests[di] = Some(self.param(&at_d, p, Domain::NonNegative));
                }
            }
            if !is_org {
                // Unlisted dimensions are registered at 0 so sweeps and events can address them.
                for (di, slot) in interests.iter_mut().enumerate() {
                    if slot.is_none() {
                        let at_d = with(&with(&at, "interests"), &dims[di]);
                        // An interest the actor does not list is none: its source covers that too.
                        *slot = Some(self.implicit(&at_d, 0.0, Domain::NonNegative, true));
                    }
                }
            }
        }
        // Own value, else `[defaults.behaviour]`, else the built-in default, key by key.
        let at_b = with(&at, "behaviour");
        let ids_b: Vec<ParamId> = BEHAVIOUR
            .iter()
            .enumerate()
            .map(|(i, p)| self.param_or(&with(&at_b, p.key), a.behaviour.get(i), defaults.get(i), p.default, p.domain))
            .collect();
        let behaviour = Behaviour::from_ids(ids_b.try_into().expect("one id per behaviour parameter"));

        let organization = if is_org {
            self.organization(id, a, &at, ids)
        } else {
            for (key, present) in [
                ("members", !a.members.is_empty()),
                ("rule", a.rule.is_some()),
                ("leader", a.leader.is_some()),
                ("weights", !a.weights.is_empty()),
                ("threshold", a.threshold.is_some()),
                ("veto", a.veto.is_some()),
            ] {
                if present {
                    self.error(
                        &with(&at, key),
                        Diagnostic::new("", format!("`{key}` applies only to organizations"))
                            .help("set `kind = \"organization\"` or remove the key"),
                    );
                }
            }
            None
        };
        Actor {
            id: id.to_string(),
            name: a.name.clone().unwrap_or_else(|| id.to_string()),
            kind: if is_org { ActorKind::Organization } else { ActorKind::State },
            capability,
            interests,
            behaviour,
            organization,
            source: a.source.clone(),
        }
    }

    fn organization(&mut self, id: &str, a: &ActorFile, at: &Path, ids: &[String]) -> Option<Organization> {
        let mut members = Vec::new();
        if a.members.is_empty() {
            self.error(
                at,
                Diagnostic::new("", format!("organization `{id}` has no members"))
                    .expected("members = [\"state\", ...]"),
            );
        }
        for (i, m) in a.members.iter().enumerate() {
            let at_m = with_index(&with(at, "members"), i);
            if m == id {
                self.error(
                    &at_m,
                    Diagnostic::new("", format!("organization `{id}` lists itself as a member"))
                        .help("an organization's members are states; remove it from its own list"),
                );
                continue;
            }
            let Some(mi) = self.resolve_actor(&at_m, m, ids) else {
                continue;
            };
            if members.contains(&ActorId(mi)) {
                self.error(&at_m, Diagnostic::new("", format!("`{m}` is listed twice")));
            }
            members.push(ActorId(mi));
        }
        let Some(rule) = a.rule else {
            self.error(
                at,
                Diagnostic::new("", format!("organization `{id}` has no decision `rule`"))
                    .expected("rule = \"consensus\", \"weighted\" or \"leader\""),
            );
            return None;
        };
        let member_pos = |name: &str| a.members.iter().position(|m| m == name);
        let mut veto = vec![false; members.len()];
        let mut threshold = None;
        match rule {
            RuleFile::Consensus => veto.iter_mut().for_each(|v| *v = true),
            RuleFile::Leader => match &a.leader {
                Some(l) => match member_pos(l) {
                    Some(i) if i < veto.len() => veto[i] = true,
                    _ => self.error(
                        &with(at, "leader"),
                        Diagnostic::new("", format!("the leader `{l}` is not a member of `{id}`"))
                            .expected(format!("one of {}", a.members.join(", ")))
                            .help_opt(did_you_mean(l, a.members.iter().map(String::as_str))),
                    ),
                },
                None => {
                    self.error(at, Diagnostic::new("", "a leader rule needs `leader`").expected("leader = \"MEMBER\""))
                }
            },
            RuleFile::Weighted => {
                threshold = Some(self.param_or(&with(at, "threshold"), a.threshold.as_ref(), None, 0.5, Domain::UNIT));
            }
        }
        if rule != RuleFile::Weighted && a.threshold.is_some() {
            self.error(&with(at, "threshold"), Diagnostic::new("", "`threshold` applies only to the weighted rule"));
        }
        if rule != RuleFile::Leader && a.leader.is_some() {
            self.error(&with(at, "leader"), Diagnostic::new("", "`leader` applies only to the leader rule"));
        }
        if let Some(list) = &a.veto {
            if rule != RuleFile::Weighted {
                self.error(
                    &with(at, "veto"),
                    Diagnostic::new("", "`veto` applies only to the weighted rule")
                        .help("under consensus every member has a veto; under the leader rule, the leader"),
                );
            }
            for (i, v) in list.iter().enumerate() {
                match member_pos(v) {
                    Some(p) if p < veto.len() => veto[p] = true,
                    _ => self.error(
                        &with_index(&with(at, "veto"), i),
                        Diagnostic::new("", format!("`{v}` is not a member of `{id}`"))
                            .help_opt(did_you_mean(v, a.members.iter().map(String::as_str))),
                    ),
                }
            }
        }
        let weights = if a.weights.is_empty() {
            None
        } else {
            let mut w = Vec::new();
            for m in a.weights.keys() {
                if member_pos(m).is_none() {
                    self.error_on_key(
                        &with(&with(at, "weights"), m),
                        Diagnostic::new("", format!("`{m}` is not a member of `{id}`"))
                            .help_opt(did_you_mean(m, a.members.iter().map(String::as_str))),
                    );
                }
            }
            for m in &a.members {
                match a.weights.get(m) {
                    Some(p) => w.push(self.param(&with(&with(at, "weights"), m), p, Domain::NonNegative)),
                    None => self.error(
                        &with(at, "weights"),
                        Diagnostic::new("", format!("member `{m}` has no weight"))
                            .help("give every member a weight, or none to weigh by capability"),
                    ),
                }
            }
            Some(w)
        };
        let kind = match rule {
            RuleFile::Consensus => RuleKind::Consensus,
            RuleFile::Weighted => RuleKind::Weighted,
            RuleFile::Leader => RuleKind::Leader,
        };
        Some(Organization { members, rule: DecisionRule { kind, weights, threshold, veto } })
    }
}
