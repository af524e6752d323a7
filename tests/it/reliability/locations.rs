//! Hostile command lines and output locations: bad input exits with 2, an output that cannot
//! be written with 1, each with a clear message, and no result file is created or clobbered.

use std::path::Path;
use std::process::Command;

use super::{Files, files_under, heartland, heartland_in, stderr, tiny_text};
use crate::fixture;

/// An output directory holding the result set of an earlier run (contents that any write
/// would change).
fn earlier_results(dir: &Path) -> Files {
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    for f in ["runs.csv", "series.csv", "outcomes.csv", "manifest.json", "report.html", "charts/state.svg"] {
        std::fs::write(dir.join(f), format!("earlier {f}\n")).unwrap();
    }
    files_under(dir)
}

#[test]
fn absurd_counts_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    let (tiny, sweep, o) = (fixture("tiny.toml"), fixture("tiny_sweep.toml"), out.to_str().unwrap());
    let (tiny, sweep) = (tiny.to_str().unwrap(), sweep.to_str().unwrap());
    for (args, says) in [
        (vec!["run", tiny, "--runs", "99999999999", "--out", o], "99999999999 is not in 1..=1000000000"),
        (vec!["run", tiny, "--runs", "-5", "--out", o], "unexpected argument '-5'"),
        (vec!["run", tiny, "--runs", "lots", "--out", o], "invalid digit"),
        (vec!["run", tiny, "--threads", "0", "--out", o], "0 is not in 1..=1024"),
        (vec!["run", tiny, "--threads", "100000", "--out", o], "100000 is not in 1..=1024"),
        (vec!["sweep", sweep, "--threads", "0", "--out", o], "0 is not in 1..=1024"),
        (vec!["compare", tiny, tiny, "--runs", "0"], "0 is not in 1..=1000000000"),
        (vec!["compare", tiny, tiny, "--runs", "99999999999"], "99999999999 is not in 1..=1000000000"),
    ] {
        let o = heartland(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(files_under(&out), earlier, "the earlier results were touched");
}

#[test]
fn an_output_path_under_a_file_is_an_io_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, "keep me").unwrap();
    let tiny = fixture("tiny.toml");
    let sweep = fixture("tiny_sweep.toml");
    let under = file.join("results");
    for command in ["run", "sweep"] {
        let input = if command == "run" { &tiny } else { &sweep };
        let o = heartland(&[command, input.to_str().unwrap(), "--out", under.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("cannot write {}", under.display())), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A directory the user cannot write to. Tests often run as root, which permission bits do not
/// stop: then the binary is run as `nobody` (uid 65534), for whom they hold. Where neither is
/// possible the check is skipped with a note rather than faked.
#[test]
fn an_output_directory_that_is_not_writable_is_an_io_error_and_stays_as_it_was() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tiny = dir.path().join("tiny.toml");
    std::fs::copy(fixture("tiny.toml"), &tiny).unwrap();
    std::fs::set_permissions(&tiny, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    for d in [out.clone(), out.join("charts")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let root = std::fs::metadata(&tiny).unwrap().uid() == 0; // the owner of a file we just made
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heartland"));
    cmd.args(["run", tiny.to_str().unwrap(), "--runs", "5", "--out", out.to_str().unwrap()]).current_dir(dir.path());
    if root {
        cmd.uid(65534).gid(65534);
    } else if std::fs::File::create(out.join(".probe")).is_ok() {
        eprintln!("skipped: permission bits do not stop this user from writing");
        return;
    }
    let o = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipped: cannot run the binary as an unprivileged user: {e}");
            return;
        }
    };
    if o.status.code() == Some(2) && stderr(&o).contains("tiny.toml") {
        eprintln!("skipped: the unprivileged user cannot read the scenario: {}", stderr(&o));
        return;
    }
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write") && stderr(&o).contains("Permission denied"), "{}", stderr(&o));
    for d in [out.clone(), out.join("charts")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(files_under(&out), earlier);
}

#[test]
fn a_sweep_whose_scenario_is_missing_or_elsewhere_is_located_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("sweeps");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
    std::fs::write(dir.path().join("elsewhere/notes.txt"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let out = dir.path().join("out");
    let earlier = earlier_results(&out);
    let sweep = std::fs::read_to_string(fixture("tiny_sweep.toml")).unwrap();
    for (target, says) in [
        ("no_such_scenario.toml", "cannot read the scenario"),
        ("../elsewhere", "cannot read the scenario"),
        ("../elsewhere/notes.txt", "notes.txt:1:"),
        ("../../../../../../../../../../no/such/place.toml", "cannot read the scenario"),
    ] {
        let file = inputs.join("sweep.toml");
        std::fs::write(&file, sweep.replace("scenario = \"tiny.toml\"", &format!("scenario = \"{target}\""))).unwrap();
        let o = heartland(&["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(says), "{target}: {err}");
        if says == "cannot read the scenario" {
            assert!(err.contains("sweep.toml:4:12") && err.contains("key: sweep.scenario"), "{err}");
        }
    }
    assert_eq!(files_under(&out), earlier);
}

/// A scenario's `name` never becomes a path: the default output folder is named after the
/// file, so a hostile name cannot send results outside `outputs/`.
#[test]
fn a_scenario_name_cannot_steer_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let text = tiny_text().replace("name = \"Tiny\"", "name = \"../../../escaped\"");
    std::fs::write(work.join("evil.toml"), text).unwrap();
    let o = heartland_in(&work, &["run", "evil.toml", "--runs", "3", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(work.join("outputs/evil/manifest.json").is_file());
    let mut top: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    top.sort();
    assert_eq!(top, ["work"]);
    let mut inside: Vec<_> = std::fs::read_dir(&work).unwrap().map(|e| e.unwrap().file_name()).collect();
    inside.sort();
    assert_eq!(inside, ["evil.toml", "outputs"]);
}
