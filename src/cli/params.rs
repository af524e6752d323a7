//! `heartland params`: every parameter a sweep can vary, as a listing or CSV. Part of the
//! binary (`src/main.rs` includes it), not of the library.

use std::path::Path;

use heartland::model::actor::{BEHAVIOUR, BehaviourParam};
use heartland::scenario::sources::{self, Entry};

use super::{Failure, load};

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
    use std::io::Write as _;
    match std::io::stdout().write_all(&bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Io(format!("cannot write: {e}"))),
        _ => Ok(()),
    }
}
