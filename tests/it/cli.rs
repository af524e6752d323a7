//! The built binary: outputs, exit codes, and nothing written on bad input.

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture;

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn run_tiny(out: &Path, threads: &str) -> Output {
    let tiny = fixture("tiny.toml");
    let o = heartland(&[
        "run",
        tiny.to_str().unwrap(),
        "--runs",
        "120",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn run_writes_its_files_without_a_progress_bar_off_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_tiny(dir.path(), "2");
    assert!(o.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["charts", "manifest.json", "outcomes.csv", "report.html", "runs.csv", "series.csv"]);
    let runs = std::fs::read_to_string(dir.path().join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 121);
    assert!(runs.starts_with("run,actors.kazakhstan.capability,"));
    let series = std::fs::read_to_string(dir.path().join("series.csv")).unwrap();
    assert!(series.starts_with("date,variable,subject,mean,p05,p50,p95\n2014-01-01,state,threat,"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 120);
    assert_eq!(manifest["turns_simulated"], 120 * 20);
    assert_eq!(manifest["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["actor_decisions"].as_u64().unwrap() > 0);
}

#[test]
fn outputs_are_byte_identical_for_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_tiny(a.path(), "1");
    run_tiny(b.path(), "2");
    for f in ["runs.csv", "series.csv", "outcomes.csv"] {
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
    }
    // The manifest differs only where it should: threads and wall time.
    let strip = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("manifest.json")).unwrap()).unwrap();
        v["threads"] = 0.into();
        v["wall_seconds"] = 0.into();
        v
    };
    assert_eq!(strip(a.path()), strip(b.path()));
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(fixture("tiny.toml"))
        .unwrap()
        .replace("sides = [\"kazakhstan\", \"nato\"]", "sides = [\"kazakstan\", \"nato\"]");
    std::fs::write(&bad, text).unwrap();
    let out = dir.path().join("out");
    let o = heartland(&["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:")
            && err.contains("issues.transit.sides[0]")
            && err.contains("did you mean `kazakhstan`?"),
        "{err}"
    );
    assert!(!out.exists());
    let o = heartland(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = heartland(&["run", "no/such/file.toml", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    for args in [&["run", "--runs", "0"][..], &["run", "--threads", "0"], &["run", "--seed", "-3"], &["frobnicate"]] {
        assert_eq!(heartland(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn an_output_path_that_is_a_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "keep me").unwrap();
    let tiny = fixture("tiny.toml");
    let o = heartland(&["run", tiny.to_str().unwrap(), "--runs", "5", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn validate_and_list_describe_the_scenarios() {
    let o = heartland(&["validate", "scenarios/baseline_2014.toml"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("valid") && text.contains("68 turns") && text.contains("csto (Leader rule)"), "{text}");
    let o = heartland(&["list"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("baseline_2014.toml"));
}

#[test]
fn run_flags_work_without_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("base");
    let o = heartland(&["--threads", "2", "--runs", "6", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The baseline ran, on the threads asked for, and says so in agreeing words.
    assert!(stdout.starts_with("Baseline 2014: 6 runs of 68 turns") && stdout.contains("on 2 threads"), "{stdout}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!((manifest["runs"].as_u64(), manifest["threads"].as_u64()), (Some(6), Some(2)));
    assert!(manifest["scenario"]["file"].as_str().unwrap().ends_with("baseline_2014.toml"));
    // The terminal's outcome table gives probabilities as the report does, never `0.000`.
    assert!(!stdout.contains("0.000") && stdout.contains("0%"), "{stdout}");
    // One thread is one thread.
    let o = heartland(&["--threads", "1", "--runs", "2", "--out", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("on 1 thread,"));
    // A run flag given with another command is still an error.
    assert_eq!(heartland(&["--threads", "2", "list"]).status.code(), Some(2));
    assert_eq!(heartland(&["--runs", "0"]).status.code(), Some(2));
}
