//! Hindcasts and calibration through the built binary: outputs, pinned values, determinism,
//! and located errors for bad observation files with nothing written.

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture;

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn hindcast_tiny(out: &Path, threads: &str) -> Output {
    let (tiny, facts) = (fixture("tiny.toml"), fixture("tiny_facts.csv"));
    let o = heartland(&[
        "hindcast",
        tiny.to_str().unwrap(),
        facts.to_str().unwrap(),
        "--runs",
        "200",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    // Hidden files are heartland's bookkeeping (`charts/.heartland-charts`), not results.
    names.retain(|n| !n.starts_with('.'));
    names.sort();
    names
}

/// The tiny scenario on its fixture facts, end to end, with values pinned for its seed (7)
/// and 200 runs: a change to the engine, the collector or the scores shows here.
#[test]
fn a_tiny_hindcast_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let o = hindcast_tiny(dir.path(), "2");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("8 facts, 200 runs to 2018-Q4") && stdout.contains("most wrong"), "{stdout}");
    assert_eq!(
        files(dir.path()),
        ["charts", "datapackage.json", "hindcast.csv", "manifest.json", "reliability.csv", "report.html", "scores.csv"]
    );
    assert_eq!(
        files(&dir.path().join("charts")),
        ["reliability.png", "reliability.svg", "worst_facts.png", "worst_facts.svg"]
    );
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("Tiny: hindcast") && report.contains("transit held, sometime in 2015"), "{report}");
    // `plot` redraws the same page from the files.
    std::fs::remove_file(dir.path().join("report.html")).unwrap();
    let o = heartland(&["plot", dir.path().to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let strip = |s: &str| s.lines().filter(|l| !l.contains("wall time")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&again), strip(&report));
    let facts = heartland::results::read_hindcast(&dir.path().join("hindcast.csv")).unwrap();
    let p: Vec<(&str, f64)> = facts.iter().map(|f| (f.id.as_str(), f.probability)).collect();
    assert_eq!(
        p,
        [
            ("isaf_start", 1.0),
            ("isaf_down", 1.0),
            ("transit_2015", 0.45),
            ("threat_high", 0.0),
            ("offensive", 0.0),
            ("trust_gap", 0.56),
            ("destabilized", 0.0),
            ("china_share", 0.0),
        ]
    );
    let transit = &facts[2];
    assert_eq!((transit.brier, transit.status_quo, transit.base_rate), (Some(0.3025), 0.0, Some(1.0)));
    let scores = heartland::results::read_scores(&dir.path().join("scores.csv")).unwrap();
    assert_eq!(scores.len(), 12);
    let model_all = scores.iter().find(|r| r.split == "all" && r.forecaster == "model").unwrap();
    let s = model_all.scores.unwrap();
    assert_eq!(s.n, 8);
    assert!((s.brier - (0.3025 + 1.0 + 1.0 + 0.1936 + 1.0) / 8.0).abs() < 1e-9, "{s:?}");
    assert!((s.brier - (s.reliability - s.resolution + s.uncertainty + s.wbv - s.wbc)).abs() < 1e-8);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["observations"]["facts"], 8);
    assert_eq!(manifest["observations"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["log_clip"], serde_json::json!([0.01, 0.99]));
    assert_eq!(manifest["turns_per_run"], 20);
}

#[test]
fn a_hindcast_is_byte_identical_for_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    hindcast_tiny(a.path(), "1");
    hindcast_tiny(b.path(), "2");
    for f in ["hindcast.csv", "scores.csv", "reliability.csv"] {
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
    }
}

