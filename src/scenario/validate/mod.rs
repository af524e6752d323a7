//! From file data to a checked [`Scenario`]: every name resolved, every number registered
//! with its path, domain and source, every problem reported with its key path.
//!
//! This module holds the [`Validator`] (the diagnostics collected so far and the parameter
//! table being filled), the entry point [`parse`], and what every section shares: parameter
//! registration with source inheritance, distributions, name resolution and metric paths.
//! Each file-level table of the format is checked in a file of its own, in the order
//! [`Validator::scenario`] calls them (that order is the order of the parameter table, and so
//! of the columns of `runs.csv`): `calendar` (`[scenario]`, time, `dimensions`, `[model]`
//! settings), `actors` (with organizations and behaviour), `trust`, `influence`, `state`,
//! `issues`, `outcomes` (with conditions and the recorded metrics), `events` and `posterior`
//! (joint samples of parameters of any section). To add a
//! section: a field in `file::ScenarioFile`, a file here with an `impl Validator` block that
//! checks it, and one call in `scenario`.

mod actors;
mod calendar;
mod calibration;
mod events;
mod influence;
mod issues;
mod outcomes;
mod posterior;
mod state;
mod trust;
mod uncertainty;

use serde::Deserialize;
use toml::de::DeTable;

pub(super) use events::adhoc as adhoc_inject;
use outcomes::recorded_metrics;

use super::diagnostic::{self, Diagnostic, Seg, did_you_mean, join};
use super::file::*;
use super::inherit::SourceFiles;
use super::keys::FormatKeys;
use super::{NameLists, Scenario};
use crate::model::calendar::{Calendar, Period};
use crate::model::metric::{Metric, Names};
use crate::model::param::{Distribution, Domain, Param, ParamId, ParamTable, show};

/// The most actors a scenario may have: each pair of actors has trust and ties, so memory and
/// work grow with the square of this.
pub const MAX_ACTORS: usize = 1_000;

/// The most issues, state variables, outcomes or events a scenario may have.
pub const MAX_ELEMENTS: usize = 5_000;

