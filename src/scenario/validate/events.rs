//! `[events.ID]`: scheduled and stochastic events, their conditions, and their effects on
//! state, trust, influence, issues and parameters (the targets an event can change).

use indexmap::IndexMap;

use super::trust::org_trust_error;
use super::{Path, Validator, did_you_mean, path, with, with_index};
use crate::model::actor::{Actor, ActorId};
use crate::model::calendar::Calendar;
use crate::model::events::{Effect, Event, Op, Target, Trigger};
use crate::model::metric::{Metric, Names};
use crate::model::param::{Domain, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{EffectFile, EventFile};

impl Validator {
    pub(super) fn events(
        &mut self,
        events: &IndexMap<String, EventFile>,
        calendar: Option<&Calendar>,
        names: &Names<'_>,
        actors: &[Actor],
    ) -> Vec<Event> {
        // Hazards first, so that any event's effect may target any event's hazard.
        let hazards: Vec<Option<ParamId>> = events
            .iter()
            .map(|(id, e)| {
                let at = path(&["events", id, "hazard"]);
                e.hazard.as_ref().map(|h| self.within(&["events", id], &e.source, |v| v.param(&at, h, Domain::UNIT)))
            })
            .collect();
        events
            .iter()
            .zip(hazards)
            .map(|((id, e), hazard)| {
                self.within(&["events", id], &e.source, |v| v.event(id, e, hazard, calendar, names, actors))
            })
            .collect()
    }

    fn event(
        &mut self,
        id: &str,
        e: &EventFile,
        hazard: Option<ParamId>,
        cal: Option<&Calendar>,
        names: &Names<'_>,
        actors: &[Actor],
    ) -> Event {
        let at = path(&["events", id]);
        let trigger = match (&e.at, &e.hazard) {
            (Some(date), None) => {
                let turn = self.date(&with(&at, "at"), date).and_then(|p| {
                    let cal = cal?;
                    let t = cal.turn_of(p);
                    if t.is_none() {
                        self.error(
                            &with(&at, "at"),
                            Diagnostic::new("", format!("{p} is outside the scenario ({} to {})", cal.start, cal.end)),
                        );
                    }
                    t
                });
                if e.repeat {
                    self.error(
                        &with(&at, "repeat"),
                        Diagnostic::new("", "`repeat` applies only to stochastic events (with `hazard`)"),
                    );
                }
                Trigger::At(turn.unwrap_or(0))
            }
            (None, Some(_)) => {
                Trigger::Hazard { per_year: hazard.expect("registered with the event's hazard"), repeat: e.repeat }
            }
            _ => {
                self.error(
                    &at,
                    Diagnostic::new("", "an event needs exactly one of `at` (scheduled) and `hazard` (stochastic)")
                        .expected("at = \"2014-Q2\" or hazard = 0.1 (probability per year)"),
                );
                Trigger::At(0)
            }
        };
        let when = self.conditions(&with(&at, "when"), &e.when, names);
        let effects = e
            .effects
            .iter()
            .enumerate()
            .filter_map(|(i, ef)| self.effect(&with_index(&with(&at, "effects"), i), ef, names, actors))
            .collect();
        if e.effects.is_empty() {
            self.error(
                &with(&at, "effects"),
                Diagnostic::new("", "an event needs at least one effect")
                    .expected("effects = [{ target = \"state.NAME\", add = 0.1 }]"),
            );
        }
        Event {
            id: id.to_string(),
            label: e.label.clone().unwrap_or_else(|| id.to_string()),
            trigger,
            when,
            effects,
            source: e.source.clone(),
            // Set by the `forcing` key once the format has one.
            forcing: false,
        }
    }

    fn effect(&mut self, at: &Path, ef: &EffectFile, names: &Names<'_>, actors: &[Actor]) -> Option<Effect> {
        let (op, amount) = match (&ef.set, &ef.add, &ef.scale) {
            (Some(v), None, None) => (Op::Set, v),
            (None, Some(v), None) => (Op::Add, v),
            (None, None, Some(v)) => (Op::Scale, v),
            _ => {
                self.error(
                    at,
                    Diagnostic::new("", "an effect needs exactly one of `set`, `add` and `scale`")
                        .expected("{ target = \"...\", add = 0.1 }"),
                );
                return None;
            }
        };
        let at_t = with(at, "target");
        let target = self.target(&at_t, &ef.target, names, actors)?;
        if let Target::Param(id) = target {
            let p = &self.params.get(id).path;
            // These are read once, when a run starts: changing them later would do nothing.
            if p == "model.trust" || (p.starts_with("state.") && p.ends_with(".initial")) {
                let state = p.strip_suffix(".initial").unwrap_or("trust.A.B").to_string();
                self.error(
                    &at_t,
                    Diagnostic::new("", format!("`{p}` is read only when a run starts, so an event cannot change it"))
                        .help(format!("target the current value instead, e.g. `{state}`")),
                );
                return None;
            }
        }
        let key = match op {
            Op::Set => "set",
            Op::Add => "add",
            Op::Scale => "scale",
        };
        let domain = match (op, target) {
            (Op::Scale, _) => Domain::NonNegative,
            (Op::Add, _) => Domain::Real,
            (Op::Set, Target::Param(id)) => self.params.get(id).domain,
            (Op::Set, Target::State(_)) => Domain::Real,
            (Op::Set, _) => Domain::UNIT,
        };
        let amount = self.param(&with(at, key), amount, domain);
        Some(Effect { target, op, amount })
    }

    fn target(&mut self, at: &Path, text: &str, names: &Names<'_>, actors: &[Actor]) -> Option<Target> {
        let parts: Vec<&str> = text.split('.').collect();
        let actor = |name: &str| actors.iter().position(|a| a.id == name).map(ActorId);
        let resolved = match parts.as_slice() {
            ["state", ..] | ["influence", ..] => match Metric::parse(text, names) {
                Ok(Metric::State(v)) => Some(Target::State(v)),
                Ok(Metric::Influence { client, patron }) => Some(Target::Influence { client, patron }),
                _ => self.params.find(text).map(Target::Param),
            },
            ["trust", a, _] | ["trust_baseline", a, _]
                if actor(a).is_some_and(|x| actors[x.0].organization.is_some()) =>
            {
                let org = actors[actor(a).expect("checked").0].organization.as_ref().expect("checked");
                let members: Vec<&str> = org.members.iter().map(|m| actors[m.0].id.as_str()).collect();
                self.error(at, org_trust_error(a, &members));
                return None;
            }
            ["trust", a, b] | ["trust_baseline", a, b] => match (actor(a), actor(b)) {
                (Some(x), Some(y)) if x != y => {
                    Some(if parts[0] == "trust" { Target::Trust(x, y) } else { Target::TrustBaseline(x, y) })
                }
                _ => None,
            },
            ["issues", k, "active"] => names.issues.iter().position(|i| i == k).map(Target::IssueActive),
            _ => self.params.find(text).map(Target::Param),
        };
        if resolved.is_none() {
            let candidates: Vec<String> = self.params.iter().map(|(_, p)| p.path.clone()).collect();
            let mut d = Diagnostic::new("", format!("`{text}` is not something an event can change"))
                .expected("state.NAME, trust.A.B, trust_baseline.A.B, influence.CLIENT.PATRON, issues.ID.active, or the path of a scenario parameter");
            if let Err(e) = Metric::parse(text, names)
                && matches!(parts[0], "state" | "influence" | "trust")
            {
                d = d.help_opt(e.suggestion.map(|s| format!("did you mean `{s}`?")));
            }
            if d.help.is_none() {
                d = d.help_opt(did_you_mean(text, candidates.iter().map(String::as_str)));
            }
            self.error(at, d);
        }
        resolved
    }
}
