//! Kill -9: `run` and `sweep` killed with SIGKILL at fixed pseudo-random moments into a
//! folder holding earlier results: every result file stays whole (the earlier one or the new
//! one, never half of one), and a re-run finishes the job and leaves no temporaries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{Files, files_under, heartland, stderr};
use crate::fixture;

/// Five moments from 50 ms to 1.5 s, the same on every run of the suite.
fn kill_delays() -> Vec<Duration> {
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    (0..5)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(50 + x % 1450)
        })
        .collect()
}

/// Starts the binary, kills it with SIGKILL after `delay` and reaps it.
fn kill_after(args: &[&str], delay: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL on Unix; an error only means it had already finished
    child.wait().unwrap();
}

fn visible(files: &Files) -> Files {
    files
        .iter()
        // Hidden files and folders (temporaries, the staging folder of a set) are not results.
        .filter(|(p, _)| !p.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

fn temporaries(files: &Files) -> Vec<&PathBuf> {
    files.keys().filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".tmp")).collect()
}

/// The CSV's rows, each with as many fields as the header; panics on a malformed or ragged file.
fn csv_rows(bytes: &[u8], what: &str) -> Vec<csv::StringRecord> {
    assert!(bytes.ends_with(b"\n"), "{what} does not end with a newline");
    let mut r = csv::Reader::from_reader(bytes);
    let width = r.headers().unwrap_or_else(|e| panic!("{what}: {e}")).len();
    let rows: Vec<_> = r.records().map(|row| row.unwrap_or_else(|e| panic!("{what}: {e}"))).collect();
    assert!(rows.iter().all(|row| row.len() == width), "{what} has ragged rows");
    rows
}

fn manifest_runs(bytes: &[u8]) -> u64 {
    let m: serde_json::Value = serde_json::from_slice(bytes).expect("manifest.json parses");
    m["runs"].as_u64().expect("manifest.json names its runs")
}

/// A file as compared between two runs of the same job: without the wall time (and thread
/// count) that the manifest and the report state.
fn comparable(path: &Path, bytes: &[u8]) -> Vec<u8> {
    match path.file_name().unwrap().to_str().unwrap() {
        "manifest.json" => {
            let mut m: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            m["wall_seconds"] = 0.into();
            m["threads"] = 0.into();
            m.to_string().into_bytes()
        }
        "report.html" => String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| !l.contains("wall time"))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Every visible file is whole: the CSVs parse with full rows, the manifest parses, the charts
/// and the page end as they should.
fn assert_whole(files: &Files) {
    for (path, bytes) in files {
        let what = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                csv_rows(bytes, &what);
            }
            Some("json") => {
                serde_json::from_slice::<serde_json::Value>(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            }
            Some("png") => {
                assert!(bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]), "{what}")
            }
            Some("svg") => assert!(bytes.ends_with(b"</svg>\n"), "{what}"),
            Some("html") => assert!(bytes.ends_with(b"</html>\n"), "{what}"),
            _ => panic!("unexpected file {what}"),
        }
    }
}

/// Kills `args` at each of [`kill_delays`] in `out`, which holds the complete results
/// `earlier`; checks each time that every visible file is whole and `consistent`; then re-runs
/// to the end and checks that every file seen between kills was the earlier complete version or
/// the final one, and that no temporary is left.
fn kill_and_rerun(args: &[&str], out: &Path, earlier: &Files, consistent: impl Fn(&Files)) {
    let mut seen = Vec::new();
    for delay in kill_delays() {
        kill_after(args, delay);
        let files = visible(&files_under(out));
        assert_eq!(files.keys().collect::<Vec<_>>(), visible(earlier).keys().collect::<Vec<_>>(), "after {delay:?}");
        assert_whole(&files);
        consistent(&files);
        seen.push((delay, files));
    }
    let o = heartland(args);
    assert!(o.status.success(), "{}", stderr(&o));
    let last = files_under(out);
    assert!(temporaries(&last).is_empty(), "left behind: {:?}", temporaries(&last));
    assert_whole(&visible(&last));
    consistent(&last);
    let mut changed = 0;
    for (delay, files) in &seen {
        for (path, bytes) in files {
            let now = comparable(path, bytes);
            let (before, after) = (comparable(path, &earlier[path]), comparable(path, &last[path]));
            assert!(
                now == before || now == after,
                "{} after a kill at {delay:?} is neither the earlier nor the final one",
                path.display()
            );
            changed += usize::from(now != before);
        }
    }
    eprintln!("{}: {changed} files replaced across {} kills", args[0], seen.len());
}

