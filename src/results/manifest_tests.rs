//! Round trips of the manifests: what the writers write, the readers read.

use super::*;
use crate::scenario::SourceDigest;
use crate::scenario::sha256_hex;

fn scenario() -> ManifestScenario {
    ManifestScenario {
        sources: vec![SourceDigest { name: "base.toml".into(), sha256: sha256_hex(b"base") }],
        name: "Tiny".into(),
        description: "Four states".into(),
        question: Some("Does it run?".into()),
        file: "tiny.toml".into(),
        sha256: sha256_hex(b"tiny"),
    }
}

fn scenario_info() -> ScenarioInfo {
    ScenarioInfo {
        name: "Tiny".into(),
        description: "Four states".into(),
        question: Some("Does it run?".into()),
        file: "tiny.toml".into(),
        sha256: sha256_hex(b"tiny"),
    }
}

/// Labels, rules and a comparison as a variant's run writes them.
fn labelled() -> (super::super::labels::Labels, indexmap::IndexMap<String, super::super::labels::OutcomeRule>) {
    use super::super::labels::{Bound, Labels, OutcomeRule, ScheduledEvent};
    let mut labels = Labels::default();
    labels.actors.insert("usa".into(), "United States".into());
    labels.actors.insert("allies".into(), "European and other NATO allies".into());
    labels.outcomes.insert("deal".into(), "A deal".into());
    labels.events.push(ScheduledEvent {
        id: "break".into(),
        label: "The break".into(),
        date: "2014-04-01".into(),
        at: "2014-Q2".into(),
    });
    let bound = Bound { metric: "state.threat".into(), minus: None, above: Some(0.6), below: None };
    let rules = [("deal".to_string(), OutcomeRule { when: vec![bound], for_turns: 4 })].into_iter().collect();
    (labels, rules)
}

#[test]
fn a_written_run_manifest_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (labels, rules) = labelled();
    let comparison = super::super::comparison::ComparisonInfo {
        base_file: "base.toml".into(),
        base_name: "Base".into(),
        runs: 40,
        seed: 7,
    };
    let m = Manifest {
        file_sha256: Default::default(),
        tool: "heartland",
        version: "0.1.0",
        scenario: scenario(),
        seed: 7,
        first_run: 100,
        runs: 40,
        threads: 2,
        wall_seconds: 1.25,
        turns_per_run: 20,
        turns_simulated: 800,
        actor_decisions: 12345,
        files: vec!["runs.csv", "manifest.json"],
        labels: labels.clone(),
        outcome_conditions: rules.clone(),
        cooperation_window: 4,
        comparison: Some(comparison.clone()),
    };
    write_manifest(&m, &dir.path().join("manifest.json")).unwrap();
    let text = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(text.starts_with("{\n  \"tool\": \"heartland\",") && text.ends_with("}\n"), "{text}");
    let info = read_manifest(&dir.path().join("manifest.json")).unwrap();
    let expected = RunInfo {
        tool: "heartland".into(),
        version: "0.1.0".into(),
        scenario: scenario_info(),
        seed: 7,
        first_run: 100,
        runs: 40,
        threads: 2,
        wall_seconds: 1.25,
        turns_per_run: 20,
        actor_decisions: 12345,
        files: vec!["runs.csv".into(), "manifest.json".into()],
        labels,
        outcome_conditions: rules,
        cooperation_window: 4,
        comparison: Some(comparison),
    };
    assert_eq!(info, expected);
    // The labels keep the scenario's order, not an alphabetical one.
    assert!(text.find("\"usa\"").unwrap() < text.find("\"allies\"").unwrap());
    assert!(!is_sweep(dir.path()));
}

#[test]
fn a_written_sweep_manifest_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let m = SweepManifest {
        file_sha256: Default::default(),
        tool: "heartland",
        version: "0.1.0",
        sweep: "S".into(),
        sweep_file: "s.toml".into(),
        sweep_sha256: sha256_hex(b"s"),
        scenario: scenario(),
        design: "grid".into(),
        parameters: vec!["a.x".into(), "b.y".into()],
        points: 6,
        replications: 12,
        runs: 72,
        seed: 5,
        threads: 2,
        wall_seconds: 0.5,
        files: vec!["points.csv", "manifest.json"],
        labels: labelled().0,
    };
    write_sweep_manifest(&m, &dir.path().join("manifest.json")).unwrap();
    let info = read_sweep_manifest(&dir.path().join("manifest.json")).unwrap();
    let expected = SweepInfo {
        version: "0.1.0".into(),
        sweep: "S".into(),
        sweep_file: "s.toml".into(),
        scenario: scenario_info(),
        design: "grid".into(),
        parameters: vec!["a.x".into(), "b.y".into()],
        points: 6,
        replications: 12,
        runs: 72,
        seed: 5,
        threads: 2,
        wall_seconds: 0.5,
        labels: labelled().0,
    };
    assert_eq!(info, expected);
    assert!(is_sweep(dir.path()));
}

#[test]
fn a_written_hindcast_manifest_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let observations = ManifestObservations {
        file: "facts.csv".into(),
        sha256: sha256_hex(b"facts"),
        facts: 4,
        train: 2,
        test: 1,
        forcing: 1,
    };
    let m = HindcastManifest {
        file_sha256: Default::default(),
        tool: "heartland",
        version: "0.1.0",
        scenario: scenario(),
        observations: observations.clone(),
        seed: 7,
        runs: 40,
        threads: 2,
        wall_seconds: 0.5,
        turns_per_run: 12,
        actor_decisions: 999,
        log_clip: [0.01, 0.99],
        bins: "eleven",
        files: vec!["hindcast.csv", "manifest.json"],
    };
    write_hindcast_manifest(&m, &dir.path().join("manifest.json")).unwrap();
    let info = read_hindcast_manifest(&dir.path().join("manifest.json")).unwrap();
    let expected = HindcastInfo {
        version: "0.1.0".into(),
        scenario: scenario_info(),
        observations,
        seed: 7,
        runs: 40,
        threads: 2,
        wall_seconds: 0.5,
        turns_per_run: 12,
        log_clip: [0.01, 0.99],
        bins: "eleven".into(),
    };
    assert_eq!(info, expected);
    assert!(is_hindcast(dir.path()) && !is_sweep(dir.path()));
}

#[test]
fn a_manifest_that_is_not_ours_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("manifest.json");
    std::fs::write(&p, "{\"runs\": \"many\"}").unwrap();
    assert!(read_manifest(&p).unwrap_err().to_string().contains("manifest.json:1: not a heartland manifest"));
    assert!(
        read_sweep_manifest(&p).unwrap_err().to_string().contains("manifest.json:1: not a heartland sweep manifest")
    );
    std::fs::write(&p, "{}").unwrap();
    assert_eq!(read_manifest(&p).unwrap(), RunInfo::default());
    let e = read_sweep_manifest(&dir.path().join("none.json")).unwrap_err();
    assert!(e.to_string().contains("none.json: no such file (run `heartland sweep` to write it)"), "{e}");
}
