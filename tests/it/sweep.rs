//! Sweeps, source listings and comparisons, through the library and the binary.

use std::path::Path;
use std::process::Command;

use heartland::analysis::sweep::{self, Sweep};

use crate::fixture;

fn heartland(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

#[test]
fn a_grid_sweep_covers_every_combination_and_moves_the_outcome() {
    let s = Sweep::load(&fixture("tiny_sweep.toml")).unwrap();
    assert_eq!((s.points, s.runs()), (6, 72));
    let results = sweep::run(&s, false, |_| Ok::<_, ()>(()), &|_| {}).unwrap();
    let combos: Vec<Vec<f64>> = results.iter().map(|r| r.values.clone()).collect();
    assert_eq!(combos, [[0.0, 0.2], [0.0, 1.2], [0.5, 0.2], [0.5, 1.2], [1.0, 0.2], [1.0, 1.2]]);
    // The swept values reach the model: a richer transit deal is sustained more often.
    let deal = |i: usize| results[i].reached[0];
    assert!(deal(1) > deal(0) && deal(3) > deal(2), "{results:?}");
    // Points are a function of (file, seed, index): a point run alone equals the sweep's.
    assert_eq!(sweep::run_point(&s, 4, false), results[4]);
    // Per-run rows add up to the point's summary.
    let detailed = sweep::run_point(&s, 4, true);
    assert_eq!(detailed.runs.len(), 12);
    assert_eq!(detailed.runs.iter().filter(|r| r.reached[0].is_some()).count() as u64, results[4].reached[0]);
}

#[test]
fn sweep_outputs_are_byte_identical_for_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = fixture("tiny_sweep.toml");
    for (dir, threads) in [(a.path(), "1"), (b.path(), "2")] {
        let o = heartland(&[
            "sweep",
            file.to_str().unwrap(),
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
            "-q",
            "--per-run",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for f in ["points.csv", "discovery.csv", "runs.csv"] {
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
    }
    let points = std::fs::read_to_string(a.path().join("points.csv")).unwrap();
    assert_eq!(points.lines().count(), 7);
    let runs = std::fs::read_to_string(a.path().join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 6 * 12);
    assert!(points.starts_with("point,actors.russia.behaviour.pressure,issues.transit.payoffs.kazakhstan.economy.reward,outcome.transit_deal.probability,"));
}

#[test]
fn a_bad_sweep_is_located_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("tiny_sweep.toml"))
        .unwrap()
        .replace("actors.russia.behaviour.pressure", "actors.russia.behaviour.presure");
    let bad = dir.path().join("bad_sweep.toml");
    std::fs::write(&bad, text).unwrap();
    std::fs::copy(fixture("tiny.toml"), dir.path().join("tiny.toml")).unwrap();
    let out = dir.path().join("out");
    let o = heartland(&["sweep", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad_sweep.toml:") && err.contains("did you mean `actors.russia.behaviour.pressure`?"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn sources_lists_every_value_and_fails_on_missing_ones() {
    let o = heartland(&["sources", "scenarios/baseline_2014.toml"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("actors.china.capability = 0.45\n    000: 1.3 billion people"),
        "{}",
        &text[..2000.min(text.len())]
    );
    assert!(text.contains("0 without a source"));
    let o = heartland(&["sources", "tests/fixtures/tiny.toml", "--missing"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("NO SOURCE"));
}

#[test]
fn compare_reports_paired_differences() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml");
    let rift = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/russia_china_rift.toml");
    let o = heartland(&["compare", base.to_str().unwrap(), rift.to_str().unwrap(), "--runs", "150"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let first = text.lines().nth(2).unwrap();
    assert!(first.starts_with("Russia–China rupture"), "{text}");
}
