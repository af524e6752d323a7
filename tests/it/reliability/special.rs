//! Special files and standard streams: a FIFO, a device or a directory given where a file is
//! read is refused at once (exit 2, a clear message, no hang, no memory exhausted); a full,
//! closed or broken standard output or error never panics and never passes for success.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{bounded, stderr, tiny_text};
use crate::fixture;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// A folder with the tiny scenario and its sweep and facts, a FIFO, a link to /dev/zero and a
/// directory.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("tiny.toml"), tiny_text()).unwrap();
    std::fs::copy(fixture("tiny_sweep.toml"), d.join("tiny_sweep.toml")).unwrap();
    std::fs::copy(fixture("tiny_facts.csv"), d.join("facts.csv")).unwrap();
    mkfifo(&d.join("fifo"));
    std::os::unix::fs::symlink("/dev/zero", d.join("zero")).unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    dir
}

fn refused(o: &Output, args: &[&str], says: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    for s in says {
        assert!(err.contains(s), "{args:?}: `{s}` not in {err}");
    }
}

#[test]
fn special_files_as_scenario_base_sweep_or_observations_are_refused_at_once() {
    let dir = folder();
    let d = dir.path();
    let not_regular = "is not a regular file";
    // The scenario itself, through every command that reads one.
    for (special, says) in [("fifo", not_regular), ("zero", not_regular), ("folder", "is a directory")] {
        for args in [
            vec!["validate", special],
            vec!["run", special, "--out", "out", "-q"],
            vec!["sources", special],
            vec!["params", special],
            vec!["compare", "tiny.toml", special],
            vec!["hindcast", special, "facts.csv", "--out", "out", "-q"],
            vec!["sweep", special, "--out", "out", "-q"],
        ] {
            refused(&bounded(d, &args), &args, &[special, says]);
        }
        // The observation file.
        let args = ["hindcast", "tiny.toml", special, "--runs", "5", "--out", "out", "-q"];
        refused(&bounded(d, &args), &args, &[special]);
        // A base scenario, named by `extends`: located at the `extends` line.
        let variant = format!("[scenario]\nextends = \"{special}\"\nname = \"V\"\n");
        std::fs::write(d.join("variant.toml"), variant).unwrap();
        let args = ["validate", "variant.toml"];
        refused(&bounded(d, &args), &args, &["cannot read the base scenario", "variant.toml:2"]);
        // The scenario a sweep names.
        let sweep = std::fs::read_to_string(d.join("tiny_sweep.toml")).unwrap();
        std::fs::write(d.join("s.toml"), sweep.replace("\"tiny.toml\"", &format!("\"{special}\""))).unwrap();
        let args = ["sweep", "s.toml", "--out", "out", "-q"];
        refused(&bounded(d, &args), &args, &[special]);
    }
    assert!(!d.join("out").exists(), "an output folder was made");
}

#[test]
fn large_sweep_and_scenario_files_are_refused_while_reading() {
    let dir = folder();
    let d = dir.path();
    let mut sweep = std::fs::read_to_string(d.join("tiny_sweep.toml")).unwrap();
    sweep.push_str(&format!("# {}\n", "x".repeat(2 << 20)));
    std::fs::write(d.join("big_sweep.toml"), sweep).unwrap();
    let args = ["sweep", "big_sweep.toml", "--out", "out", "-q"];
    refused(&bounded(d, &args), &args, &["big_sweep.toml", "larger than"]);
    let mut text = tiny_text();
    text.push_str(&format!("# {}\n", "x".repeat(5 << 20)));
    std::fs::write(d.join("big.toml"), text).unwrap();
    let args = ["validate", "big.toml"];
    refused(&bounded(d, &args), &args, &["big.toml", "larger than"]);
}

#[test]
fn special_result_files_are_refused_by_plot() {
    let dir = folder();
    let d = dir.path();
    let out = d.join("out");
    let o = bounded(d, &["run", "tiny.toml", "--runs", "5", "--out", "out", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["manifest.json", "series.csv", "outcomes.csv", "runs.csv"] {
        let keep = out.join(format!("{file}.keep"));
        std::fs::rename(out.join(file), &keep).unwrap();
        for special in [PathBuf::from("fifo"), PathBuf::from("zero")] {
            std::os::unix::fs::symlink(d.join(&special), out.join(file)).unwrap();
            let args = ["plot", "out", "-q"];
            let o = bounded(d, &args);
            assert_ne!(o.status.code(), Some(0), "{file} as {special:?}");
            assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
            std::fs::remove_file(out.join(file)).unwrap();
        }
        std::fs::rename(&keep, out.join(file)).unwrap();
    }
    let o = bounded(d, &["plot", "out", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_fifo_as_orders_is_refused_at_once() {
    let dir = folder();
    let d = dir.path();
    let orders = d.join("orders/2014-Q1");
    std::fs::create_dir_all(&orders).unwrap();
    mkfifo(&orders.join("kazakhstan.toml"));
    let args = ["play", "tiny.toml", "--as", "kazakhstan", "--orders", "orders", "--save", "g.json"];
    refused(&bounded(d, &args), &args, &["kazakhstan.toml", "is not a regular file"]);
}

/// `sh -c SCRIPT` with heartland's path as `$1`, in the fixture folder.
fn shell(script: &str) -> Output {
    let dir = folder();
    Command::new("sh")
        .args(["-c", script, "sh", env!("CARGO_BIN_EXE_heartland")])
        .current_dir(dir.path())
        .output()
        .unwrap()
}

#[test]
fn a_full_or_closed_standard_output_fails_loudly_without_a_panic() {
    for (script, code) in [
        // Full: the listing was not delivered.
        ("\"$1\" validate tiny.toml > /dev/full", 1),
        ("\"$1\" list > /dev/full", 1),
        ("\"$1\" params tiny.toml --csv > /dev/full", 1),
        ("\"$1\" run tiny.toml --runs 5 --out out > /dev/full", 1),
        ("\"$1\" --help > /dev/full", 1),
        ("\"$1\" --version >&-", 1),
        // Closed before the start.
        ("\"$1\" validate tiny.toml >&-", 1),
        ("\"$1\" list >&-", 1),
        // Bad input with a full or closed standard error: still exit 2, no panic (101).
        ("\"$1\" validate folder 2> /dev/full", 2),
        ("\"$1\" validate folder 2>&-", 2),
        ("\"$1\" validate folder > /dev/full 2>&-", 2),
    ] {
        let o = shell(script);
        assert_eq!(o.status.code(), Some(code), "{script}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{script}: {}", stderr(&o));
        if code == 1 {
            assert!(stderr(&o).contains("standard output"), "{script}: {}", stderr(&o));
        }
    }
    // Quiet commands print nothing, so a closed standard output costs them nothing; a reader
    // that leaves early (`| head`) had what it wanted.
    for script in ["\"$1\" run tiny.toml --runs 5 --out out -q >&-", "\"$1\" list | head -1 >/dev/null"] {
        let o = shell(script);
        assert_eq!(o.status.code(), Some(0), "{script}: {}", stderr(&o));
    }
    // A shell's own `> /dev/null` is not a closed output.
    let o = shell("\"$1\" validate tiny.toml > /dev/null");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
