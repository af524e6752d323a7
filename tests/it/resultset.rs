//! A result set as a whole, through the built binary: a folder holds the old complete set or
//! the new one, never a mix; `plot` refuses a mixed one; two runs into one folder do not
//! interleave; heartland deletes only the files it knows it wrote; `--resume` skips a
//! complete set.

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture;

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn run(out: &Path, seed: &str, runs: &str) -> Output {
    heartland(&["run", &s(&fixture("tiny.toml")), "--runs", runs, "--seed", seed, "--out", &s(out), "-q"])
}

fn plot(dir: &Path) -> Output {
    heartland(&["plot", &s(dir), "-q"])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn plot_refuses_a_mixed_set_and_an_incomplete_one() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(run(&a, "1", "20").status.success());
    assert!(run(&b, "2", "20").status.success());
    assert!(plot(&a).status.success());
    // The manifest lists every table with its SHA-256.
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    for table in ["runs.csv", "series.csv", "outcomes.csv"] {
        assert!(manifest.contains(&format!("\"{table}\": \"")), "{table} not in file_sha256");
    }
    // Another run's table beside this run's manifest: refused, the file named, exit 2.
    std::fs::copy(b.join("series.csv"), a.join("series.csv")).unwrap();
    let o = plot(&a);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("series.csv") && stderr(&o).contains("mixed or damaged result set"), "{}", stderr(&o));
    // Tables without a manifest (a kill while swapping a set in): refused as incomplete.
    std::fs::remove_file(b.join("manifest.json")).unwrap();
    let o = plot(&b);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no complete result set"), "{}", stderr(&o));
    // A shard's folder is not a result set: merge it first.
    let shard = dir.path().join("shard");
    let o = heartland(&["run", &s(&fixture("tiny.toml")), "--runs", "4", "--shard", "0/2", "--out", &s(&shard), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plot(&shard);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("heartland merge"), "{}", stderr(&o));
}

#[test]
fn a_run_that_fails_part_way_leaves_the_old_set_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run(&out, "1", "20").status.success());
    let before = std::fs::read(out.join("runs.csv")).unwrap();
    // A file-size limit: the new run's runs.csv cannot be written whole.
    let script = format!(
        "ulimit -f 8; exec '{}' run '{}' --runs 3000 --seed 2 --out '{}' -q",
        env!("CARGO_BIN_EXE_heartland"),
        s(&fixture("tiny.toml")),
        s(&out)
    );
    let o = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(!o.status.success(), "the limited run succeeded");
    assert_eq!(std::fs::read(out.join("runs.csv")).unwrap(), before);
    assert!(plot(&out).status.success(), "the old set no longer reads");
}

#[test]
fn a_second_writer_into_a_locked_folder_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let lock = heartland::results::integrity::lock_dir(&out).unwrap();
    for o in [run(&out, "1", "5"), plot(&out)] {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("another heartland is writing into this folder"), "{}", stderr(&o));
    }
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.is_empty(), "{names:?}");
    drop(lock);
    assert!(run(&out, "1", "5").status.success());
    // Two runs started together: one set wins whole, the other run refuses or follows it.
    let spawn = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_heartland"))
            .args(["run", &s(&fixture("tiny.toml")), "--runs", "400", "--seed", seed, "--out", &s(&out), "-q"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
    };
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| spawn("3").unwrap());
        let b = scope.spawn(|| spawn("4").unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    for o in [&a, &b] {
        assert!(o.status.success() || stderr(o).contains("another heartland is writing"), "{}", stderr(o));
    }
    assert!(a.status.success() || b.status.success());
    assert!(plot(&out).status.success(), "the folder is not one complete set");
}

#[test]
fn only_files_an_earlier_set_listed_are_deleted_and_resume_skips_a_complete_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sweep = s(&fixture("tiny_sweep.toml"));
    let o = heartland(&["sweep", &sweep, "--per-run", "--out", &s(&out), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(out.join("notes.csv"), "mine\n").unwrap();
    // Without --per-run the new set has no runs.csv: the old one, listed, goes; notes stay.
    let o = heartland(&["sweep", &sweep, "--out", &s(&out), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("runs.csv").exists());
    assert_eq!(std::fs::read_to_string(out.join("notes.csv")).unwrap(), "mine\n");
    assert!(!out.join(".heartland-stage").exists());
    // --resume: the same work is skipped; another (per-run rows asked for) is done.
    let o = heartland(&["sweep", &sweep, "--out", &s(&out), "--resume"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("already holds this work"));
    let o = heartland(&["sweep", &sweep, "--per-run", "--out", &s(&out), "--resume", "-q"]);
    assert!(o.status.success() && out.join("runs.csv").exists());
    let tiny = s(&fixture("tiny.toml"));
    let run_out = dir.path().join("run");
    let resume = |runs: &str| heartland(&["run", &tiny, "--runs", runs, "--out", &s(&run_out), "--resume"]);
    assert!(!String::from_utf8_lossy(&resume("6").stdout).contains("already holds"));
    assert!(String::from_utf8_lossy(&resume("6").stdout).contains("already holds"));
    assert!(!String::from_utf8_lossy(&resume("7").stdout).contains("already holds"));
    // A table that no longer matches the manifest: the set is not complete, and is redone.
    std::fs::write(run_out.join("outcomes.csv"), "x\n").unwrap();
    assert!(!String::from_utf8_lossy(&resume("7").stdout).contains("already holds"));
    assert!(plot(&run_out).status.success());
}

/// A tournament's folder is a whole result set like a run's: nothing staged is left behind,
/// `tournament.json` (written last) lists every file with its SHA-256, `datapackage.json`
/// types its tables, a rerun without the Moran process removes the earlier `moran.csv`, and
/// `plot` refuses a table changed afterwards.
#[test]
fn a_tournament_is_a_whole_result_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let play = |file: &str| heartland(&["tournament", file, "--out", &s(&out), "-q"]);
    let o = play("scenarios/teaching/03_noise.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join(".heartland-stage").exists());
    let json = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(out.join(f)).unwrap()).unwrap()
    };
    let m = json("tournament.json");
    let files: Vec<&str> = m["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["players.csv", "matches.csv", "repetitions.csv", "moran.csv", "datapackage.json", "tournament.json"]
    );
    for f in &files[..5] {
        assert_eq!(m["file_sha256"][f].as_str().map(str::len), Some(64), "{f}");
    }
    assert!(m["file_sha256"].get("tournament.json").is_none());
    let package = json("datapackage.json");
    let resources = package["resources"].as_array().unwrap();
    let names: Vec<&str> = resources.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["players", "matches", "repetitions", "moran"]);
    let field = |r: usize, name: &str| {
        let fields = resources[r]["schema"]["fields"].as_array().unwrap();
        fields.iter().find(|f| f["name"] == name).unwrap()["type"].as_str().unwrap().to_string()
    };
    assert_eq!(
        (field(0, "rank"), field(0, "player"), field(0, "median_score")),
        ("integer".into(), "string".into(), "number".into())
    );
    // Another file without [moran] into the same folder: the earlier moran.csv goes.
    let o = play("scenarios/teaching/02_repeated.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("moran.csv").exists());
    assert!(plot(&out).status.success());
    let players = std::fs::read_to_string(out.join("players.csv")).unwrap();
    std::fs::write(out.join("players.csv"), players.replacen(",", ";", 2)).unwrap();
    let o = plot(&out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("players.csv") && stderr(&o).contains("mixed or damaged result set"), "{}", stderr(&o));
}
