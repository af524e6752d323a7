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
    assert_eq!(
        names,
        ["charts", "datapackage.json", "manifest.json", "outcomes.csv", "report.html", "runs.csv", "series.csv"]
    );
    // The Frictionless descriptor types every table's columns, outcome dates as dates.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("datapackage.json")).unwrap()).unwrap();
    let paths: Vec<&str> =
        package["resources"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["runs.csv", "series.csv", "outcomes.csv"]);
    let runs = &package["resources"][0]["schema"]["fields"];
    let outcome =
        runs.as_array().unwrap().iter().find(|f| f["name"].as_str().unwrap().starts_with("outcome.")).unwrap();
    assert_eq!((runs[0]["type"].as_str(), outcome["type"].as_str()), (Some("integer"), Some("date")));
    let runs = std::fs::read_to_string(dir.path().join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 121);
    assert!(runs.starts_with("run,actors.kazakhstan.capability,"));
    let series = std::fs::read_to_string(dir.path().join("series.csv")).unwrap();
    assert!(series.starts_with(
        "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n2014-01-01,state,threat,,,,,,"
    ));
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
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("afghanistan_collapse "));
}

fn heartland_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(dir).output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The binary stands alone: from an empty folder, far from any checkout, it lists the shipped
/// scenarios and sweeps by name and runs them by those names.
#[test]
fn the_binary_runs_shipped_scenarios_by_name_from_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let list = stdout(&heartland_in(dir.path(), &["list"]));
    let (scenarios, sweeps) = list.split_once("\nsweeps (heartland sweep NAME):\n").expect("two sections");
    let names: Vec<&str> = scenarios.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(names.len(), 9, "{list}");
    assert!(names.contains(&"baseline_2014") && names.contains(&"russia_china_rift"), "{list}");
    // Every name listed is one the commands accept, with or without `.toml`.
    for name in &names {
        let o = stdout(&heartland_in(dir.path(), &["validate", name]));
        assert!(o.starts_with(&format!("{name}: valid")), "{o}");
    }
    stdout(&heartland_in(dir.path(), &["validate", "hindcast_2014.toml"]));
    let sweep_names: Vec<&str> = sweeps.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(sweep_names, ["afghan_sensitivity", "judgements", "veto_pressure"]);

    let o = heartland_in(dir.path(), &["run", "baseline_2014", "--runs", "20", "--out", "x", "--quiet"]);
    assert!(stdout(&o).is_empty());
    let out = dir.path().join("x");
    for f in ["runs.csv", "series.csv", "outcomes.csv", "manifest.json", "report.html"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert_eq!(std::fs::read_to_string(out.join("runs.csv")).unwrap().lines().count(), 21);
    // The manifest names the shipped scenario; its digest is that of the file in the checkout.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let file = std::fs::read(crate::baseline_path()).unwrap();
    assert_eq!(manifest["scenario"]["file"], "baseline_2014 (shipped)");
    assert_eq!(manifest["scenario"]["sha256"], heartland::scenario::sha256_hex(&file));

    // A sweep written anywhere finds the shipped baseline by file name.
    let sweep = "[sweep]\nname = \"Mine\"\nscenario = \"../baseline_2014.toml\"\ndesign = \"grid\"\nreplications = 2\n\
                 [parameters]\n\"actors.russia.behaviour.pressure\" = { values = [0.0, 0.5] }\n";
    std::fs::create_dir(dir.path().join("sweeps")).unwrap();
    std::fs::write(dir.path().join("sweeps/mine.toml"), sweep).unwrap();
    stdout(&heartland_in(dir.path(), &["sweep", "sweeps/mine.toml", "--out", "s", "-q"]));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"]["file"], "baseline_2014 (shipped)");
    assert_eq!(std::fs::read_to_string(dir.path().join("s/points.csv")).unwrap().lines().count(), 3);
    // Nothing else was written.
    let mut written: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    assert_eq!(written, ["s", "sweeps", "x"]);
}

/// A name that is also an existing path is read as the path.
#[test]
fn a_path_wins_over_a_shipped_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tiny.toml"), dir.path().join("baseline_2014")).unwrap();
    let o = stdout(&heartland_in(dir.path(), &["validate", "baseline_2014"]));
    assert!(o.contains("Tiny") && !o.contains("Baseline 2014"), "{o}");
    let o = heartland_in(dir.path(), &["run", "baseline_2041"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no scenario file at baseline_2041") && err.contains("did you mean `baseline_2014`?"),
        "{err}"
    );
}

#[test]
fn params_lists_every_sweepable_path_with_its_domain_and_source() {
    let text = stdout(&heartland(&["params", "baseline_2014"]));
    let block: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("actors.russia.behaviour.pressure = ")).take(4).collect();
    assert_eq!(block[0], "actors.russia.behaviour.pressure = uniform(0.075, 0.225)");
    assert_eq!(block[1], "    domain: a number from 0 to 1e6");
    assert!(block[2].starts_with("    meaning: as a patron"), "{block:?}");
    assert!(block[3].starts_with("    source: "), "{block:?}");
    let range = text.lines().skip_while(|l| !l.starts_with("actors.russia.behaviour.pressure = ")).nth(4).unwrap();
    assert!(range.starts_with("    range (uncertainty.\"actors.*.behaviour.pressure\"): 004:"), "{range}");
    let sections: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert!(
        sections[0].starts_with("## actors: ") && sections.iter().any(|l| l.starts_with("## events: ")),
        "{sections:?}"
    );
    // The table has a row per parameter, each a path the scenario resolves.
    let sc = heartland::Scenario::load(&crate::baseline_path()).unwrap();
    let csv = stdout(&heartland(&["params", "scenarios/baseline_2014.toml", "--csv"]));
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        ["section", "path", "value", "domain", "min", "max", "source", "source_from", "defaulted", "range_source"]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), sc.params.len());
    assert!(records.iter().all(|r| sc.params.find(&r[1]).is_some()));
    let pressure = records.iter().find(|r| &r[1] == "actors.russia.behaviour.pressure").unwrap();
    assert_eq!(
        (&pressure[0], &pressure[3], &pressure[4], &pressure[5]),
        ("actors", "a number from 0 to 1e6", "0", "1000000")
    );
    assert!(text.ends_with(&format!("\n{} parameters; a sweep varies any of them by its path\n", sc.params.len())));
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
