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

use crate::model::calendar::Period;
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

    /// The first date its own source (or its range's) cites that falls after `cutoff`, as
    /// written (`2016`, `May 2014`): a value that could not have been known then. Inherited
    /// sources are the table's, flagged there.
    pub fn later_citation(&self, cutoff: Period) -> Option<String> {
        let own = if self.inherited_from.is_none() { self.source.as_deref() } else { None };
        let range = self.uncertainty.as_ref().map(|(_, why)| why.as_str());
        own.into_iter().chain(range).find_map(|text| cites_after(text, cutoff))
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

/// The last month a scenario's sources may cite: the end of its first period (a baseline
/// starting in 2014-Q1 knows what was public by March 2014).
pub fn knowable_until(sc: &Scenario) -> Period {
    sc.calendar.start.plus_months(sc.calendar.step.months() - 1)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Words that make a later date a schedule known at the time (`agreement to 2042`, `the
/// mandate ends on 31 December 2014`, `voted to end the lease in July 2014`) when one of them
/// stands in the eight words before it, in the same clause.
const SCHEDULE: [&str; 9] = ["to", "until", "ends", "end", "by", "scheduled", "planned", "due", "expires"];

/// Whether the clause just before byte `i` of `text` announces a schedule.
fn scheduled(text: &str, i: usize) -> bool {
    let clause = text[..i].rsplit([';', '.', '(', ')']).next().unwrap_or_default();
    let words: Vec<&str> = clause.split_whitespace().collect();
    words.iter().rev().take(8).any(|w| SCHEDULE.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())))
}

/// The first date in `text` after `cutoff`, as written: a year (four digits, 1900–2099, not
/// part of a longer number) later than the cutoff's, or the cutoff's year after a later month
/// (`April 2014`, `1 April 2014`); a date announced as a schedule (after `to`, `until`, `ends`…) does not count.
pub fn cites_after(text: &str, cutoff: Period) -> Option<String> {
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let is_year = (i == 0 || !digit(i - 1)) && (i..i + 4).all(digit) && !digit(i + 4);
        let year: u32 = if is_year { text[i..i + 4].parse().ok()? } else { return None };
        if !(1900..=2099).contains(&year) || scheduled(text, i) {
            return None;
        }
        if year > cutoff.year() {
            return Some(text[i..i + 4].to_string());
        }
        if year < cutoff.year() {
            return None;
        }
        let before = text[..i].trim_end();
        let (m, name) = MONTHS.iter().enumerate().find(|(_, name)| before.ends_with(**name))?;
        let month = m as u32 + 1;
        (month > cutoff.month()).then(|| format!("{name} {year}"))
    })
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
    fn later_dates_are_found_as_written() {
        let march_2014 = Period::new(2014, 2);
        assert_eq!(cites_after("public fact: the 2001 treaty; UNODC 2013", march_2014), None);
        assert_eq!(cites_after("signed 30 September 2014 (BSA)", march_2014).as_deref(), Some("September 2014"));
        assert_eq!(cites_after("in force 20 January 2014; JPOA", march_2014), None);
        assert_eq!(cites_after("the Doha deal (2020)", march_2014).as_deref(), Some("2020"));
        assert_eq!(cites_after("Policy Memo 285, page 20145", march_2014), None);
        assert_eq!(cites_after("3,000 troops; 1,500 km", march_2014), None);
        assert_eq!(cites_after("the 2014 plan", march_2014), None, "a bare year of the start is not after it");
        assert_eq!(cites_after("from 2010, then 2016", march_2014).as_deref(), Some("2016"));
        // A schedule known at the time is not a later fact.
        assert_eq!(cites_after("the 2012 agreement keeps the base to 2042", march_2014), None);
        assert_eq!(cites_after("ISAF's mandate ends on 31 December 2014", march_2014), None);
        assert_eq!(cites_after("voted in June 2013 to end the lease in July 2014", march_2014), None);
        assert_eq!(cites_after("a schedule to 2042; Kunduz fell in 2015", march_2014).as_deref(), Some("2015"));
    }

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
