//! People's names for what the result tables identify by id: actors, issues, state
//! variables, outcomes, metric paths and sweep outputs.
//!
//! The names are the scenario's own, read from the manifest's labels; only a manifest
//! written before labels were recorded (or a label the scenario left out, which defaults to
//! its id) falls back to the id made readable by [`humanize`].

use indexmap::IndexMap;

use super::style::humanize;
use crate::results::labels::{Bound, Labels, OutcomeRule};

/// Names for the ids of one result set.
#[derive(Debug, Clone)]
pub(crate) struct Names<'a> {
    labels: &'a Labels,
    /// Words capitalized when an id is made readable (the actors' ids).
    proper: Vec<String>,
}

impl<'a> Names<'a> {
    /// `proper`: ids written with a capital when an id must be made readable.
    pub(crate) fn new(labels: &'a Labels, proper: Vec<String>) -> Names<'a> {
        Names { labels, proper }
    }

    fn pick(&self, map: &IndexMap<String, String>, id: &str) -> String {
        match map.get(id) {
            Some(label) if !label.trim().is_empty() && label != id => label.clone(),
            _ => humanize(id, &self.proper),
        }
    }

    pub(crate) fn actor(&self, id: &str) -> String {
        self.pick(&self.labels.actors, id)
    }

    pub(crate) fn issue(&self, id: &str) -> String {
        self.pick(&self.labels.issues, id)
    }

    pub(crate) fn state(&self, id: &str) -> String {
        self.pick(&self.labels.state, id)
    }

    pub(crate) fn outcome(&self, id: &str) -> String {
        self.pick(&self.labels.outcomes, id)
    }

    /// A metric path in words: `influence.economic.kazakhstan.china` → `China's share of economic influence in
    /// Kazakhstan`; an unknown kind of path is returned as it is.
    pub(crate) fn metric(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["state", id] => self.state(id),
            ["coop", issue] => format!("cooperation on {}", self.issue(issue)),
            ["coop", issue, actor] => format!("{}'s cooperation on {}", self.actor(actor), self.issue(issue)),
            ["coop_rate", issue] => format!("cooperation rate on {}", self.issue(issue)),
            ["coop_rate", issue, actor] => {
                format!("{}'s cooperation rate on {}", self.actor(actor), self.issue(issue))
            }
            ["influence", domain, client, patron] => {
                format!("{}'s share of {domain} influence in {}", self.actor(patron), self.actor(client))
            }
            ["trust", a, b] => format!("{}'s trust in {}", self.actor(a), self.actor(b)),
            ["outcome", id] => self.outcome(id),
            ["event", id] => {
                let label = self.labels.events.iter().find(|e| e.id == *id).map(|e| e.label.clone());
                format!(
                    "“{}” firing",
                    label.filter(|l| !l.is_empty() && l != id).unwrap_or_else(|| humanize(id, &self.proper))
                )
            }
            _ => path.to_string(),
        }
    }

    /// A sweep output column in words: `outcome.X` → `P(label)`, `output.PATH` → `mean …`.
    pub(crate) fn output(&self, output: &str) -> String {
        match output.split_once('.') {
            Some(("outcome", id)) => format!("P({})", self.outcome(id)),
            Some(("output", path)) => format!("mean {}", self.metric(path)),
            _ => output.to_string(),
        }
    }

    /// What an outcome requires, in words: `China's share of influence in Kazakhstan is above
    /// 45%`, with `, for 8 turns in a row` when it must hold that long.
    pub(crate) fn rule(&self, rule: &OutcomeRule) -> String {
        let bounds: Vec<String> = rule.when.iter().map(|b| self.bound(b)).collect();
        let mut s = bounds.join(" and ");
        if rule.for_turns > 1 {
            s.push_str(&format!(", for {} turns in a row", rule.for_turns));
        }
        s
    }

    fn bound(&self, b: &Bound) -> String {
        // Shares and rates read as percentages; other quantities as numbers.
        let share = ["influence.", "coop.", "coop_rate."].iter().any(|p| b.metric.starts_with(p));
        let value = |x: f64| {
            if share { format!("{}%", super::style::short(x * 100.0)) } else { super::style::short(x) }
        };
        let quantity = match &b.minus {
            Some(other) => format!("{} minus {}", self.metric(&b.metric), self.metric(other)),
            None => self.metric(&b.metric),
        };
        match (b.above, b.below) {
            (Some(x), _) => format!("{quantity} is above {}", value(x)),
            (None, Some(x)) => format!("{quantity} is below {}", value(x)),
            (None, None) => quantity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Labels {
            actors: map(&[("kazakhstan", "Kazakhstan"), ("china", "China"), ("csto", "csto")]),
            issues: map(&[("nato_kazakhstan_ct", "NATO–Kazakhstan counter-terrorism partnership")]),
            state: map(&[("afghan_threat", "Afghan threat level")]),
            outcomes: map(&[("china_leads", "China overtakes Russia in Kazakhstan")]),
            events: Vec::new(),
        }
    }

    #[test]
    fn the_scenario_names_things_and_ids_are_only_a_fallback() {
        let l = labels();
        let n = Names::new(&l, vec!["kazakhstan".into()]);
        assert_eq!(n.issue("nato_kazakhstan_ct"), "NATO–Kazakhstan counter-terrorism partnership");
        assert_eq!(n.state("afghan_threat"), "Afghan threat level");
        // A label equal to its id is the scenario's default, not a name: made readable.
        assert_eq!(n.actor("csto"), "CSTO");
        // Not in the labels (an older manifest): made readable.
        assert_eq!(n.issue("transit_kazakhstan"), "Transit Kazakhstan");
        assert_eq!(
            n.metric("influence.economic.kazakhstan.china"),
            "China's share of economic influence in Kazakhstan"
        );
        assert_eq!(n.output("outcome.china_leads"), "P(China overtakes Russia in Kazakhstan)");
        assert_eq!(n.output("output.state.afghan_threat"), "mean Afghan threat level");
        let rule = OutcomeRule {
            when: vec![
                Bound {
                    metric: "influence.economic.kazakhstan.china".into(),
                    minus: None,
                    above: Some(0.45),
                    below: None,
                },
                Bound { metric: "state.afghan_threat".into(), minus: None, above: None, below: Some(0.5) },
            ],
            for_turns: 8,
        };
        assert_eq!(
            n.rule(&rule),
            "China's share of economic influence in Kazakhstan is above 45% and Afghan threat level is below 0.5, for 8 turns in a row"
        );
        let compared = Bound {
            metric: "influence.economic.kazakhstan.china".into(),
            minus: Some("influence.economic.kazakhstan.russia".into()),
            above: Some(0.0),
            below: None,
        };
        assert_eq!(
            n.rule(&OutcomeRule { when: vec![compared], for_turns: 1 }),
            "China's share of economic influence in Kazakhstan minus Russia's share of economic influence in Kazakhstan is above 0%"
        );
    }
}
