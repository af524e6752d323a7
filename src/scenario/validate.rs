//! From file data to a checked [`Scenario`]: every name resolved, every number registered
//! with its path, domain and source, every problem reported with its key path.

use serde::Deserialize;
use toml::de::DeTable;

use super::diagnostic::{self, Diagnostic, Seg, did_you_mean, join};
use super::file::*;
use super::inherit::SourceFiles;
use super::{Influence, NameLists, Scenario, StateVar};
use crate::model::actor::{Actor, ActorId, ActorKind, Behaviour, DecisionRule, Organization, RuleKind};
use crate::model::calendar::{Calendar, Period};
use crate::model::events::{Effect, Event, Op, Target, Trigger};
use crate::model::issue::{DimPayoff, Issue, IssueKind, Linear, PublicGood};
use crate::model::metric::{Metric, Names};
use crate::model::outcome::{Condition, Outcome};
use crate::model::param::{Distribution, Domain, Param, ParamId, ParamTable, show};

/// Built-in behaviour where neither the actor nor `[defaults.behaviour]` gives one.
const BEHAVIOUR_DEFAULTS: [(&str, f64, Domain); 6] = [
    ("rationality", 4.0, Domain::NonNegative),
    ("trust_gain", 0.3, Domain::UNIT),
    ("trust_loss", 0.5, Domain::UNIT),
    ("forgiveness", 0.1, Domain::UNIT),
    ("error", 0.02, Domain::Range(0.0, 0.5)),
    ("pressure", 0.0, Domain::NonNegative),
];

pub(super) fn parse(files: &SourceFiles) -> Result<Scenario, Vec<Diagnostic>> {
    let doc = files.merged()?;
    let total = files.files.last().map_or(0, |f| f.base + f.text.len());
    let file = ScenarioFile::deserialize(toml::de::Deserializer::from(toml::Spanned::new(0..total, doc.clone())))
        .map_err(|e| vec![toml_error(&e, files, Some(&doc))])?;
    let mut v = Validator::default();
    let scenario = v.scenario(&file);
    if v.diags.is_empty() {
        Ok(scenario)
    } else {
        // A shared default that is wrong is reported once, not once per actor.
        let mut seen = Vec::new();
        v.diags.retain(|(path, _, d)| {
            let key = (path.clone(), d.message.clone());
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        });
        Err(v
            .diags
            .into_iter()
            .map(|(path, on_key, mut d)| {
                d.key = join(&path);
                d.location = diagnostic::span_of(&doc, &path, on_key).and_then(|s| files.locate(s));
                d
            })
            .collect())
    }
}

