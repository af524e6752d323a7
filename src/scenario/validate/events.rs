//! `[events.ID]`: scheduled and stochastic events, their conditions, and their effects on
//! state, trust, influence, issues and parameters (the targets an event can change).

use indexmap::IndexMap;

use super::trust::org_trust_error;
use super::{Path, Validator, did_you_mean, path, with, with_index};
use crate::model::actor::{Actor, ActorId};
use crate::model::calendar::Calendar;
use crate::model::events::{Effect, Event, Op, Target, Trigger};
use crate::model::issue::{Issue, IssueKind};
use crate::model::metric::{Metric, Names};
use crate::model::param::{Domain, ParamId};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{EffectFile, EventFile};

/// What an event's conditions and effects may name: metrics, actors, issues.
#[derive(Clone, Copy)]
pub(super) struct Known<'a> {
    pub names: &'a Names<'a>,
    pub actors: &'a [Actor],
    pub issues: &'a [Issue],
}

impl Validator {
    pub(super) fn events(
        &mut self,
        events: &IndexMap<String, EventFile>,
        calendar: Option<&Calendar>,
        known: Known<'_>,
    ) -> Vec<Event> {
        // Hazards first, so that any event's effect may target any event's hazard.
        let hazards: Vec<Option<ParamId>> = events
            .iter()
            .map(|(id, e)| {
                let at = path(&["events", id, "hazard"]);
                // With drivers, the base of a hazard may be negative: the drivers lift it.
                let domain = if e.hazard_drivers.is_empty() { Domain::UNIT } else { Domain::Range(-1.0, 1.0) };
                e.hazard.as_ref().map(|h| self.within(&["events", id], &e.source, |v| v.param(&at, h, domain)))
            })
            .collect();
        events
            .iter()
            .zip(hazards)
            .map(|((id, e), hazard)| {
                self.within(&["events", id], &e.source, |v| v.event(id, e, hazard, calendar, known))
            })
            .collect()
    }

    fn event(
        &mut self,
        id: &str,
        e: &EventFile,
        hazard: Option<ParamId>,
        cal: Option<&Calendar>,
        known: Known<'_>,
    ) -> Event {
        let Known { names, .. } = known;
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
            (None, Some(_)) => Trigger::Hazard {
                per_year: hazard.expect("registered with the event's hazard"),
                drivers: self.terms(&with(&at, "hazard_drivers"), &e.hazard_drivers, names),
                repeat: e.repeat,
            },
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
            .filter_map(|(i, ef)| self.effect(&with_index(&with(&at, "effects"), i), ef, known))
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
            forcing: e.forcing,
            source: e.source.clone(),
        }
    }

    fn effect(&mut self, at: &Path, ef: &EffectFile, known: Known<'_>) -> Option<Effect> {
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
        let target = self.target(&at_t, &ef.target, known)?;
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

    fn target(&mut self, at: &Path, text: &str, known: Known<'_>) -> Option<Target> {
        let Known { names, actors, issues } = known;
        let arrangements: Vec<usize> = issues
            .iter()
            .enumerate()
            .filter(|(_, i)| matches!(i.kind, IssueKind::Dyadic { arrangement: Some(_), .. }))
            .map(|(k, _)| k)
            .collect();
        let parts: Vec<&str> = text.split('.').collect();
        let actor = |name: &str| actors.iter().position(|a| a.id == name).map(ActorId);
        let resolved = match parts.as_slice() {
            ["state", ..] | ["influence", ..] => match Metric::parse(text, names) {
                Ok(Metric::State(v)) => Some(Target::State(v)),
                Ok(Metric::Influence { domain, client, patron }) => Some(Target::Influence { domain, client, patron }),
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
            ["issues", k, "in_force"] => match names.issues.iter().position(|i| i == k) {
                Some(i) if arrangements.contains(&i) => Some(Target::InForce(i)),
                Some(_) => {
                    self.error(
                        at,
                        Diagnostic::new("", format!("issue `{k}` is not an arrangement"))
                            .expected("the id of an issue with kind = \"arrangement\""),
                    );
                    return None;
                }
                None => None,
            },
            _ => self.params.find(text).map(Target::Param),
        };
        if resolved.is_none() {
            let candidates: Vec<String> = self.params.iter().map(|(_, p)| p.path.clone()).collect();
            let mut d = Diagnostic::new("", format!("`{text}` is not something an event can change"))
                .expected("state.NAME, trust.A.B, trust_baseline.A.B, influence.DOMAIN.CLIENT.PATRON, issues.ID.active, issues.ID.in_force, or the path of a scenario parameter");
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

/// An ad-hoc inject as a facilitator writes it: the same `effects` as a scenario event's.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InjectFile {
    label: Option<String>,
    effects: Vec<EffectFile>,
}

/// Checks an ad-hoc inject (`label = "..."`, `effects = [...]`, in a scenario event's
/// syntax) against a checked scenario, with the validator's own effect checks; amounts must
/// be numbers. `file` names the text in messages.
pub(in crate::scenario) fn adhoc(
    sc: &crate::scenario::Scenario,
    text: &str,
    file: &str,
) -> Result<crate::scenario::AdHocInject, Vec<Diagnostic>> {
    use crate::scenario::diagnostic::{SourceMap, join, span_of};
    use crate::scenario::inherit::{SourceFile, SourceFiles};
    let files = SourceFiles { files: vec![SourceFile { name: file.to_string(), text: text.to_string(), base: 0 }] };
    let doc = toml::de::DeTable::parse(text).map_err(|e| vec![super::toml_error(&e, &files, None)])?;
    let parsed: InjectFile = serde::Deserialize::deserialize(toml::de::Deserializer::from(doc.clone()))
        .map_err(|e| vec![super::toml_error(&e, &files, Some(doc.get_ref()))])?;
    let mut v = Validator { params: sc.params.clone(), ..Validator::default() };
    let names = sc.names();
    let known = Known { names: &names, actors: &sc.actors, issues: &sc.issues };
    let at = path(&["effects"]);
    if parsed.effects.is_empty() {
        v.error(
            &at,
            Diagnostic::new("", "an inject needs at least one effect")
                .expected("effects = [{ target = \"state.NAME\", add = 0.1 }]"),
        );
    }
    let mut effects = Vec::new();
    for (i, ef) in parsed.effects.iter().enumerate() {
        let at = with_index(&at, i);
        let Some(effect) = v.effect(&at, ef, known) else { continue };
        let key = match effect.op {
            Op::Set => "set",
            Op::Add => "add",
            Op::Scale => "scale",
        };
        match v.params.get(effect.amount).dist {
            crate::model::param::Distribution::Fixed { value } => effects.push((effect.target, effect.op, value)),
            _ => v.error(
                &with(&at, key),
                Diagnostic::new("", "an inject's amount is a number, not a distribution").expected("add = 0.1"),
            ),
        }
    }
    if !v.diags.is_empty() {
        return Err(v
            .diags
            .into_iter()
            .map(|(p, on_key, mut d)| {
                d.key = join(&p);
                d.location = span_of(doc.get_ref(), &p, on_key).map(|s| {
                    let mut loc = SourceMap::new(text).locate(s);
                    loc.file = Some(file.to_string());
                    loc
                });
                d
            })
            .collect());
    }
    Ok(crate::scenario::AdHocInject { label: parsed.label.unwrap_or_else(|| "ad-hoc inject".to_string()), effects })
}
