//! Where every number of a scenario comes from.
//!
//! An analyst must be able to point at any value and see its source: a passage of the seed
//! documents, a cited public fact, or a stated modelling assumption. A value without a
//! `source` of its own inherits the `source` of the table it sits in (its actor, issue, event,
//! state variable); the listing says which. Built-in defaults the file never set have none.
//!
//! The same listing, restricted to its parameters, is what `heartland params` prints: every
//! path a sweep or an event can address, with its value, domain and source.

use serde::Serialize;

use crate::model::param::{Distribution, Domain};
use crate::scenario::Scenario;

/// One line of the listing: a parameter or a structural element (actor, issue, event…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Key path, e.g. `actors.russia.behaviour.pressure` or `issues.transit`.
    pub path: String,
    /// The value or distribution, as written (`0.25`, `uniform(0.04, 0.06)`); empty for a
    /// structural element.
    pub value: String,
    /// The value's source, its own or inherited; `None` when it has none.
    pub source: Option<String>,
    /// When the source is inherited: the path of the table it comes from.
    pub inherited_from: Option<String>,
    /// The values a parameter may take; `None` for a structural element.
    pub domain: Option<Domain>,
    /// True for a parameter the file does not set, where a default stands in.
    pub defaulted: bool,
    /// When the value's range comes from `[uncertainty]`: the pattern and its source.
    pub uncertainty: Option<(String, String)>,
}

impl Entry {
    /// Whether the entry has a source that is not blank.
    pub fn is_sourced(&self) -> bool {
        self.source.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    /// A parameter (which sweeps and events can address by its path), not a structural
    /// element.
    pub fn is_parameter(&self) -> bool {
        self.domain.is_some()
    }

    /// The file-level table the entry sits in: the first key of its path (`actors`, `model`,
    /// `trust`, `influence`, `state`, `issues`, `events`, `outcomes`, `scenario`).
    pub fn section(&self) -> &str {
        self.path.split('.').next().unwrap_or_default()
    }
}

/// Every parameter and structural element of the scenario, in file order.
pub fn listing(sc: &Scenario) -> Vec<Entry> {
    let structure = |path: String, source: &Option<String>| Entry {
        path,
        value: String::new(),
        source: source.clone(),
        inherited_from: None,
        domain: None,
        defaulted: false,
        uncertainty: None,
    };
    let mut out = vec![structure("scenario".into(), &sc.source)];
    out.extend(sc.actors.iter().map(|a| structure(format!("actors.{}", a.id), &a.source)));
    out.extend(sc.state.iter().map(|v| structure(format!("state.{}", v.id), &v.source)));
    out.extend(sc.issues.iter().map(|i| structure(format!("issues.{}", i.id), &i.source)));
    out.extend(sc.events.iter().map(|e| structure(format!("events.{}", e.id), &e.source)));
    out.extend(sc.outcomes.iter().map(|o| structure(format!("outcomes.{}", o.id), &o.source)));
    out.extend(sc.params.iter().filter(|(_, p)| !p.path.is_empty()).map(|(_, p)| Entry {
        path: p.path.clone(),
        value: describe(&p.dist),
        source: p.source.clone(),
        inherited_from: p.source_from.clone(),
        domain: Some(p.domain),
        defaulted: p.defaulted,
        uncertainty: p.uncertainty.clone(),
    }));
    out
}

/// A bound as a reader writes it: rounded to 12 significant places, so that a range computed
/// from a value (`0.15 × 1.5`) reads `0.225`, not `0.22499999999999998`.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let digits = 12 - 1 - x.abs().log10().floor() as i32;
    if !(0..=300).contains(&digits) {
        return x.to_string();
    }
    let scale = 10f64.powi(digits);
    let rounded = (x * scale).round() / scale;
    rounded.to_string()
}

/// A distribution as a reader writes it.
pub(crate) fn describe(d: &Distribution) -> String {
    match d {
        Distribution::Fixed { value } => format!("{value}"),
        Distribution::Uniform { low, high } => format!("uniform({}, {})", short(*low), short(*high)),
        Distribution::Normal { mean, sd, low, high } => format!("normal({mean}, sd {sd}, in [{low}, {high}])"),
        Distribution::Triangular { low, mode, high } => format!("triangular({low}, {mode}, {high})"),
        Distribution::Beta { alpha, beta, low, high } => format!("beta({alpha}, {beta}) on [{low}, {high}]"),
        Distribution::Choice { values, weights } => {
            let parts: Vec<String> = values.iter().zip(weights).map(|(v, w)| format!("{v}: {w}")).collect();
            format!("choice({})", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
dimensions = ["security"]
[scenario]
name = "s"
description = "d"
start = "2014"
end = "2015"
step = "year"
[actors.a]
kind = "state"
capability = 1
interests = { security = { value = 0.5, source = "own" } }
source = "actor a"
[actors.b]
kind = "state"
capability = { value = 1, source = "b's own" }
"#;

    #[test]
    fn values_inherit_their_tables_source_and_defaults_have_none() {
        let sc = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let list = listing(&sc);
        let find = |p: &str| list.iter().find(|e| e.path == p).unwrap_or_else(|| panic!("{p}"));
        assert_eq!(find("actors.a.interests.security").source.as_deref(), Some("own"));
        let cap = find("actors.a.capability");
        assert_eq!((cap.source.as_deref(), cap.inherited_from.as_deref()), (Some("actor a"), Some("actors.a")));
        assert!(!find("actors.b").is_sourced());
        assert!(find("actors.b.capability").is_sourced());
        // Built-in behaviour defaults are covered by nothing, and show their value.
        for p in crate::model::actor::BEHAVIOUR {
            let e = find(&format!("actors.a.behaviour.{}", p.key));
            assert!(!e.is_sourced(), "{}", p.key);
            assert_eq!(e.value, p.default.to_string());
        }
        assert_eq!(find("actors.a.capability").value, "1");
        // Parameters carry their domain and section; structural elements have none.
        assert_eq!(cap.domain, Some(Domain::Positive));
        assert_eq!((cap.section(), cap.is_parameter(), cap.defaulted), ("actors", true, false));
        assert!(!find("actors.b").is_parameter());
        let params: Vec<&Entry> = list.iter().filter(|e| e.is_parameter()).collect();
        assert_eq!(params.len(), sc.params.len());
        let default_trust = find("model.trust");
        assert_eq!((default_trust.section(), default_trust.defaulted), ("model", true));
    }
}