pub(super) fn parse(files: &SourceFiles) -> Result<Scenario, Vec<Diagnostic>> {
    let doc = files.merged()?;
    let total = files.files.last().map_or(0, |f| f.base + f.text.len());
    let file = ScenarioFile::deserialize(toml::de::Deserializer::from(toml::Spanned::new(0..total, doc.clone())))
        .map_err(|e| vec![toml_error(&e, files, Some(&doc))])?;
    let mut v = Validator::default();
    // Sizes first: a scenario of tens of thousands of actors is refused before anything the
    // size of actors × actors is built.
    v.sizes(&file);
    let scenario = v.diags.is_empty().then(|| v.scenario(&file));
    if let (true, Some(scenario)) = (v.diags.is_empty(), scenario) {
        Ok(scenario)
    } else {
        // A shared default that is wrong is reported once, not once per actor.
        let mut seen = std::collections::HashSet::new();
        v.diags.retain(|(path, _, d)| seen.insert((join(path), d.message.clone())));
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
            let keys = FormatKeys::get();
            if d.help.is_none() && keys.all.contains(&wrong) {
                d.help = Some(format!(
                    "`{wrong}` belongs to another table: in TOML a key belongs to the nearest [header] above it, so move `{wrong} = ...` above that header"
                ));
            }
            if keys.top_level_values.contains(&wrong) {
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

    /// Refuses a scenario with more elements of a kind than [`MAX_ACTORS`] or
    /// [`MAX_ELEMENTS`], at the first one too many.
    fn sizes(&mut self, f: &ScenarioFile) {
        let tables: [(&str, Vec<&String>, usize); 5] = [
            ("actors", f.actors.keys().collect(), MAX_ACTORS),
            ("issues", f.issues.keys().collect(), MAX_ELEMENTS),
            ("state", f.state.keys().collect(), MAX_ELEMENTS),
            ("outcomes", f.outcomes.keys().collect(), MAX_ELEMENTS),
            ("events", f.events.keys().collect(), MAX_ELEMENTS),
        ];
        for (table, keys, max) in tables {
            if let Some(first_over) = keys.get(max) {
                let message = format!("{} {table}: more than the {max} a scenario may have", keys.len());
                self.error_on_key(&path(&[table, first_over]), Diagnostic::new("", message));
            }
        }
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
        self.params.push(Param {
            path: dotted(at),
            domain,
            dist,
            source,
            source_from,
            defaulted: false,
            uncertainty: None,
        })
    }

    /// Registers a value the file leaves implicit, inheriting the enclosing table's source when
    /// `inherit` (an interest not listed is covered by the actor's source; a built-in default
    /// is covered by nothing).
    fn implicit(&mut self, at: &Path, value: f64, domain: Domain, inherit: bool) -> ParamId {
        let (source, source_from) = if inherit { self.inherited_source() } else { (None, None) };
        let dist = Distribution::Fixed { value };
        self.params.push(Param {
            path: dotted(at),
            domain,
            dist,
            source,
            source_from,
            defaulted: true,
            uncertainty: None,
        })
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
                    uncertainty: None,
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

    /// Checks every section. The order of the calls is the order in which parameters are
    /// registered, which fixes the parameter table, the sampling order and the columns of
    /// `runs.csv`: a new section goes after those whose names it refers to.
    fn scenario(&mut self, f: &ScenarioFile) -> Scenario {
        let meta = &f.scenario;
        let calendar = self.calendar(meta);
        let runs = self.runs(meta);
        let window = self.window(&f.model);
        let dimensions = self.dimensions(&f.dimensions);
        let (actor_ids, actors) = self.actors(f, &dimensions);
        let trust = self.trust(f, &actors, &actor_ids);
        let influence = self.influence(f, &actors, &actor_ids);
        let horizon =
            self.param_or(&path(&["model", "horizon"]), f.model.horizon.as_ref(), None, 1.0, Domain::Range(0.0, 100.0));
        let keep_at_start = self.opt_param(
            &path(&["model", "keep_at_start"]),
            f.model.keep_at_start.as_ref(),
            Domain::Range(0.5, 0.999),
        );
        let objection = self.opt_param(&path(&["model", "objection"]), f.model.objection.as_ref(), Domain::NonNegative);

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
        let participants = self.participants(&f.issues, &actor_ids);
        let names_store = NameLists {
            actors: actor_ids.clone(),
            state: state_ids.clone(),
            issues: issue_ids.clone(),
            participants: participants.clone(),
            domains: influence.domains.clone(),
            clients: influence.clients.clone(),
            patrons: influence.patrons.clone(),
            outcomes: outcome_ids.clone(),
            events: event_ids.clone(),
        };
        let names = Names {
            actors: &names_store.actors,
            state: &names_store.state,
            issues: &names_store.issues,
            participants: &names_store.participants,
            domains: &names_store.domains,
            clients: &names_store.clients,
            patrons: &names_store.patrons,
            outcomes: &names_store.outcomes,
            events: &names_store.events,
        };

        let state = self.state(&f.state, &names);
        let mut issues = self.issues(&f.issues, &participants, &dimensions, &names);
        let mut actors = actors;
        self.memberships(&mut issues, &mut actors, &f.issues);
        let outcomes = self.outcomes(&f.outcomes, &names);
        let events = self.events(
            &f.events,
            calendar.as_ref(),
            events::Known { names: &names, actors: &actors, issues: &issues },
        );
        self.uncertainty(&f.uncertainty);
        // Last: it refers to parameters of every section.
        self.posterior(f.posterior.as_ref());
        self.calibration(f.calibration.as_ref());

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
            horizon,
            keep_at_start,
            objection,
            series,
            names: names_store,
            files: Vec::new(),
        }
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
