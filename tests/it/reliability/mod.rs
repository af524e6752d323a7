//! Reliability: hostile input, crashes mid-run and bounded memory (the reliability issue).
//! Each module says what it shows; `errors.rs`, `cli.rs` and `sweep.rs` hold the rest.
//!
//! - [`generated`]: generated scenarios, valid and hostile, validate or fail located, and the
//!   valid ones run cleanly;
//! - [`catalogue`]: hostile scenario files that `errors.rs` does not cover;
//! - [`locations`]: hostile command lines and output locations, through the binary;
//! - [`bombs`]: resource bombs refused before work (sizes, memory and work estimates);
//! - [`crafted`]: crafted numbers in result files for `plot`, control characters in labels;
//! - [`folder`]: links planted in the output folder, the user's look-alike files, a full disk;
//! - [`kills`]: `run` and `sweep` killed with SIGKILL never leave half a file;
//! - [`mutated`]: mutated sweep, observation, orders and result files (the fuzzing fallback);
//! - [`special`]: FIFOs, devices and folders as input files; full and closed standard streams;
//! - [`memory`]: the Monte Carlo holds at most one batch of records.

mod bombs;
mod catalogue;
mod crafted;
mod folder;
mod generated;
mod kills;
mod locations;
mod memory;
mod mutated;
mod special;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fixture;

fn tiny_text() -> String {
    std::fs::read_to_string(fixture("tiny.toml")).unwrap()
}

fn heartland_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(cwd).output().unwrap()
}

fn heartland(args: &[&str]) -> Output {
    heartland_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Files by path relative to their folder, with their bytes.
type Files = std::collections::BTreeMap<PathBuf, Vec<u8>>;

/// Every file under `dir` (hidden ones included).
fn files_under(dir: &Path) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = Files::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Runs heartland in `cwd` with `args`, killed (and the test failed) if it takes more than 20 s.
fn bounded(cwd: &Path, args: &[&str]) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Rewrites the SHA-256 digests of `dir/manifest.json` to match the files now in `dir`: a
/// crafted result set that is consistent in itself, as an attacker who edits a table and its
/// manifest together would leave it (a set whose digests do not match is refused before any
/// of its numbers are read).
fn rehash(dir: &Path) {
    let path = dir.join("manifest.json");
    let Ok(text) = std::fs::read_to_string(&path) else { return };
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
    if let Some(map) = v.get_mut("file_sha256").and_then(|m| m.as_object_mut()) {
        for (name, digest) in map.iter_mut() {
            if let Ok(bytes) = std::fs::read(dir.join(name)) {
                *digest = serde_json::Value::String(heartland::scenario::sha256_hex(&bytes));
            }
        }
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }
}