/// Each kind of mistake in an observation file: exit code 2, a message naming the file, the
/// line and column of the cell and its column, and no output folder.
#[test]
fn bad_observation_files_are_located_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let header = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n";
    let good = "a,A fact,state.threat > 0.5,sometime,2015,2016,1,,train,A record\n";
    let cases: [(&str, String, &str); 9] = [
        ("unknown metric", format!("{header}{good}b,B,coop.transitt,at,,2015,1,,train,R\n"), ":3:5"),
        ("bad mode", format!("{header}{good}b,B,coop.transit,sometimes,2015,2015,1,,train,R\n"), ":3:18"),
        ("bad date", format!("{header}b,B,coop.transit,at,,2015-Q5,1,,train,R\n"), ":2:22"),
        ("outside the calendar", format!("{header}b,B,coop.transit,sometime,2013,2015,1,,train,R\n"), ":2:27"),
        ("observed not 0/1", format!("{header}b,B,coop.transit,at,,2015,yes,,train,R\n"), ":2:27"),
        ("duplicate id", format!("{header}{good}{good}"), ":3:1"),
        ("missing source", format!("{header}b,B,coop.transit,at,,2015,1,,train,\n"), ":2:36"),
        (
            "wrong header",
            format!("id,claim,quantity,mode,from,to,observed,tolerance,split,source,note\n{good}"),
            ":1:64",
        ),
        ("bad split", format!("{header}b,B,coop.transit,at,,2015,1,,tset,R\n"), ":2:30"),
    ];
    let expected_text = [
        "did you mean `transit`?",
        "did you mean `sometime`?",
        "`2015-Q5` is not a date",
        "2013 is outside the scenario's calendar",
        "`observed` must be 0 or 1",
        "the id `a` is used twice",
        "the fact has no source",
        "unknown column `note`",
        "did you mean `test`?",
    ];
    let keys = ["quantity", "mode", "to", "from", "observed", "id", "source", "note", "split"];
    for (((what, text, at), expected), key) in cases.iter().zip(expected_text).zip(keys) {
        let file = dir.path().join("facts.csv");
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join("out");
        let tiny = fixture("tiny.toml");
        let o =
            heartland(&["hindcast", tiny.to_str().unwrap(), file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(err.contains(&format!("facts.csv{at}")), "{what}: expected {at} in\n{err}");
        assert!(err.contains(expected), "{what}: expected `{expected}` in\n{err}");
        assert!(err.contains(&format!("= key: {key}")), "{what}: expected key {key} in\n{err}");
        assert!(!out.exists(), "{what}: wrote {}", out.display());
    }
    let out = dir.path().join("out");
    let tiny = fixture("tiny.toml");
    let o = heartland(&["hindcast", tiny.to_str().unwrap(), "no/such.csv", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no observation file at no/such.csv"));
    assert!(!out.exists());
}

/// The baseline fixture facts (tests/fixtures/baseline_facts.csv, not the observation
/// record) all parse against the baseline.
#[test]
fn the_baseline_fixture_facts_parse() {
    let sc = heartland::Scenario::load(&crate::baseline_path()).unwrap();
    let (obs, _) = heartland::analysis::hindcast::Observations::load(&fixture("baseline_facts.csv"), &sc).unwrap();
    assert_eq!(obs.rows.len(), 11);
    assert_eq!(obs.rows.iter().map(|o| o.last + 1).max(), Some(48), "the facts end in 2025-Q4");
}

/// Calibrates the tiny scenario on `facts` into `out` (32 points × 5 runs).
fn calibrate_tiny(facts: &Path, out: &Path, threads: &str) -> Output {
    let tiny = fixture("tiny.toml");
    let o = heartland(&[
        "calibrate",
        tiny.to_str().unwrap(),
        facts.to_str().unwrap(),
        "--points",
        "32",
        "--runs",
        "5",
        "--keep",
        "0.25",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

const CALIBRATION_FILES: [&str; 10] = [
    "design.csv",
    "posterior.csv",
    "calibrated.toml",
    "comparison.csv",
    "prior/hindcast.csv",
    "prior/scores.csv",
    "prior/reliability.csv",
    "posterior/hindcast.csv",
    "posterior/scores.csv",
    "posterior/reliability.csv",
];

#[test]
fn a_calibration_is_byte_identical_for_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = calibrate_tiny(&fixture("tiny_facts.csv"), &a.path().join("out"), "1");
    assert!(String::from_utf8_lossy(&o.stdout).contains("32 points × 5 runs = 160 runs, 8 kept"));
    calibrate_tiny(&fixture("tiny_facts.csv"), &b.path().join("out"), "2");
    for f in CALIBRATION_FILES {
        let read = |d: &Path| std::fs::read(d.join("out").join(f)).unwrap();
        assert_eq!(read(a.path()), read(b.path()), "{f}");
    }
    let report = std::fs::read_to_string(a.path().join("out/report.html")).unwrap();
    assert!(report.contains("Tiny: calibration") && report.contains("actors.kazakhstan.capability"));
    assert_eq!(files(&a.path().join("out/charts")).len(), 4);
    let design = std::fs::read_to_string(a.path().join("out/design.csv")).unwrap();
    assert_eq!(design.lines().count(), 33);
    assert_eq!(design.lines().filter(|l| l.contains(",true,")).count(), 8);
}

/// The test facts never reach the fit: with every test fact's `observed` flipped, the
/// design's scores, the posterior and the calibrated scenario are byte for byte the same,
/// while the side-by-side hindcast (which does score the test facts) changes.
#[test]
fn calibration_never_reads_a_test_fact() {
    let text = std::fs::read_to_string(fixture("tiny_facts.csv")).unwrap();
    let poisoned: String = text
        .lines()
        .map(|line| {
            if line.contains(",test,") {
                let flipped = line.replacen(",1,,test,", ",0,,test,", 1);
                if flipped != line { flipped } else { line.replacen(",0,,test,", ",1,,test,", 1) }
            } else {
                line.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(poisoned, text);
    assert_eq!(poisoned.lines().filter(|l| l.contains(",test,")).count(), 3);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(b.path().join("tiny_facts.csv"), &poisoned).unwrap();
    calibrate_tiny(&fixture("tiny_facts.csv"), &a.path().join("out"), "2");
    calibrate_tiny(&b.path().join("tiny_facts.csv"), &b.path().join("out"), "2");
    for f in ["design.csv", "posterior.csv", "calibrated.toml", "posterior/reliability.csv"] {
        let read = |d: &Path| std::fs::read(d.join("out").join(f)).unwrap();
        if f.starts_with("posterior/") {
            assert_ne!(read(a.path()), read(b.path()), "{f}: the test facts are scored after the fit");
        } else {
            assert_eq!(read(a.path()), read(b.path()), "{f}");
        }
    }
}

/// The calibrated scenario loads, and each of its runs takes its calibrated parameters from
/// one row of the posterior.
#[test]
fn the_calibrated_scenario_draws_posterior_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    calibrate_tiny(&fixture("tiny_facts.csv"), &out, "2");
    let sc = heartland::Scenario::load(&out.join("calibrated.toml")).unwrap();
    assert_eq!(sc.name, "Tiny (calibrated)");
    let posterior = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
    let header: Vec<&str> = posterior.lines().next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> =
        posterior.lines().skip(1).map(|l| l.split(',').skip(3).map(|x| x.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 8);
    let ids: Vec<_> = header[3..].iter().map(|p| sc.params.find(p).unwrap()).collect();
    let mut used = std::collections::BTreeSet::new();
    for run in 0..50 {
        let sim = heartland::simulation::Simulation::new(&sc, 7, run);
        let values: Vec<f64> = ids.iter().map(|id| sim.values().get(*id)).collect();
        // posterior.csv rounds to 9 places; the scenario holds the values exactly.
        let row = rows.iter().position(|r| r.iter().zip(&values).all(|(a, b)| (a - b).abs() < 1e-9));
        used.insert(row.unwrap_or_else(|| panic!("run {run} drew {values:?}, not a posterior row")));
    }
    assert!(used.len() >= 5, "50 runs spread over the 8 rows: {used:?}");
}

#[test]
fn a_calibration_that_cannot_start_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let tiny = fixture("tiny.toml");
    let test_only = dir.path().join("test_only.csv");
    std::fs::write(
        &test_only,
        "id,claim,quantity,mode,from,to,observed,tolerance,split,source\na,A,coop.transit,at,,2015,1,,test,R\n",
    )
    .unwrap();
    let facts = fixture("tiny_facts.csv");
    for (args, message) in [
        (vec![test_only.to_str().unwrap()], "no train facts"),
        (vec![facts.to_str().unwrap(), "--keep", "1.5"], "`keep` must lie in (0, 1]"),
        (vec![facts.to_str().unwrap(), "--points", "0"], "--points"),
    ] {
        let mut all = vec!["calibrate", tiny.to_str().unwrap()];
        all.extend(args);
        all.extend(["--out", out.to_str().unwrap()]);
        let o = heartland(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(message), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(!out.exists());
    }
}

/// The bar, on the shipped record: on the test facts (2019–2025, never fitted), the
/// baseline and the hindcast scenario each beat always 0.5, the base rate and the status quo in
/// Brier and log score. 1,000 runs: the Monte Carlo error of a mean score over 112 facts is
/// under 0.002, the margins several hundredths (docs/hindcast.md has the 4,000-run figures).
#[test]
fn the_baseline_beats_every_reference_on_the_test_facts() {
    for scenario in ["baseline_2014", "hindcast_2014"] {
        let out = tempfile::tempdir().unwrap();
        let o = heartland(&[
            "hindcast",
            scenario,
            "observations/2014_2025.csv",
            "--runs",
            "1000",
            "--quiet",
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(out.path().join("scores.csv")).unwrap();
        let score = |forecaster: &str| -> (f64, f64) {
            let row = text
                .lines()
                .map(|l| l.split(',').collect::<Vec<_>>())
                .find(|c| c[0] == "test" && c[1] == forecaster)
                .unwrap_or_else(|| panic!("no test row for {forecaster}"));
            (row[3].parse().unwrap(), row[4].parse().unwrap())
        };
        let (brier, log) = score("model");
        for reference in ["always_0.5", "base_rate", "status_quo"] {
            let (b, l) = score(reference);
            assert!(brier < b - 0.02, "{scenario}, Brier: model {brier:.4}, {reference} {b:.4}");
            assert!(log < l - 0.05, "{scenario}, log score: model {log:.4}, {reference} {l:.4}");
        }
    }
}
