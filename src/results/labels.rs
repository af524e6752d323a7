//! What the ids in the result tables mean, written into `manifest.json` so that the charts
//! and the report, which read only the result files, can use the scenario's own words.
//!
//! [`Labels`] holds the display names of actors, issues, state variables and outcomes, and
//! the scheduled events with their dates; [`OutcomeRule`] the condition that defines each
//! outcome, so the words of a report can say what an outcome's probability measures. All
//! maps keep the scenario file's order. A manifest written before these existed reads back
//! with them empty, and the report then falls back to names made from the ids.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::events::Trigger;
use crate::scenario::Scenario;

/// The scenario's display names, by id, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Labels {
    /// Actor id → name (`kazakhstan` → `Kazakhstan`).
    pub actors: IndexMap<String, String>,
    /// Issue id → label.
    pub issues: IndexMap<String, String>,
    /// State variable id → label.
    pub state: IndexMap<String, String>,
    /// Outcome id → label.
    pub outcomes: IndexMap<String, String>,
    /// The events scheduled at a date (not the random shocks), in file order.
    pub events: Vec<ScheduledEvent>,
}

/// An event the scenario schedules at a date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduledEvent {
    /// The event's id.
    pub id: String,
    /// The event's display name.
    pub label: String,
    /// The first day of its turn, `YYYY-MM-DD`.
    pub date: String,
    /// The turn as the scenario writes it, e.g. `2014-Q2`.
    pub at: String,
}

/// When an outcome counts as reached: every bound holds for `for_turns` consecutive turns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcomeRule {
    /// Every bound that must hold.
    pub when: Vec<Bound>,
    /// Consecutive turns the bounds must hold for (at least 1).
    pub for_turns: u32,
}

/// `metric > above` or `metric < below` (exactly one of the two is set); with `minus`, the
/// compared quantity is `metric − minus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bound {
    /// The metric path, as in `series.csv` (`influence.economic.kazakhstan.china`).
    pub metric: String,
    /// The metric subtracted from it, when the condition compares two.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minus: Option<String>,
    /// The threshold the quantity must exceed, if the condition is `>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// The threshold the quantity must stay under, if the condition is `<`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

impl Labels {
    /// The labels of a checked scenario.
    pub fn of(sc: &Scenario) -> Labels {
        let map = |items: Vec<(&String, &String)>| items.into_iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Labels {
            actors: map(sc.actors.iter().map(|a| (&a.id, &a.name)).collect()),
            issues: map(sc.issues.iter().map(|i| (&i.id, &i.label)).collect()),
            state: map(sc.state.iter().map(|s| (&s.id, &s.label)).collect()),
            outcomes: map(sc.outcomes.iter().map(|o| (&o.id, &o.label)).collect()),
            events: sc
                .events
                .iter()
                .filter_map(|e| match e.trigger {
                    Trigger::At(turn) => {
                        let period = sc.calendar.period(turn);
                        Some(ScheduledEvent {
                            id: e.id.clone(),
                            label: e.label.clone(),
                            date: period.iso_date(),
                            at: period.to_string(),
                        })
                    }
                    Trigger::Hazard { .. } => None,
                })
                .collect(),
        }
    }
}

/// The rule of every outcome of a checked scenario, by id, in file order.
pub fn outcome_rules(sc: &Scenario) -> IndexMap<String, OutcomeRule> {
    sc.outcomes
        .iter()
        .map(|o| {
            let when = o
                .when
                .iter()
                .map(|c| Bound {
                    metric: sc.metric_path(&c.metric),
                    minus: c.other.as_ref().map(|m| sc.metric_path(m)),
                    above: c.above.then_some(c.threshold),
                    below: (!c.above).then_some(c.threshold),
                })
                .collect();
            (o.id.clone(), OutcomeRule { when, for_turns: o.for_turns })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_file_order_and_read_back() {
        let sc = Scenario::parse(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny.toml")).unwrap(),
            "tiny.toml",
        )
        .unwrap();
        let labels = Labels::of(&sc);
        let actors: Vec<&str> = labels.actors.keys().map(String::as_str).collect();
        assert_eq!(actors, ["russia", "china", "kazakhstan", "usa", "nato", "csto"]);
        assert_eq!(labels.outcomes["transit_deal"], "Kazakhstan–NATO transit sustained");
        // Only the scheduled event, with its date; the random shock is left out.
        assert_eq!(labels.events.len(), 1);
        assert_eq!((labels.events[0].id.as_str(), labels.events[0].at.as_str()), ("drawdown", "2014-Q4"));
        assert_eq!(labels.events[0].date, "2014-10-01");
        let rules = outcome_rules(&sc);
        assert_eq!(rules["transit_deal"].for_turns, 4);
        assert_eq!(rules["transit_deal"].when[0].metric, "coop_rate.transit");
        assert_eq!(rules["transit_deal"].when[0].above, Some(0.7));
        let json = serde_json::to_string(&labels).unwrap();
        assert!(json.starts_with(r#"{"actors":{"russia":"#), "{json}");
        assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), labels);
        assert_eq!(serde_json::from_str::<Labels>("{}").unwrap(), Labels::default());
    }
}
