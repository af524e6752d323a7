//! `heartland validate`, `list`, `sources` and `params`: what a scenario defines and where its
//! values come from, printed. Part of the binary (`src/main.rs` includes it), not of the
//! library.

use std::path::Path;

use heartland::analysis::sweep::Sweep;
use heartland::english::count;
use heartland::model::actor::{BEHAVIOUR, BehaviourParam};
use heartland::scenario::Scenario;
use heartland::scenario::shipped;
use heartland::scenario::sources::{self, Entry};

use super::{Failure, load, out};

pub(crate) fn validate(path: &Path) -> Result<(), Failure> {
    let (s, _) = load(path)?;
    let cal = &s.calendar;
    say!("{}: valid", path.display());
    say!("  {}: {}", s.name, s.description.trim());
    if let Some(q) = &s.question {
        say!("  question: {q}");
    }
    say!(
        "  time: {} to {} by {:?}, {}; default {}, seed {}",
        cal.start,
        cal.end,
        cal.step,
        count(cal.turns() as u64, "turn"),
        count(s.runs, "run"),
        s.seed
    );
    let list = |v: Vec<&str>| v.join(", ");
    say!("  dimensions ({}): {}", s.dimensions.len(), list(s.dimensions.iter().map(String::as_str).collect()));
    say!("  actors ({}): {}", s.actors.len(), list(s.actors.iter().map(|a| a.id.as_str()).collect()));
    for a in s.actors.iter().filter(|a| a.organization.is_some()) {
        let org = a.organization.as_ref().expect("filtered");
        say!(
            "    {} ({:?} rule): {}",
            a.id,
            org.rule.kind,
            list(org.members.iter().map(|m| s.actors[m.0].id.as_str()).collect())
        );
    }
    say!("  issues ({}): {}", s.issues.len(), list(s.issues.iter().map(|i| i.id.as_str()).collect()));
    say!("  state ({}): {}", s.state.len(), list(s.state.iter().map(|v| v.id.as_str()).collect()));
    say!("  events ({}): {}", s.events.len(), list(s.events.iter().map(|e| e.id.as_str()).collect()));
    say!("  outcomes ({}): {}", s.outcomes.len(), list(s.outcomes.iter().map(|o| o.id.as_str()).collect()));
    let uncertain = s.params.uncertain().len();
    say!("  parameters: {} ({} uncertain), {} series recorded", s.params.len(), uncertain, s.series.len());
    Ok(())
}

pub(crate) fn list() -> Result<(), Failure> {
    for s in &shipped::SCENARIOS {
        match Scenario::shipped(s.name).expect("listed") {
            Ok(sc) => say!("{:<32} {}", s.name, sc.question.as_deref().unwrap_or(&sc.name)),
            Err(_) => say!("{:<32} (invalid: run `heartland validate {}`)", s.name, s.name),
        }
    }
    say!("\nsweeps (heartland sweep NAME):");
    for s in &shipped::SWEEPS {
        match Sweep::shipped(s.name).expect("listed") {
            Ok(sw) => say!("{:<32} {}", s.name, sw.name),
            Err(_) => say!("{:<32} (invalid)", s.name),
        }
    }
    Ok(())
}

