//! `[outcomes.ID]` and the conditions (`when`) outcomes and events share; and what
//! `series.csv` records.

use indexmap::IndexMap;

use super::{Path, Validator, path, with, with_index};
use crate::model::actor::{Actor, ActorId};
use crate::model::issue::Issue;
use crate::model::metric::{Metric, Names};
use crate::model::outcome::{Condition, Outcome};
use crate::scenario::Influence;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{ConditionFile, OutcomeFile, ThresholdFile};

impl Validator {
    pub(super) fn outcomes(&mut self, outcomes: &IndexMap<String, OutcomeFile>, names: &Names<'_>) -> Vec<Outcome> {
        outcomes
            .iter()
            .map(|(id, o)| {
                let at = path(&["outcomes", id]);
                let when = self.conditions(&with(&at, "when"), &o.when, names);
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
            .collect()
    }

    pub(super) fn conditions(&mut self, at: &Path, list: &[ConditionFile], names: &Names<'_>) -> Vec<Condition> {
        list.iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let at_c = with_index(at, i);
                let metric = self.metric(&with(&at_c, "metric"), &c.metric, names, false);
                let (above, threshold, key) = match (&c.above, &c.below) {
                    (Some(x), None) => (true, x, "above"),
                    (None, Some(x)) => (false, x, "below"),
                    _ => {
                        self.error(
                            &at_c,
                            Diagnostic::new("", "a condition needs exactly one of `above` and `below`")
                                .expected("{ metric = \"...\", above = 0.7 }"),
                        );
                        return None;
                    }
                };
                // A number, or another metric to compare with (`metric − other` against 0).
                let (other, threshold) = match threshold {
                    ThresholdFile::Number(x) if !x.is_finite() => {
                        self.error(&at_c, Diagnostic::new("", format!("threshold {x} is not a finite number")));
                        return None;
                    }
                    ThresholdFile::Number(x) => (None, *x),
                    ThresholdFile::Metric(path) => (Some(self.metric(&with(&at_c, key), path, names, false)?), 0.0),
                };
                Some(Condition { metric: metric?, other, above, threshold })
            })
            .collect()
    }
}

/// What `series.csv` records: every state variable, every influence share, the cooperation of
/// every issue (and of each contributor to a public good), and trust between the actors that
/// deal with each other.
pub(super) fn recorded_metrics(
    actors: &[Actor],
    issues: &[Issue],
    participants: &[Vec<ActorId>],
    influence: &Influence,
    n_state: usize,
) -> Vec<Metric> {
    let mut out: Vec<Metric> = (0..n_state).map(Metric::State).collect();
    for domain in 0..influence.domains.len() {
        for client in 0..influence.clients.len() {
            for patron in 0..influence.patrons.len() {
                out.push(Metric::Influence { domain, client, patron });
            }
        }
    }
    // Each participant's own rate only for public goods, where who contributes is the story:
    // a dyad's sides are read from its arrangement and the trust between them.
    for ((k, parts), issue) in participants.iter().enumerate().zip(issues) {
        out.push(Metric::Coop(k));
        out.push(Metric::CoopRate(k));
        if matches!(issue.kind, crate::model::issue::IssueKind::PublicGood(_)) {
            for s in 0..parts.len() {
                out.push(Metric::CoopRateActor(k, s));
            }
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
