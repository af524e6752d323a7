//! The output folder is not heartland's alone: links planted in it are never followed, a
//! `charts` that is a link is refused, files of the user's that look like heartland's stay,
//! and a disk that fills up (a file-size limit) fails the run loudly without replacing a good
//! file by part of one.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output};

use super::{Files, files_under, heartland, stderr};
use crate::fixture;

fn run_into(out: &Path, extra: &[&str]) -> Output {
    let tiny = fixture("tiny.toml");
    let mut args = vec!["run", tiny.to_str().unwrap(), "--runs", "20", "--out", out.to_str().unwrap(), "-q"];
    args.extend_from_slice(extra);
    heartland(&args)
}

/// A folder outside the output folder, with a file and a chart-like file in it.
fn outside(dir: &Path) -> (std::path::PathBuf, Files) {
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for f in ["victim.txt", "trust.png", "sweep_grid.svg", ".runs.csv.1.tmp"] {
        std::fs::write(elsewhere.join(f), format!("the user's {f}\n")).unwrap();
    }
    let files = files_under(&elsewhere);
    (elsewhere, files)
}

#[test]
fn links_planted_in_the_output_folder_are_replaced_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let (elsewhere, before) = outside(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    let victim = elsewhere.join("victim.txt");
    // Links under every name heartland writes, and under names its temporaries once had.
    for name in ["runs.csv", "series.csv", "outcomes.csv", "manifest.json", "report.html", "charts/trust.png"] {
        symlink(&victim, out.join(name)).unwrap();
    }
    for pid in 1..200 {
        symlink(&victim, out.join(format!(".runs.csv.{pid}.tmp"))).unwrap();
    }
    let o = run_into(&out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_under(&elsewhere), before, "a file outside the output folder changed");
    for name in ["runs.csv", "manifest.json", "report.html", "charts/trust.png"] {
        let m = std::fs::symlink_metadata(out.join(name)).unwrap();
        assert!(m.file_type().is_file(), "{name} is still a link");
    }
    // Links named like old temporaries are not heartland's: left alone.
    assert!(std::fs::symlink_metadata(out.join(".runs.csv.7.tmp")).unwrap().file_type().is_symlink());
}

#[test]
fn a_charts_link_is_refused_by_run_and_plot_and_nothing_outside_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (elsewhere, before) = outside(dir.path());
    let out = dir.path().join("out");
    let o = run_into(&out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    symlink(&elsewhere, out.join("charts")).unwrap();
    let o = run_into(&out, &[]);
    assert_ne!(o.status.code(), Some(0), "run wrote through a charts link");
    assert!(stderr(&o).contains("charts") && stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    let o = heartland(&["plot", out.to_str().unwrap(), "-q"]);
    assert_ne!(o.status.code(), Some(0), "plot wrote through a charts link");
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(files_under(&elsewhere), before, "a file outside the output folder changed");
    // A plain file named charts is refused too, and stays.
    std::fs::remove_file(out.join("charts")).unwrap();
    std::fs::write(out.join("charts"), "mine").unwrap();
    let o = heartland(&["plot", out.to_str().unwrap(), "-q"]);
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(out.join("charts")).unwrap(), "mine");
}

#[test]
fn the_users_files_that_look_like_heartlands_stay_and_its_own_stale_charts_go() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    let users = [".runs.csv.123.tmp", ".notes.tmp", "notes.tmp", "charts/sweep_grid.png", "charts/.trust.png.1.tmp"];
    for f in users {
        std::fs::write(out.join(f), "the user's").unwrap();
    }
    let o = run_into(&out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in users {
        assert_eq!(std::fs::read_to_string(out.join(f)).unwrap(), "the user's", "{f} was touched");
    }
    // A sweep's charts, drawn by heartland into this folder, are stale after a run: removed.
    let sweep = fixture("tiny_sweep.toml");
    let swept = dir.path().join("swept");
    let o = heartland(&["sweep", sweep.to_str().unwrap(), "--out", swept.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(swept.join("charts/discovery.svg").is_file());
    std::fs::write(swept.join("charts/cooperation.png"), "the user's").unwrap();
    let o = run_into(&swept, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!swept.join("charts/discovery.svg").exists(), "heartland's own stale chart stayed");
    assert!(swept.join("charts/cooperation.svg").is_file());
}

/// `heartland run` with a file-size limit of `bytes` (SIGXFSZ ignored, so writes fail with
/// EFBIG as on a full disk).
fn run_limited(out: &Path, seed: &str, bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let tiny = fixture("tiny.toml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heartland"));
    cmd.args(["run", tiny.to_str().unwrap(), "--runs", "20", "--seed", seed, "--out", out.to_str().unwrap(), "-q"]);
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_full_disk_fails_the_run_loudly_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_into(&out, &["--seed", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let good = files_under(&out);
    // What the limited run would write, complete.
    let full = dir.path().join("full");
    let o = run_into(&full, &["--seed", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let complete = files_under(&full);
    for limit in [1_000, 8_000, 20_000, 60_000] {
        let o = run_limited(&out, "2", limit);
        assert_eq!(o.status.code(), Some(1), "limit {limit}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("cannot write") && err.contains("File too large"), "limit {limit}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        for (name, bytes) in files_under(&out) {
            // The manifest and the report carry the wall time: whole when they parse and end.
            let whole = good.get(&name) == Some(&bytes)
                || complete.get(&name) == Some(&bytes)
                || (name.ends_with("manifest.json") && serde_json::from_slice::<serde_json::Value>(&bytes).is_ok())
                || (name.ends_with("report.html") && bytes.ends_with(b"</html>\n"));
            assert!(whole, "limit {limit}: {} is part of a file", name.display());
        }
    }
}