pub(crate) fn sources(path: &Path, missing_only: bool, later_only: bool) -> Result<(), Failure> {
    let (scenario, _) = load(path)?;
    let entries = sources::listing(&scenario);
    let missing = entries.iter().filter(|e| !e.is_sourced()).count();
    let cutoff = sources::knowable_until(&scenario);
    let later = |e: &Entry| e.later_citation(cutoff);
    let flagged = entries.iter().filter(|e| later(e).is_some()).count();
    let shown = |e: &&Entry| (!missing_only || !e.is_sourced()) && (!later_only || later(e).is_some());
    for e in entries.iter().filter(shown) {
        let value = if e.value.is_empty() { String::new() } else { format!(" = {}", e.value) };
        match (&e.source, &e.inherited_from) {
            (Some(s), None) if e.is_sourced() => say!("{}{value}\n    {s}", e.path),
            (Some(s), Some(from)) if e.is_sourced() => say!("{}{value}\n    (from {from}) {s}", e.path),
            _ => say!("{}{value}\n    NO SOURCE", e.path),
        }
        if let Some((pattern, why)) = &e.uncertainty {
            say!("    range (uncertainty.\"{pattern}\"): {why}");
        }
        if let Some(date) = later(e) {
            say!("    CITES {date}, after the start ({}): not knowable then", scenario.calendar.start);
        }
    }
    say!(
        "\n{} (values and elements), {missing} without a source, {flagged} citing a date after {}",
        count(entries.len() as u64, "entry"),
        scenario.calendar.start
    );
    let failed = if later_only { flagged > 0 } else { missing > 0 };
    if failed { Err(Failure::Unsourced) } else { Ok(()) }
}

pub(crate) fn params(path: &Path, csv: bool) -> Result<(), Failure> {
    let (scenario, _) = load(path)?;
    let entries: Vec<Entry> = sources::listing(&scenario).into_iter().filter(Entry::is_parameter).collect();
    if csv {
        return params_csv(&entries);
    }
    // Sections in the order the scenario registers them, parameters in file order within each.
    let mut sections: Vec<&str> = Vec::new();
    for e in &entries {
        if !sections.contains(&e.section()) {
            sections.push(e.section());
        }
    }
    for (i, section) in sections.iter().enumerate() {
        let group: Vec<&Entry> = entries.iter().filter(|e| e.section() == *section).collect();
        say!("{}## {section}: {} parameters", if i == 0 { "" } else { "\n" }, group.len());
        for e in group {
            let domain = e.domain.expect("a parameter").describe();
            say!("{} = {}\n    domain: {domain}", e.path, e.value);
            if let Some(b) = behaviour_param(&e.path) {
                say!("    meaning: {}", b.doc);
            }
            match (&e.source, &e.inherited_from) {
                (Some(s), None) if e.is_sourced() => say!("    source: {s}"),
                (Some(s), Some(from)) if e.is_sourced() => say!("    source (from {from}): {s}"),
                _ if e.defaulted => say!("    source: none (a built-in default)"),
                _ => say!("    source: none"),
            }
            if let Some((pattern, why)) = &e.uncertainty {
                say!("    range (uncertainty.\"{pattern}\"): {why}");
            }
        }
    }
    say!("\n{} parameters; a sweep varies any of them by its path", entries.len());
    Ok(())
}

/// The behaviour parameter a path such as `actors.russia.behaviour.pressure` names.
fn behaviour_param(path: &str) -> Option<&'static BehaviourParam> {
    match path.split('.').collect::<Vec<_>>()[..] {
        ["actors", _, "behaviour", key] => BEHAVIOUR.iter().find(|p| p.key == key),
        _ => None,
    }
}

/// The parameters as CSV on standard output, one row each.
fn params_csv(entries: &[Entry]) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Failure::Io(format!("cannot write the table: {e}"));
    let header =
        ["section", "path", "value", "domain", "min", "max", "source", "source_from", "defaulted", "range_source"];
    w.write_record(header).map_err(failed)?;
    for e in entries {
        let domain = e.domain.expect("a parameter");
        let (min, max) = domain.bounds();
        w.write_record([
            e.section(),
            &e.path,
            &e.value,
            &domain.describe(),
            &min.to_string(),
            &max.to_string(),
            e.source.as_deref().unwrap_or(""),
            e.inherited_from.as_deref().unwrap_or(""),
            if e.defaulted { "true" } else { "false" },
            e.uncertainty.as_ref().map_or("", |(_, why)| why.as_str()),
        ])
        .map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|e| Failure::Io(format!("cannot write the table: {e}")))?;
    out::text(&String::from_utf8_lossy(&bytes));
    Ok(())
}