/// A TOML syntax error or a serde type error, with a suggestion for unknown keys.
fn toml_error(e: &toml::de::Error, files: &SourceFiles, doc: Option<&DeTable<'_>>) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::new("", first_line(&message));
    if let Some(span) = e.span() {
        d.location = files.locate(span.clone());
        if let Some(doc) = doc {
            d.key = join(&diagnostic::path_at(doc, &span));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((wrong, expected)) = rest.split_once('`') {
            let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            d.expected = Some(format!("one of {}", names.join(", ")));
            d.help = did_you_mean(wrong, names.iter().copied());
            if d.help.is_none() && ALL_KEYS.contains(&wrong) {
                d.help = Some(format!(
                    "`{wrong}` belongs to another table: in TOML a key belongs to the nearest [header] above it, so move `{wrong} = ...` above that header"
                ));
            }
            if TOP_LEVEL_KEYS.contains(&wrong) {
                d.help = Some(format!(
                    "`{wrong}` is a top-level key: in TOML every key after a [table] header belongs to that table, so put `{wrong} = ...` before the first header"
                ));
            }
        }
    } else if let Some((_, variants)) = message.split_once("expected one of ") {
        d.expected = Some(variants.replace('`', ""));
    }
    d
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}

/// Keys of the file's top level that are not tables (and so must come before any header).
const TOP_LEVEL_KEYS: [&str; 1] = ["dimensions"];

/// Every key of every table of the format, to recognise a key written under the wrong header.
const ALL_KEYS: [&str; 48] = [
    "scenario",
    "dimensions",
    "model",
    "defaults",
    "actors",
    "trust",
    "state",
    "influence",
    "issues",
    "events",
    "outcomes",
    "name",
    "description",
    "question",
    "start",
    "end",
    "step",
    "runs",
    "seed",
    "cooperation_window",
    "influence_relaxation",
    "behaviour",
    "kind",
    "capability",
    "interests",
    "members",
    "rule",
    "leader",
    "weights",
    "threshold",
    "veto",
    "label",
    "initial",
    "target",
    "rate",
    "drivers",
    "sides",
    "payoffs",
    "participants",
    "efficacy",
    "harm_dimension",
    "exposure",
    "cost",
    "salience",
    "on_mutual",
    "influence_gain",
    "effects",
    "reach",
];

type Path = Vec<Seg>;

fn path(parts: &[&str]) -> Path {
    parts.iter().map(|p| Seg::Key((*p).to_string())).collect()
}

fn with(base: &Path, key: &str) -> Path {
    let mut p = base.clone();
    p.push(Seg::Key(key.to_string()));
    p
}

fn with_index(base: &Path, i: usize) -> Path {
    let mut p = base.clone();
    p.push(Seg::Index(i));
    p
}

#[derive(Default)]
struct Validator {
    diags: Vec<(Path, bool, Diagnostic)>,
    params: ParamTable,
    /// The key path and `source` of the table being read, which its values inherit.
    context: Option<(String, String)>,
}

impl Validator {
    fn error(&mut self, at: &Path, d: Diagnostic) {
        self.diags.push((at.clone(), false, d));
    }

    fn error_on_key(&mut self, at: &Path, d: Diagnostic) {
        self.diags.push((at.clone(), true, d));
    }

    /// Registers a parameter given in the file. Without a `source` of its own it inherits the
    /// enclosing table's.
    fn param(&mut self, at: &Path, p: &ParamFile, domain: Domain) -> ParamId {
        let dist = self.distribution(at, p, domain);
        let (source, source_from) = match &p.source {
            Some(s) => (Some(s.clone()), None),
            None => self.inherited_source(),
        };
        self.params.push(Param { path: dotted(at), domain, dist, source, source_from, defaulted: false })
    }

    /// Registers a value the file leaves implicit, inheriting the enclosing table's source when
    /// `inherit` (an interest not listed is covered by the actor's source; a built-in default
    /// is covered by nothing).
    fn implicit(&mut self, at: &Path, value: f64, domain: Domain, inherit: bool) -> ParamId {
        let (source, source_from) = if inherit { self.inherited_source() } else { (None, None) };
        let dist = Distribution::Fixed { value };
        self.params.push(Param { path: dotted(at), domain, dist, source, source_from, defaulted: true })
    }

    fn inherited_source(&self) -> (Option<String>, Option<String>) {
        match &self.context {
            Some((path, source)) => (Some(source.clone()), Some(path.clone())),
            None => (None, None),
        }
    }

    /// Runs `f` with `source` (of the table at `at`) as the one its values inherit.
    fn within<T>(&mut self, at: &[&str], source: &Option<String>, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.context.take();
        self.context = source.as_ref().map(|s| (join(&path(at)), s.clone()));
        let out = f(self);
        self.context = saved;
        out
    }

    /// Registers a parameter the file may omit: the given value, else `fallback` (from a
    /// defaults table), else the built-in `value`.
    fn param_or(
        &mut self,
        at: &Path,
        p: Option<&ParamFile>,
        fallback: Option<&ParamFile>,
        value: f64,
        domain: Domain,
    ) -> ParamId {
        match (p, fallback) {
            (Some(p), _) => self.param(at, p, domain),
            (None, Some(f)) => {
                let key = at.last().cloned().into_iter().collect::<Vec<_>>();
                let defaults_at: Path = path(&["defaults", "behaviour"]).into_iter().chain(key).collect();
                let dist = self.distribution(&defaults_at, f, domain);
                self.params.push(Param {
                    path: dotted(at),
                    domain,
                    dist,
                    source: f.source.clone(),
                    source_from: None,
                    defaulted: true,
                })
            }
            (None, None) => self.implicit(at, value, domain, false),
        }
    }

    fn opt_param(&mut self, at: &Path, p: Option<&ParamFile>, domain: Domain) -> Option<ParamId> {
        p.map(|p| self.param(at, p, domain))
    }

    fn distribution(&mut self, at: &Path, p: &ParamFile, domain: Domain) -> Distribution {
        let fallback = Distribution::Fixed { value: domain.bounds().0.max(0.0).min(domain.bounds().1) };
        let keys: [(&str, bool); 10] = [
            ("value", p.value.is_some()),
            ("low", p.low.is_some()),
            ("high", p.high.is_some()),
            ("mean", p.mean.is_some()),
            ("sd", p.sd.is_some()),
            ("mode", p.mode.is_some()),
            ("alpha", p.alpha.is_some()),
            ("beta", p.beta.is_some()),
            ("values", p.values.is_some()),
            ("weights", p.weights.is_some()),
        ];
        let (dist_name, allowed): (&str, &[&str]) = match p.dist.as_deref() {
            None => ("fixed", &["value"]),
            Some("uniform") => ("uniform", &["low", "high"]),
            Some("normal") => ("normal", &["mean", "sd", "low", "high"]),
            Some("triangular") => ("triangular", &["low", "mode", "high"]),
            Some("beta") => ("beta", &["alpha", "beta", "low", "high"]),
            Some("choice") => ("choice", &["values", "weights"]),
            Some(other) => {
                let kinds = ["uniform", "normal", "triangular", "beta", "choice"];
                self.error(
                    &with(at, "dist"),
                    Diagnostic::new("", format!("unknown distribution `{other}`"))
                        .expected(kinds.join(", "))
                        .help_opt(did_you_mean(other, kinds)),
                );
                return fallback;
            }
        };
        let mut ok = true;
        for (key, present) in keys {
            if present && !allowed.contains(&key) {
                let what = if dist_name == "fixed" {
                    "a fixed value (add `dist = ...` for a distribution)".to_string()
                } else {
                    format!("a {dist_name} distribution")
                };
                self.error(
                    &with(at, key),
                    Diagnostic::new("", format!("`{key}` does not apply to {what}"))
                        .expected(format!("keys {}", allowed.join(", "))),
                );
                ok = false;
            }
        }
        let need = |v: &mut Self, key: &str, x: Option<f64>| -> Option<f64> {
            if x.is_none() {
                v.error(
                    at,
                    Diagnostic::new("", format!("a {dist_name} parameter needs `{key}`"))
                        .expected(format!("keys {}", allowed.join(", "))),
                );
            }
            x
        };
        let (lo, hi) = domain.bounds();
        // A normal on a positive domain is truncated just above 0, not at it.
        let lo = if domain == Domain::Positive { f64::MIN_POSITIVE } else { lo };
        let built = match dist_name {
            "fixed" => match p.value {
                Some(value) => Ok(Distribution::Fixed { value }),
                None => {
                    self.error(
                        at,
                        Diagnostic::new("", "a parameter table needs `value` or `dist`")
                            .expected("{ value = 0.5 } or { dist = \"uniform\", low = 0.4, high = 0.6 }"),
                    );
                    return fallback;
                }
            },
            "uniform" => match (need(self, "low", p.low), need(self, "high", p.high)) {
                (Some(l), Some(h)) => Distribution::new_uniform(l, h),
                _ => return fallback,
            },
            "normal" => match (need(self, "mean", p.mean), need(self, "sd", p.sd)) {
                (Some(m), Some(s)) => Distribution::new_normal(m, s, p.low.unwrap_or(lo), p.high.unwrap_or(hi)),
                _ => return fallback,
            },
            "triangular" => match (need(self, "low", p.low), need(self, "mode", p.mode), need(self, "high", p.high)) {
                (Some(l), Some(m), Some(h)) => Distribution::new_triangular(l, m, h),
                _ => return fallback,
            },
            "beta" => match (need(self, "alpha", p.alpha), need(self, "beta", p.beta)) {
                (Some(a), Some(b)) => Distribution::new_beta(a, b, p.low.unwrap_or(0.0), p.high.unwrap_or(1.0)),
                _ => return fallback,
            },
            "choice" => match need(self, "values", p.values.as_ref().map(|_| 0.0)) {
                Some(_) => Distribution::new_choice(p.values.clone().unwrap_or_default(), p.weights.clone()),
                None => return fallback,
            },
            _ => unreachable!("dist names matched above"),
        };
        if !ok {
            return fallback;
        }
        let dist = match built {
            Ok(d) => d,
            Err(msg) => {
                self.error(at, Diagnostic::new("", msg));
                return fallback;
            }
        };
        let (s_lo, s_hi) = dist.support();
        if !domain.covers(s_lo, s_hi) {
            let got = if s_lo == s_hi { show(s_lo) } else { format!("values from {} to {}", show(s_lo), show(s_hi)) };
            let key = if dist_name == "fixed" && p.source.is_some() { with(at, "value") } else { at.clone() };
            self.error(&key, Diagnostic::new("", format!("out of range: got {got}")).expected(domain.describe()));
            return fallback;
        }
        dist
    }

    fn scenario(&mut self, f: &ScenarioFile) -> Scenario {
        let meta = &f.scenario;
        let calendar = self.calendar(meta);
        let runs = meta.runs.unwrap_or(1000);
        if runs == 0 || runs > 1_000_000_000 {
            self.error(
                &path(&["scenario", "runs"]),
                Diagnostic::new("", format!("{runs} runs is not a usable default"))
                    .expected("a whole number from 1 to 1000000000"),
            );
        }
        let window = f.model.cooperation_window.unwrap_or(4);
        if !(1..=64).contains(&window) {
            self.error(
                &path(&["model", "cooperation_window"]),
                Diagnostic::new("", format!("a window of {window} turns is not supported"))
                    .expected("a whole number from 1 to 64"),
            );
        }

        // Dimensions.
        let mut dimensions: Vec<String> = Vec::new();
        if f.dimensions.is_empty() {
            self.error(
                &path(&["dimensions"]),
                Diagnostic::new("", "no interest dimensions").expected("a list such as [\"security\", \"economy\"]"),
            );
        }
        for (i, d) in f.dimensions.iter().enumerate() {
            let at = with_index(&path(&["dimensions"]), i);
            if !is_identifier(d) {
                self.error(
                    &at,
                    Diagnostic::new("", format!("`{d}` is not a usable name"))
                        .expected("lowercase letters, digits and _"),
                );
            } else if dimensions.contains(d) {
                self.error(&at, Diagnostic::new("", format!("dimension `{d}` is listed twice")));
            }
            dimensions.push(d.clone());
        }

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
                    v.actor(id, a, &f.defaults.behaviour, &dimensions, &actor_ids)
                })
            })
            .collect();
        let n = actors.len();
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

        // Trust.
        let default_trust = self.param_or(&path(&["model", "trust"]), f.model.trust.as_ref(), None, 0.5, Domain::UNIT);
        let mut trust: Vec<Option<ParamId>> = (0..n * n).map(|i| (i / n != i % n).then_some(default_trust)).collect();
        for (a, row) in &f.trust {
            let at = path(&["trust", a]);
            let Some(ai) = self.resolve_actor_key(&at, a, &actor_ids) else { continue };
            if let Some(org) = &actors[ai].organization {
                let members: Vec<&str> = org.members.iter().map(|m| actor_ids[m.0].as_str()).collect();
                self.error_on_key(&at, org_trust_error(a, &members));
                continue;
            }
            for (b, p) in row {
                let at_b = with(&at, b);
                let Some(bi) = self.resolve_actor_key(&at_b, b, &actor_ids) else {
                    continue;
                };
                if ai == bi {
                    self.error_on_key(
                        &at_b,
                        Diagnostic::new("", format!("`{a}` cannot be given trust in itself"))
                            .help("an actor's trust in itself is always 1; remove this line"),
                    );
                    continue;
                }
                trust[ai * n + bi] = Some(self.param(&at_b, p, Domain::UNIT));
            }
        }

        // Influence.
        let influence = self.influence(f, &actors, &actor_ids);

        // Issues, state and outcome names (metrics refer to all of them).
        let state_ids: Vec<String> = f.state.keys().cloned().collect();
        let issue_ids: Vec<String> = f.issues.keys().cloned().collect();
        let outcome_ids: Vec<String> = f.outcomes.keys().cloned().collect();
        let event_ids: Vec<String> = f.events.keys().cloned().collect();
        for (table, ids) in
            [("state", &state_ids), ("issues", &issue_ids), ("outcomes", &outcome_ids), ("events", &event_ids)]
        {
            for id in ids.iter() {
                if !is_identifier(id) {
                    self.error_on_key(
                        &path(&[table, id]),
                        Diagnostic::new("", format!("`{id}` is not a usable name"))
                            .expected("lowercase letters, digits and _ (the name is used in metric paths)"),
                    );
                }
            }
        }
        let participants: Vec<Vec<ActorId>> = f
            .issues
            .iter()
            .map(|(id, issue)| {
                let (key, list) = match issue.kind {
                    IssueKindFile::Dyadic => ("sides", &issue.sides),
                    IssueKindFile::PublicGood => ("participants", &issue.participants),
                };
                let at = path(&["issues", id, key]);
                let mut out = Vec::new();
                for (i, name) in list.iter().enumerate() {
                    if let Some(a) = self.resolve_actor(&with_index(&at, i), name, &actor_ids) {
                        if out.contains(&ActorId(a)) {
                            self.error(&with_index(&at, i), Diagnostic::new("", format!("`{name}` is listed twice")));
                        } else {
                            out.push(ActorId(a));
                        }
                    }
                }
                out
            })
            .collect();
        let names_store = NameLists {
            actors: actor_ids.clone(),
            state: state_ids.clone(),
            issues: issue_ids.clone(),
            participants: participants.clone(),
            clients: influence.clients.clone(),
            patrons: influence.patrons.clone(),
            outcomes: outcome_ids.clone(),
        };
        let names = Names {
            actors: &names_store.actors,
            state: &names_store.state,
            issues: &names_store.issues,
            participants: &names_store.participants,
            clients: &names_store.clients,
            patrons: &names_store.patrons,
            outcomes: &names_store.outcomes,
        };

        let state: Vec<StateVar> = f
            .state
            .iter()
            .map(|(id, s)| self.within(&["state", id], &s.source, |v| v.state_var(id, s, &names)))
            .collect();
        let issues: Vec<Issue> = f
            .issues
            .iter()
            .zip(&participants)
            .map(|((id, issue), parts)| {
                self.within(&["issues", id], &issue.source, |v| v.issue(id, issue, parts, &dimensions, &names))
            })
            .collect();
        let outcomes: Vec<Outcome> = f
            .outcomes
            .iter()
            .map(|(id, o)| {
                let at = path(&["outcomes", id]);
                let when = self.conditions(&with(&at, "when"), &o.when, &names);
                let for_turns = o.for_turns.unwrap_or(1);
                if for_turns == 0 {
                    self.error(
                        &with(&at, "for"),
                        Diagnostic::new("", "`for = 0` can never be observed").expected("a whole number of turns >= 1"),
                    );
                }
                if o.when.is_empty() {
                    self.error(
                        &with(&at, "when"),
                        Diagnostic::new("", "an outcome needs at least one condition")
                            .expected("when = [{ metric = \"...\", above = 0.5 }]"),
                    );
                }
                Outcome {
                    id: id.clone(),
                    label: o.label.clone().unwrap_or_else(|| id.clone()),
                    when,
                    for_turns: for_turns.max(1),
                    source: o.source.clone(),
                }
            })
            .collect();
        // Hazards first, so that any event's effect may target any event's hazard.
        let hazards: Vec<Option<ParamId>> = f
            .events
            .iter()
            .map(|(id, e)| {
                let at = path(&["events", id, "hazard"]);
                e.hazard.as_ref().map(|h| self.within(&["events", id], &e.source, |v| v.param(&at, h, Domain::UNIT)))
            })
            .collect();
        let events: Vec<Event> = f
            .events
            .iter()
            .zip(hazards)
            .map(|((id, e), hazard)| {
                self.within(&["events", id], &e.source, |v| v.event(id, e, hazard, calendar.as_ref(), &names, &actors))
            })
            .collect();

        // Only a valid scenario is recorded: with errors, issues may lack their sides.
        let series = if self.diags.is_empty() {
            recorded_metrics(&actors, &issues, &participants, &influence, state.len())
        } else {
            Vec::new()
        };
        Scenario {
            name: meta.name.clone(),
            description: meta.description.clone(),
            question: meta.question.clone(),
            source: meta.source.clone(),
            calendar: calendar.unwrap_or(Calendar {
                start: Period::new(2014, 0),
                end: Period::new(2014, 0),
                step: meta.step,
            }),
            runs,
            seed: meta.seed.unwrap_or(0),
            dimensions,
            actors,
            params: std::mem::take(&mut self.params),
            trust,
            state,
            influence,
            issues,
            events,
            outcomes,
            window,
            series,
            names: names_store,
            files: Vec::new(),
        }
    }

    fn calendar(&mut self, meta: &MetaFile) -> Option<Calendar> {
        let start = self.date(&path(&["scenario", "start"]), &meta.start);
        // A bare year as the end means the whole of that year.
        let end = self
            .date(&path(&["scenario", "end"]), &meta.end)
            .map(|p| if meta.end.trim().len() == 4 { Period::new(p.year(), 11) } else { p });
        let (start, end) = (start?, end?);
        if end < start {
            self.error(
                &path(&["scenario", "end"]),
                Diagnostic::new("", format!("the end ({end}) comes before the start ({start})"))
                    .help("swap `start` and `end`"),
            );
            return None;
        }
        let cal = Calendar { start, end, step: meta.step };
        if cal.turns() > 10_000 {
            self.error(
                &path(&["scenario", "end"]),
                Diagnostic::new("", format!("{} turns is more than the 10000 a scenario may have", cal.turns()))
                    .help("use a longer `step` or a nearer `end`"),
            );
            return None;
        }
        if start.months_since(Period::new(start.year(), 0)) % i64::from(meta.step.months()) != 0
            && meta.step != crate::model::calendar::Step::Month
        {
            self.error(
                &path(&["scenario", "start"]),
                Diagnostic::new("", format!("{start} does not begin a {}", format!("{:?}", meta.step).to_lowercase()))
                    .help("start quarters in January, April, July or October, and years in January"),
            );
        }
        Some(cal)
    }

    fn date(&mut self, at: &Path, text: &str) -> Option<Period> {
        let p = Period::parse(text);
        if p.is_none() {
            self.error(
                at,
                Diagnostic::new("", format!("`{text}` is not a date"))
                    .expected("a quarter such as 2014-Q1, a month such as 2014-03, or a year such as 2014"),
            );
        }
        p
    }

    fn resolve_actor(&mut self, at: &Path, name: &str, ids: &[String]) -> Option<usize> {
        let found = ids.iter().position(|a| a == name);
        if found.is_none() {
            self.error(at, unknown("actor", name, ids));
        }
        found
    }

    fn resolve_actor_key(&mut self, at: &Path, name: &str, ids: &[String]) -> Option<usize> {
        let found = ids.iter().position(|a| a == name);
        if found.is_none() {
            self.error_on_key(at, unknown("actor", name, ids));
        }
        found
    }

    fn resolve_dimension(&mut self, at: &Path, name: &str, dims: &[String]) -> Option<usize> {
        let found = dims.iter().position(|d| d == name);
        if found.is_none() {
            self.error_on_key(at, unknown("interest dimension", name, dims));
        }
        found
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
        let b = &a.behaviour;
        let at_b = with(&at, "behaviour");
        let own = [&b.rationality, &b.trust_gain, &b.trust_loss, &b.forgiveness, &b.error, &b.pressure];
        let dflt = [
            &defaults.rationality,
            &defaults.trust_gain,
            &defaults.trust_loss,
            &defaults.forgiveness,
            &defaults.error,
            &defaults.pressure,
        ];
        let ids_b: Vec<ParamId> = BEHAVIOUR_DEFAULTS
            .iter()
            .zip(own.iter().zip(dflt))
            .map(|((key, value, domain), (own, dflt))| {
                self.param_or(&with(&at_b, key), own.as_ref(), dflt.as_ref(), *value, *domain)
            })
            .collect();
        let behaviour = Behaviour {
            rationality: ids_b[0],
            trust_gain: ids_b[1],
            trust_loss: ids_b[2],
            forgiveness: ids_b[3],
            error: ids_b[4],
            pressure: ids_b[5],
        };

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

    fn influence(&mut self, f: &ScenarioFile, actors: &[Actor], ids: &[String]) -> Influence {
        let mut inf = Influence::default();
        let mut rows: Vec<(usize, Vec<(usize, ParamId)>)> = Vec::new();
        for (client, row) in &f.influence {
            let at = path(&["influence", client]);
            let Some(c) = self.resolve_actor_key(&at, client, ids) else {
                continue;
            };
            if actors[c].kind == ActorKind::Organization {
                self.error_on_key(
                    &at,
                    Diagnostic::new(
                        "",
                        format!("`{client}` is an organization; influence shares are held over states"),
                    ),
                );
                continue;
            }
            let mut entries = Vec::new();
            for (patron, p) in row {
                let at_p = with(&at, patron);
                let Some(pi) = self.resolve_actor_key(&at_p, patron, ids) else {
                    continue;
                };
                if pi == c {
                    self.error_on_key(
                        &at_p,
                        Diagnostic::new("", format!("`{client}` cannot hold influence over itself")),
                    );
                    continue;
                }
                let slot = match inf.patrons.iter().position(|x| x.0 == pi) {
                    Some(s) => s,
                    None => {
                        inf.patrons.push(ActorId(pi));
                        inf.patrons.len() - 1
                    }
                };
                entries.push((slot, self.param(&at_p, p, Domain::UNIT)));
            }
            if entries.is_empty() {
                self.error_on_key(
                    &at,
                    Diagnostic::new("", format!("`{client}` lists no patrons")).expected("PATRON = share pairs"),
                );
            }
            inf.clients.push(ActorId(c));
            rows.push((c, entries));
        }
        let np = inf.patrons.len();
        inf.shares = vec![None; rows.len() * np];
        for (ci, (_, entries)) in rows.iter().enumerate() {
            for (slot, id) in entries {
                inf.shares[ci * np + slot] = Some(*id);
            }
        }
        inf.relaxation = Some(self.param_or(
            &path(&["model", "influence_relaxation"]),
            f.model.influence_relaxation.as_ref(),
            None,
            0.0,
            Domain::UNIT,
        ));
        inf
    }

    fn metric(&mut self, at: &Path, text: &str, names: &Names<'_>, on_key: bool) -> Option<Metric> {
        match Metric::parse(text, names) {
            Ok(m) => Some(m),
            Err(e) => {
                let d = Diagnostic::new("", e.message)
                    .expected(e.expected)
                    .help_opt(e.suggestion.map(|s| format!("did you mean `{s}`?")));
                if on_key {
                    self.error_on_key(at, d)
                } else {
                    self.error(at, d)
                }
                None
            }
        }
    }

    fn linear(
        &mut self,
        at: &Path,
        base: Option<&ParamFile>,
        drivers: &indexmap::IndexMap<String, ParamFile>,
        names: &Names<'_>,
        base_domain: Domain,
    ) -> Linear {
        let base = self.opt_param(&with(at, "base"), base, base_domain);
        let at_d = with(at, "drivers");
        let terms = drivers
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&at_d, m);
                let metric = self.metric(&at_m, m, names, true)?;
                Some((metric, self.param(&at_m, p, Domain::Real)))
            })
            .collect();
        Linear { base, terms }
    }

    fn state_var(&mut self, id: &str, s: &StateVarFile, names: &Names<'_>) -> StateVar {
        let at = path(&["state", id]);
        let (min, max) = (s.min, s.max);
        let ok_range = Domain::Real.contains(min) && Domain::Real.contains(max) && min < max;
        if !ok_range {
            self.error(
                &with(&at, "max"),
                Diagnostic::new("", format!("the range [{}, {}] is empty or not finite", show(min), show(max)))
                    .expected("numbers from -1e6 to 1e6 with min < max"),
            );
        }
        let range = if ok_range { Domain::Range(min, max) } else { Domain::Real };
        let initial = self.param(&with(&at, "initial"), &s.initial, range);
        // The target sits under `target`; its drivers are a sibling table in the file.
        let base = self.opt_param(&with(&at, "target"), s.target.as_ref(), Domain::Real);
        let at_d = with(&at, "drivers");
        let terms = s
            .drivers
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&at_d, m);
                let metric = self.metric(&at_m, m, names, true)?;
                Some((metric, self.param(&at_m, p, Domain::Real)))
            })
            .collect();
        if s.rate.is_some() && s.target.is_none() && s.drivers.is_empty() {
            self.error(
                &with(&at, "rate"),
                Diagnostic::new("", "`rate` without a `target` or `drivers` has nothing to move toward")
                    .help("add `target = ...`"),
            );
        }
        if s.rate.is_none() && (s.target.is_some() || !s.drivers.is_empty()) {
            self.error(
                &at,
                Diagnostic::new("", format!("state `{id}` has a target but no `rate`, so it never moves toward it"))
                    .help("add `rate = ...` (the per-year fraction of the gap closed)"),
            );
        }
        let rate = self.opt_param(&with(&at, "rate"), s.rate.as_ref(), Domain::UNIT);
        StateVar {
            id: id.to_string(),
            label: s.label.clone().unwrap_or_else(|| id.to_string()),
            initial,
            min,
            max,
            target: Linear { base, terms },
            rate,
            source: s.source.clone(),
        }
    }

    fn issue(&mut self, id: &str, f: &IssueFile, parts: &[ActorId], dims: &[String], names: &Names<'_>) -> Issue {
        let at = path(&["issues", id]);
        let wrong_kind = |v: &mut Self, key: &str, present: bool, kind: &str| {
            if present {
                v.error(&with(&at, key), Diagnostic::new("", format!("`{key}` applies only to {kind} issues")));
            }
        };
        let kind = match f.kind {
            IssueKindFile::Dyadic => {
                for (key, present) in [
                    ("participants", !f.participants.is_empty()),
                    ("threat", f.threat.is_some()),
                    ("efficacy", f.efficacy.is_some()),
                    ("harm_dimension", f.harm_dimension.is_some()),
                    ("exposure", !f.exposure.is_empty()),
                    ("reach", !f.reach.is_empty()),
                    ("cost", !f.cost.is_empty()),
                ] {
                    wrong_kind(self, key, present, "public_good");
                }
                if f.sides.len() != 2 {
                    self.error(
                        &with(&at, "sides"),
                        Diagnostic::new("", format!("a dyadic issue has exactly two sides, got {}", f.sides.len()))
                            .expected("sides = [\"A\", \"B\"]"),
                    );
                }
                let mut payoffs: [Vec<DimPayoff>; 2] = [Vec::new(), Vec::new()];
                for (side, table) in &f.payoffs {
                    let at_s = with(&with(&at, "payoffs"), side);
                    let Some(si) = f.sides.iter().position(|s| s == side).filter(|&i| i < 2) else {
                        if parts.len() != f.sides.len() {
                            continue; // a side failed to resolve: that error says it all
                        }
                        self.error_on_key(
                            &at_s,
                            Diagnostic::new("", format!("`{side}` is not a side of `{id}`"))
                                .expected(format!("one of {}", f.sides.join(", ")))
                                .help_opt(did_you_mean(side, f.sides.iter().map(String::as_str))),
                        );
                        continue;
                    };
                    for (d, p) in table {
                        let at_d = with(&at_s, d);
                        let Some(di) = self.resolve_dimension(&at_d, d, dims) else {
                            continue;
                        };
                        let mut entry = |key: &str, v: &Option<ParamFile>| {
                            v.as_ref().map(|v| {
                                let mut pf = v.clone();
                                if pf.source.is_none() {
                                    pf.source = p.source.clone();
                                }
                                self.param(&with(&at_d, key), &pf, Domain::Real)
                            })
                        };
                        let dp = DimPayoff {
                            dimension: di,
                            reward: entry("reward", &p.reward),
                            sucker: entry("sucker", &p.sucker),
                            temptation: entry("temptation", &p.temptation),
                            punishment: entry("punishment", &p.punishment),
                        };
                        payoffs[si].push(dp);
                    }
                }
                if f.payoffs.is_empty() {
                    self.error(&at, Diagnostic::new("", format!("issue `{id}` has no payoffs")).expected("[issues.ID.payoffs.SIDE] tables with DIMENSION = { reward, sucker, temptation, punishment }"));
                }
                IssueKind::Dyadic { payoffs }
            }
            IssueKindFile::PublicGood => {
                for (key, present) in [("sides", !f.sides.is_empty()), ("payoffs", !f.payoffs.is_empty())] {
                    wrong_kind(self, key, present, "dyadic");
                }
                if f.participants.len() < 2 {
                    self.error(
                        &with(&at, "participants"),
                        Diagnostic::new("", "a public good needs at least two participants"),
                    );
                }
                let threat = match &f.threat {
                    Some(t) => {
                        let found = names.state.iter().position(|s| s == t);
                        if found.is_none() {
                            self.error(&with(&at, "threat"), unknown("state variable", t, names.state));
                        }
                        found
                    }
                    None => {
                        self.error(
                            &at,
                            Diagnostic::new("", "a public good needs `threat`")
                                .expected("the name of the state variable contributions lower"),
                        );
                        None
                    }
                };
                let harm = match &f.harm_dimension {
                    Some(h) => {
                        let found = dims.iter().position(|d| d == h);
                        if found.is_none() {
                            self.error(&with(&at, "harm_dimension"), unknown("interest dimension", h, dims));
                        }
                        found
                    }
                    None => {
                        self.error(
                            &at,
                            Diagnostic::new("", "a public good needs `harm_dimension`")
                                .expected("the interest dimension the threat harms, e.g. \"security\""),
                        );
                        None
                    }
                };
                let efficacy =
                    self.param_or(&with(&at, "efficacy"), f.efficacy.as_ref(), None, 0.0, Domain::NonNegative);
                if f.efficacy.is_none() {
                    self.error(
                        &at,
                        Diagnostic::new("", "a public good needs `efficacy`")
                            .expected("per-year threat reduction per unit of capability contributed"),
                    );
                }
                let exposure = self.per_participant(&at, id, "exposure", &f.exposure, &f.participants, None);
                let cost = f
                    .cost
                    .iter()
                    .filter_map(|(d, p)| {
                        let at_c = with(&with(&at, "cost"), d);
                        let di = self.resolve_dimension(&at_c, d, dims)?;
                        Some((di, self.param(&at_c, p, Domain::Real)))
                    })
                    .collect();
                let reach = self.per_participant(&at, id, "reach", &f.reach, &f.participants, Some(1.0));
                IssueKind::PublicGood(PublicGood {
                    reach,
                    threat: threat.unwrap_or(0),
                    efficacy,
                    harm_dimension: harm.unwrap_or(0),
                    exposure,
                    cost,
                })
            }
        };
        let salience = match &f.salience {
            Some(s) => self.linear(&with(&at, "salience"), s.base.as_ref(), &s.drivers, names, Domain::NonNegative),
            None => Linear { base: None, terms: Vec::new() },
        };
        let on_mutual = f
            .on_mutual
            .iter()
            .filter_map(|(m, p)| {
                let at_m = with(&with(&at, "on_mutual"), m);
                match self.metric(&at_m, m, names, true)? {
                    Metric::State(v) => Some((v, self.param(&at_m, p, Domain::Real))),
                    _ => {
                        self.error_on_key(
                            &at_m,
                            Diagnostic::new("", format!("`{m}` is not a state variable")).expected("state.NAME"),
                        );
                        None
                    }
                }
            })
            .collect();
        let influence_gain = self.opt_param(&with(&at, "influence_gain"), f.influence_gain.as_ref(), Domain::UNIT);
        Issue {
            id: id.to_string(),
            label: f.label.clone().unwrap_or_else(|| id.to_string()),
            active: f.active,
            participants: parts.to_vec(),
            kind,
            salience,
            on_mutual,
            influence_gain,
            source: f.source.clone(),
        }
    }

    /// A public good's `PARTICIPANT = value` table (exposure, reach): keys must be
    /// participants; a participant it omits takes `default`, or is an error without one.
    fn per_participant(
        &mut self,
        at: &Path,
        issue: &str,
        key: &str,
        table: &indexmap::IndexMap<String, ParamFile>,
        participants: &[String],
        default: Option<f64>,
    ) -> Vec<ParamId> {
        let at_t = with(at, key);
        for e in table.keys() {
            if !participants.contains(e) {
                self.error_on_key(
                    &with(&at_t, e),
                    Diagnostic::new("", format!("`{e}` is not a participant of `{issue}`"))
                        .help_opt(did_you_mean(e, participants.iter().map(String::as_str))),
                );
            }
        }
        participants
            .iter()
            .map(|p| match (table.get(p), default) {
                (Some(pf), _) => self.param(&with(&at_t, p), pf, Domain::NonNegative),
                (None, Some(value)) => self.implicit(&with(&at_t, p), value, Domain::NonNegative, true),
                (None, None) => {
                    self.error(
                        &at_t,
                        Diagnostic::new("", format!("participant `{p}` has no {key}"))
                            .expected(format!("{p} = a number >= 0 in the `{key}` table")),
                    );
                    self.implicit(&at_t, 0.0, Domain::NonNegative, false)
                }
            })
            .collect()
    }

    fn conditions(&mut self, at: &Path, list: &[ConditionFile], names: &Names<'_>) -> Vec<Condition> {
        list.iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let at_c = with_index(at, i);
                let metric = self.metric(&with(&at_c, "metric"), &c.metric, names, false);
                let (above, threshold) = match (c.above, c.below) {
                    (Some(x), None) => (true, x),
                    (None, Some(x)) => (false, x),
                    _ => {
                        self.error(
                            &at_c,
                            Diagnostic::new("", "a condition needs exactly one of `above` and `below`")
                                .expected("{ metric = \"...\", above = 0.7 }"),
                        );
                        return None;
                    }
                };
                if !threshold.is_finite() {
                    self.error(&at_c, Diagnostic::new("", format!("threshold {threshold} is not a finite number")));
                    return None;
                }
                Some(Condition { metric: metric?, above, threshold })
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

fn org_trust_error(org: &str, members: &[&str]) -> Diagnostic {
    Diagnostic::new("", format!("organization `{org}` has no trust of its own")).help(format!(
        "an organization's trust in others is its members' weighted mean: give trust to its members ({})",
        members.join(", ")
    ))
}

fn unknown(what: &str, name: &str, pool: &[String]) -> Diagnostic {
    let shown: Vec<&str> = pool.iter().map(String::as_str).take(12).collect();
    Diagnostic::new("", format!("unknown {what} `{name}`"))
        .expected(if shown.is_empty() {
            format!("a defined {what}")
        } else {
            format!("one of {}{}", shown.join(", "), if pool.len() > 12 { ", ..." } else { "" })
        })
        .help_opt(did_you_mean(name, pool.iter().map(String::as_str)))
}

fn dotted(p: &Path) -> String {
    join(p)
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// What `series.csv` records: every state variable, every influence share, the cooperation of
/// every issue and participant, and trust between the actors that deal with each other.
fn recorded_metrics(
    actors: &[Actor],
    issues: &[Issue],
    participants: &[Vec<ActorId>],
    influence: &Influence,
    n_state: usize,
) -> Vec<Metric> {
    let mut out: Vec<Metric> = (0..n_state).map(Metric::State).collect();
    for c in 0..influence.clients.len() {
        for p in 0..influence.patrons.len() {
            out.push(Metric::Influence { client: c, patron: p });
        }
    }
    for (k, parts) in participants.iter().enumerate() {
        out.push(Metric::Coop(k));
        out.push(Metric::CoopRate(k));
        for s in 0..parts.len() {
            out.push(Metric::CoopRateActor(k, s));
        }
    }
    // Trust pairs: partners in an issue, members toward their organization's partners, and
    // patrons toward their clients' partners (the pairs whose trust drives decisions).
    let mut pairs: Vec<(ActorId, ActorId)> = Vec::new();
    let mut add = |a: ActorId, b: ActorId| {
        if a != b && !pairs.contains(&(a, b)) {
            pairs.push((a, b));
        }
    };
    let deciders = |a: ActorId| -> Vec<ActorId> {
        let mut v = vec![a];
        if let Some(org) = &actors[a.0].organization {
            v.extend(org.members.iter().copied());
        }
        v
    };
    // Public goods are left out: every participant watches every other, which would add
    // O(participants²) series that no chart reads.
    let dyads = issues.iter().filter(|i| matches!(i.kind, crate::model::issue::IssueKind::Dyadic { .. }));
    for issue in dyads.clone() {
        let [a, b] = [issue.participants[0], issue.participants[1]];
        for (x, y) in [(a, b), (b, a)] {
            for d in deciders(x) {
                add(d, y);
            }
        }
    }
    for &p in &influence.patrons {
        for issue in dyads.clone() {
            for &b in &issue.participants {
                add(p, b);
            }
        }
    }
    out.extend(pairs.into_iter().map(|(a, b)| Metric::Trust(a, b)));
    out
}
