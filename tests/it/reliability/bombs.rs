//! Resource bombs: small valid files that ask for tens of thousands of actors, thousands of
//! turns, a sweep whose size overflows or 10^18 replications are refused before any work, with
//! exit 2 and a message naming what is too large; `--allow-large` lifts the memory and work
//! bounds (not the sizes of a scenario or a design).

use super::{bounded, stderr, tiny_text};
use crate::fixture;

fn refused(d: &std::path::Path, args: &[&str], says: &[&str]) {
    let o = bounded(d, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for s in says {
        assert!(err.contains(s), "{args:?}: `{s}` not in {err}");
    }
    assert!(!d.join("out").exists(), "{args:?} wrote an output folder");
}

#[test]
fn huge_scenarios_and_designs_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tiny = tiny_text();
    // Tens of thousands of actors: refused at the first one too many, in well under a second.
    let at = tiny.find("[actors.nato]").unwrap();
    let many: String = (0..20_000).map(|i| format!("[actors.a{i}]\nkind = \"state\"\ncapability = 0.1\n\n")).collect();
    std::fs::write(d.join("actors.toml"), format!("{}{many}{}", &tiny[..at], &tiny[at..])).unwrap();
    refused(d, &["validate", "actors.toml"], &["more than the 1000 a scenario may have", "actors.a996"]);
    // Thousands of turns: the series histograms alone would take gigabytes.
    std::fs::write(d.join("turns.toml"), tiny.replacen("end = \"2018-Q4\"", "end = \"4000-Q4\"", 1)).unwrap();
    refused(d, &["run", "turns.toml", "--runs", "2", "--out", "out"], &["GiB of memory", "--allow-large"]);
    // A billion runs.
    let t = fixture("tiny.toml");
    refused(d, &["run", t.to_str().unwrap(), "--runs", "1000000000", "--out", "out"], &["units of work"]);
    let facts = fixture("tiny_facts.csv");
    let (t, f) = (t.to_str().unwrap(), facts.to_str().unwrap());
    refused(d, &["hindcast", t, f, "--runs", "1000000000", "--out", "out"], &["units of work"]);
    refused(d, &["compare", t, t, "--runs", "1000000000"], &["1,000,000,000 paired runs", "units of work"]);
    let args = ["calibrate", t, f, "--points", "100000000", "--runs", "1000000", "--out", "out"];
    refused(d, &args, &["100,000,000 points × 1,000,000 runs", "--allow-large"]);
    // Sweeps: 10^18 replications, a grid whose size overflows, a Latin hypercube of 10^12 points.
    let sweep = std::fs::read_to_string(fixture("tiny_sweep.toml")).unwrap().replace("\"tiny.toml\"", "\"t.toml\"");
    std::fs::write(d.join("t.toml"), &tiny).unwrap();
    std::fs::write(d.join("reps.toml"), sweep.replace("replications = 12", "replications = 1000000000000000000"))
        .unwrap();
    refused(d, &["sweep", "reps.toml", "--out", "out"], &["1,000,000,000,000,000,000 replications", "units of work"]);
    let values = format!("{{ values = [{}] }}", (0..100).map(|i| i.to_string()).collect::<Vec<_>>().join(", "));
    let grid: String =
        ["actors.russia.behaviour.pressure", "actors.china.behaviour.pressure", "actors.usa.behaviour.pressure"]
            .iter()
            .chain(["actors.russia.capability", "actors.china.capability", "actors.usa.capability"].iter())
            .chain(["actors.nato.capability", "actors.csto.capability", "model.trust", "model.horizon"].iter())
            .map(|p| format!("\"{p}\" = {values}\n"))
            .collect();
    let at = sweep.find("[parameters]").unwrap();
    let disc = sweep.find("[discovery]").unwrap();
    std::fs::write(d.join("grid.toml"), format!("{}[parameters]\n{grid}\n{}", &sweep[..at], &sweep[disc..])).unwrap();
    refused(d, &["sweep", "grid.toml", "--out", "out"], &["more than the 10000000 a sweep may have", "grid.toml:"]);
    let latin = sweep.replace("design = \"grid\"", "design = \"latin\"\npoints = 1000000000000");
    std::fs::write(d.join("latin.toml"), latin).unwrap();
    refused(d, &["sweep", "latin.toml", "--out", "out"], &["1000000000000 points", "sweep.points"]);
}
