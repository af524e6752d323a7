//! Orders files: a team's decisions for one turn, in a small TOML file, for teams that are
//! not at the keyboard. `DIR/DATE/TEAM.toml`, e.g. `orders/2014-Q3/kazakhstan.toml`:
//!
//! ```toml
//! turn = "2014-Q3"                # the turn these orders are for
//! note = "We keep the route open" # optional: goes to the game's log
//! rest = "model"                  # optional: the model takes the decisions not listed
//!
//! [decisions]
//! transit_kazakhstan = "stay"     # stay / leave, join / stay_out, contribute / hold_back,
//!                                 # or cooperate / defect
//! # for a team with two participants in one issue:
//! # [decisions.transit_kazakhstan]
//! # kazakhstan = "stay"
//! # nato = "leave"
//! ```
//!
//! Every problem is reported as a located [`Diagnostic`], as a scenario's are: an unknown
//! issue, a decision the team does not take this turn, a word that is not a choice, a
//! decision missing, orders for another turn.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::de::DeTable;

use super::game::{Decision, DecisionKind, Game, GameError};
use crate::scenario::diagnostic::{Seg, SourceMap, did_you_mean, join, span_of};
use crate::scenario::{Diagnostic, ScenarioError};

/// Where team `team`'s orders for the turn dated `date` are: `DIR/DATE/TEAM.toml`.
pub fn orders_path(dir: &Path, date: &str, team: &str) -> PathBuf {
    dir.join(date).join(format!("{team}.toml"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrdersFile {
    turn: String,
    note: Option<String>,
    rest: Option<String>,
    #[serde(default)]
    decisions: IndexMap<String, Given>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Given {
    One(String),
    ByActor(IndexMap<String, String>),
}

/// A team's orders, checked against the coming turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Orders {
    /// The team's index.
    pub team: usize,
    /// Per decision: its slot and the choice (true: cooperate, stay in, join, contribute).
    pub choices: Vec<(usize, bool)>,
    /// The team's note, if any.
    pub note: Option<String>,
}

/// Reads team `team`'s orders from `text` (the file `file`) against the game's coming turn.
pub fn parse(game: &mut Game<'_>, team: usize, text: &str, file: &str) -> Result<Orders, ScenarioError> {
    let invalid = |diagnostics: Vec<Diagnostic>| ScenarioError::Invalid { file: file.to_string(), diagnostics };
    let locate = |doc: Option<&DeTable<'_>>, path: &[Seg], on_key: bool, mut d: Diagnostic| {
        d.key = join(path);
        d.location = doc.and_then(|doc| span_of(doc, path, on_key)).map(|s| SourceMap::new(text).locate(s));
        d
    };
    let doc = DeTable::parse(text).map_err(|e| {
        let mut d = Diagnostic::new("", e.message().trim().lines().next().unwrap_or("not TOML").to_string());
        d.location = e.span().map(|s| SourceMap::new(text).locate(s));
        invalid(vec![d])
    })?;
    let parsed: OrdersFile = OrdersFile::deserialize(toml::de::Deserializer::from(doc.clone())).map_err(|e| {
        let mut d = Diagnostic::new("", e.message().trim().lines().next().unwrap_or_default().to_string())
            .expected("turn = \"2014-Q3\", optional note and rest = \"model\", and a [decisions] table");
        if let Some(span) = e.span() {
            d.location = Some(SourceMap::new(text).locate(span.clone()));
            d.key = join(&crate::scenario::diagnostic::path_at(doc.get_ref(), &span));
        }
        if e.message().contains("data did not match any variant") {
            d.message = "a decision is a word, or a table of words by actor".into();
            d.expected = Some("transit_kazakhstan = \"stay\", or [decisions.ISSUE] with ACTOR = \"stay\"".into());
        }
        invalid(vec![d])
    })?;
    let doc = Some(doc.get_ref());
    let key = |k: &str| Seg::Key(k.to_string());
    let mut diags = Vec::new();
    let date = game.date();
    if parsed.turn.trim() != date {
        diags.push(locate(
            doc,
            &[key("turn")],
            false,
            Diagnostic::new("", format!("these orders are for {}, but the coming turn is {date}", parsed.turn))
                .expected(format!("turn = \"{date}\"")),
        ));
    }
    let rest_model = match parsed.rest.as_deref() {
        None => false,
        Some("model") => true,
        Some(other) => {
            diags.push(locate(
                doc,
                &[key("rest")],
                false,
                Diagnostic::new("", format!("`{other}` is not a way to take the remaining decisions"))
                    .expected("rest = \"model\""),
            ));
            false
        }
    };
    let mine: Vec<Decision> = game.decisions().iter().filter(|d| d.team == team).cloned().collect();
    let sc = game.scenario();
    let mut choices: Vec<(usize, bool)> = Vec::new();
    for (issue, given) in &parsed.decisions {
        let entries: Vec<(Option<&str>, &str, Vec<Seg>)> = match given {
            Given::One(w) => vec![(None, w.as_str(), vec![key("decisions"), key(issue)])],
            Given::ByActor(m) => m
                .iter()
                .map(|(a, w)| (Some(a.as_str()), w.as_str(), vec![key("decisions"), key(issue), key(a)]))
                .collect(),
        };
        for (actor, word, at) in entries {
            let decision = match game.find_decision(team, issue, actor) {
                Ok(d) => d,
                Err(e) => {
                    let at_key: &[Seg] = if actor.is_some() { &at } else { &at[..2] };
                    let d = match e {
                        GameError::UnknownIssue(i, help) => {
                            Diagnostic::new("", format!("no issue `{i}` in the scenario")).help_opt(help)
                        }
                        GameError::NotTheirs { help, .. } => {
                            let who = actor.map_or_else(|| game.teams()[team].name.clone(), str::to_string);
                            Diagnostic::new("", format!("{who} takes no decision on `{issue}` this turn"))
                                .help_opt(help)
                        }
                        other => Diagnostic::new("", other.to_string()),
                    };
                    diags.push(locate(doc, at_key, true, d));
                    continue;
                }
            };
            match decision.kind.parse(word) {
                Some(c) => {
                    choices.retain(|(s, _)| *s != decision.slot);
                    choices.push((decision.slot, c));
                }
                None => {
                    let (yes, no) = decision.kind.words();
                    let mut words = vec![yes.replace(' ', "_"), no.replace(' ', "_")];
                    if decision.kind != DecisionKind::Cooperate {
                        words.extend(["cooperate".to_string(), "defect".to_string()]);
                    }
                    diags.push(locate(
                        doc,
                        &at,
                        false,
                        Diagnostic::new("", format!("`{word}` is not a choice on `{issue}` this turn"))
                            .expected(format!("one of {}", words.join(", ")))
                            .help_opt(did_you_mean(word, words.iter().map(String::as_str))),
                    ));
                }
            }
        }
    }
    if !rest_model {
        let missing: Vec<&Decision> = mine.iter().filter(|d| !choices.iter().any(|(s, _)| *s == d.slot)).collect();
        if !missing.is_empty() {
            let lines: Vec<String> = missing
                .iter()
                .map(|d| {
                    let (yes, no) = d.kind.words();
                    format!("{} = \"{}\" or \"{}\"", sc.issues[d.issue].id, yes.replace(' ', "_"), no.replace(' ', "_"))
                })
                .collect();
            let issues: Vec<&str> = missing.iter().map(|d| sc.issues[d.issue].id.as_str()).collect();
            diags.push(locate(
                doc,
                &[key("decisions")],
                true,
                Diagnostic::new("", format!("no decision on {}", issues.join(", ")))
                    .expected(lines.join("; "))
                    .help("or rest = \"model\" to let the model take the decisions not listed"),
            ));
        }
    }
    if diags.is_empty() { Ok(Orders { team, choices, note: parsed.note }) } else { Err(invalid(diags)) }
}

impl Game<'_> {
    /// Submits checked orders (and logs their note).
    pub fn submit_orders(&mut self, orders: &Orders) -> Result<(), GameError> {
        let sc = self.scenario();
        let decisions: Vec<Decision> = self.decisions().to_vec();
        let name = self.teams()[orders.team].name.clone();
        for &(slot, c) in &orders.choices {
            let d = decisions.iter().find(|d| d.slot == slot && d.team == orders.team).ok_or_else(|| {
                GameError::NotTheirs { team: name.clone(), issue: format!("slot {slot}"), help: None }
            })?;
            let (issue, actor) = (sc.issues[d.issue].id.clone(), sc.actors[d.participant.0].id.clone());
            self.submit(&name, &issue, Some(&actor), c)?;
        }
        if let Some(note) = &orders.note {
            self.note(&name, note);
        }
        Ok(())
    }
}