#[test]
fn run_killed_at_random_moments_never_leaves_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let tiny = fixture("tiny.toml");
    let (tiny, o) = (tiny.to_str().unwrap(), out.to_str().unwrap());
    let first = heartland(&["run", tiny, "--runs", "40", "--out", o, "-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let earlier = files_under(&out);
    // In a debug build on two cores, 1500 runs take about half a second and drawing the
    // charts about two more, so the kills land while runs are played, after the tables are
    // renamed into place, and while the charts are drawn.
    let args = ["run", tiny, "--runs", "1500", "--threads", "2", "--out", o, "-q"];
    kill_and_rerun(&args, &out, &earlier, |files| {
        let runs = manifest_runs(&files[Path::new("manifest.json")]);
        let rows = csv_rows(&files[Path::new("runs.csv")], "runs.csv");
        assert!(runs == 40 || runs == 1500, "manifest says {runs} runs");
        assert!(rows.len() == 40 || rows.len() == 1500, "runs.csv has {} rows", rows.len());
        assert!(rows.iter().enumerate().all(|(i, r)| r[0] == i.to_string()), "runs.csv skips a run");
        // The manifest is written last: a new one means every table is new.
        if runs == 1500 {
            assert_eq!(rows.len(), 1500);
        }
        let outcomes = csv_rows(&files[Path::new("outcomes.csv")], "outcomes.csv");
        assert!(outcomes.iter().all(|r| r[2] == *"40" || r[2] == *"1500"), "{outcomes:?}");
        if runs == 1500 {
            assert!(outcomes.iter().all(|r| r[2] == *"1500"), "{outcomes:?}");
        }
    });
}

#[test]
fn sweep_killed_at_random_moments_never_leaves_a_truncated_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tiny.toml"), dir.path().join("tiny.toml")).unwrap();
    let text = std::fs::read_to_string(fixture("tiny_sweep.toml")).unwrap();
    assert!(text.contains("replications = 12"));
    let (small, big) = (dir.path().join("small.toml"), dir.path().join("big.toml"));
    std::fs::write(&small, &text).unwrap();
    // 6 points × 500 runs: points.csv after about 0.7 s in a debug build, charts by 1.4 s.
    std::fs::write(&big, text.replace("replications = 12", "replications = 500")).unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let first = heartland(&["sweep", small.to_str().unwrap(), "--out", o, "-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let earlier = files_under(&out);
    let args = ["sweep", big.to_str().unwrap(), "--threads", "2", "--out", o, "-q"];
    kill_and_rerun(&args, &out, &earlier, |files| {
        let runs = manifest_runs(&files[Path::new("manifest.json")]);
        assert!(runs == 72 || runs == 3000, "manifest says {runs} runs");
        assert_eq!(csv_rows(&files[Path::new("points.csv")], "points.csv").len(), 6);
    });
}

/// Found while writing the kill tests: a run killed while writing its charts left
/// `charts/.NAME.PID.tmp` files that no later run removed (only the output folder itself was
/// cleaned). Temporaries are now named `.NAME.<16 hex>.heartland.tmp`.
#[test]
fn stale_temporaries_are_removed_from_the_chart_folder_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    for f in [".runs.csv.00000000deadbeef.heartland.tmp", "charts/.trust.png.00000000deadbeef.heartland.tmp"] {
        std::fs::write(out.join(f), "half a file").unwrap();
    }
    let o = heartland(&[
        "run",
        fixture("tiny.toml").to_str().unwrap(),
        "--runs",
        "5",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = files_under(&out);
    assert!(temporaries(&files).is_empty(), "{:?}", temporaries(&files));
}
