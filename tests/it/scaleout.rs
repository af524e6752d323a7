//! Scale-out through the built binary: shards run as concurrent processes and merged give
//! byte for byte the files of one process; every merge error is named; `--resume` skips what
//! is complete and redoes what a kill interrupted.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::fixture;

fn heartland(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heartland")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn spawn(args: &[String]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// What a line records of the machine and the moment: left out of comparisons.
const MACHINE: [&str; 4] = ["\"wall_seconds\"", "\"threads\"", "<th>wall time</th>", "<th>threads</th>"];

/// Every file of `one` (recursively) equals the same file of `other`, the lines that record
/// the machine and the moment (wall time, threads) aside.
fn assert_same_set(one: &Path, other: &Path) {
    let mut files = Vec::new();
    let mut stack = vec![one.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    assert!(files.len() >= 5, "{files:?}");
    for f in files {
        let rel = f.strip_prefix(one).unwrap();
        let (a, b) = (std::fs::read(&f).unwrap(), std::fs::read(other.join(rel)).unwrap_or_default());
        let keep = |bytes: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|l| !MACHINE.iter().any(|k| l.contains(k)))
                .map(String::from)
                .collect()
        };
        let text = rel.extension().is_some_and(|e| e == "json" || e == "html");
        if text {
            let (a, b) = (keep(&a), keep(&b));
            let first = a.iter().zip(&b).position(|(x, y)| x != y);
            let show = |v: &[String]| first.and_then(|i| v.get(i).cloned()).unwrap_or_default();
            assert!(a == b, "{} differs: {} / {}", rel.display(), show(&a), show(&b));
        } else {
            assert!(a == b, "{} differs", rel.display());
        }
    }
}

/// Runs `args` whole into `dir/one`, then as `n` concurrent shard processes into `dir/n-K`,
/// merges them into `dir/merged-n`, and checks the merged set against the whole one.
fn shard_and_merge(dir: &Path, args: &[&str], ns: &[u64]) {
    let one = dir.join("one");
    let mut whole: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    whole.extend(["--out".into(), s(&one), "-q".into()]);
    ok(&heartland(&whole.iter().map(String::as_str).collect::<Vec<_>>()));
    for &n in ns {
        let folders: Vec<PathBuf> = (0..n).map(|k| dir.join(format!("{n}-{k}"))).collect();
        let children: Vec<Child> = folders
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let mut a: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                a.extend(["--shard".into(), format!("{k}/{n}"), "--out".into(), s(f), "--threads".into(), "1".into()]);
                spawn(&a)
            })
            .collect();
        for c in children {
            ok(&c.wait_with_output().unwrap());
        }
        let merged = dir.join(format!("merged-{n}"));
        let mut m = vec!["merge".to_string(), "--out".into(), s(&merged), "-q".into()];
        // In reverse: the merge orders shards by K, not by the command line.
        m.extend(folders.iter().rev().map(|f| s(f)));
        ok(&heartland(&m.iter().map(String::as_str).collect::<Vec<_>>()));
        assert_same_set(&one, &merged);
    }
}

#[test]
fn a_run_in_shards_merges_to_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = s(&fixture("tiny.toml"));
    // 1, 2, 3 shards, and 9 shards for 7 runs: two shards have nothing to do.
    shard_and_merge(dir.path(), &["run", &tiny, "--runs", "7"], &[1, 2, 3, 9]);
}

#[test]
fn a_sweep_in_shards_merges_to_the_single_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = s(&fixture("tiny_sweep.toml"));
    // The fixture has 6 design points: 8 shards leave two empty.
    shard_and_merge(dir.path(), &["sweep", &sweep, "--per-run"], &[2, 4, 8]);
}

fn shards(dir: &Path, n: u64, extra: &[&str]) -> Vec<PathBuf> {
    let tiny = s(&fixture("tiny.toml"));
    (0..n)
        .map(|k| {
            let f = dir.join(format!("s{k}"));
            let shard = format!("{k}/{n}");
            let mut a = vec!["run", &tiny, "--runs", "9", "--shard", &shard, "-q"];
            a.extend(extra);
            let out = s(&f);
            a.extend(["--out", &out]);
            ok(&heartland(&a));
            f
        })
        .collect()
}

fn merge_fails(folders: &[&Path], out: &Path, wants: &[&str]) {
    let mut a = vec!["merge".to_string(), "--out".into(), s(out)];
    a.extend(folders.iter().map(|f| s(f)));
    let o = heartland(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for w in wants {
        assert!(err.contains(w), "`{w}` not in: {err}");
    }
    assert!(!out.join("manifest.json").exists(), "a failed merge wrote a manifest");
}

#[test]
fn every_merge_error_names_the_shard_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = shards(dir.path(), 3, &[]);
    let out = dir.path().join("merged");
    // Missing: shard 1/3 not given.
    merge_fails(&[&f[0], &f[2]], &out, &["shard 1/3", "is missing", "3..6"]);
    // Duplicate: the same shard twice.
    merge_fails(&[&f[0], &f[1], &f[1], &f[2]], &out, &["both shard 1/3"]);
    // Foreign: a shard of another seed, and one of another split.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let seeded = shards(&other, 3, &["--seed", "8"]);
    merge_fails(&[&f[0], &seeded[1], &f[2]], &out, &[&s(&seeded[1]), "`seed` is 8", "has 7"]);
    let split = dir.path().join("split");
    std::fs::create_dir(&split).unwrap();
    let four = shards(&split, 4, &[]);
    merge_fails(&[&f[0], &four[1], &f[2]], &out, &[&s(&four[1]), "`shards` is 4"]);
    // Tampered: a row changed after the shard finished.
    let runs = f[2].join("runs.csv");
    let text = std::fs::read_to_string(&runs).unwrap();
    std::fs::write(&runs, text.replacen(",", ";", 3)).unwrap();
    merge_fails(&[&f[0], &f[1], &f[2]], &out, &[&s(&f[2]), "runs.csv has SHA-256", "rerun the shard"]);
    // Not a shard (an unfinished one): no shard.json.
    std::fs::remove_file(f[1].join("shard.json")).unwrap();
    merge_fails(&[&f[0], &f[1]], &out, &[&s(&f[1]), "shard.json: no such file", "--resume"]);
    // A bad --shard is refused before any work, with exit 2.
    let tiny = s(&fixture("tiny.toml"));
    for bad in ["3/3", "1/0", "-1/3", "1", "one/3"] {
        let o = heartland(&["run", &tiny, &format!("--shard={bad}"), "--out", &s(&dir.path().join("bad"))]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("K counting from 0"), "{bad}");
        assert!(!dir.path().join("bad").exists());
    }
}

#[test]
fn resume_skips_complete_shards_and_redoes_interrupted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = s(&fixture("tiny.toml"));
    let whole = dir.path().join("one");
    ok(&heartland(&["run", &tiny, "--runs", "300", "--out", &s(&whole), "-q"]));
    let shard_args = |k: u64, out: &Path| -> Vec<String> {
        ["run", &tiny, "--runs", "300", "--shard", &format!("{k}/3"), "--resume", "--threads", "1", "--out", &s(out)]
            .iter()
            .map(|a| a.to_string())
            .collect()
    };
    let folders: Vec<PathBuf> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    let resume = |k: u64| -> bool {
        let o = heartland(&shard_args(k, &folders[k as usize]).iter().map(String::as_str).collect::<Vec<_>>());
        ok(&o);
        String::from_utf8_lossy(&o.stdout).contains("already complete")
    };
    // Shard 0 completes, then is skipped.
    assert!(!resume(0));
    assert!(resume(0));
    // Shard 1 is killed at several moments, each resumed: the folder is taken as complete
    // exactly when the kill came after its manifest, which is written last.
    let mut interrupted = 0;
    for ms in [0u64, 10, 30, 60, 100, 200] {
        let mut child = spawn(&shard_args(1, &folders[1]));
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let marked = folders[1].join("shard.json").exists();
        interrupted += usize::from(!marked);
        assert_eq!(resume(1), marked, "killed after {ms} ms");
        std::fs::remove_file(folders[1].join("shard.json")).unwrap();
    }
    assert!(interrupted > 0, "no kill came before the shard finished");
    assert!(!resume(1));
    // A shard whose table no longer matches its manifest (a kill between the two, or a hand
    // edit) is not complete either: it is redone.
    assert!(!resume(2));
    std::fs::write(folders[2].join("runs.csv"), "run\n").unwrap();
    assert!(!resume(2));
    assert!(resume(2));
    let merged = dir.path().join("merged");
    let mut m = vec!["merge".to_string(), "--out".into(), s(&merged), "-q".into()];
    m.extend(folders.iter().map(|f| s(f)));
    ok(&heartland(&m.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_same_set(&whole, &merged);
    // Nothing of a killed shard is left behind: no temporaries.
    for f in &folders {
        let hidden = std::fs::read_dir(f)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"));
        assert_eq!(hidden.count(), 0);
    }
}

#[test]
fn a_hindcast_in_shards_merges_to_the_single_hindcast_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (tiny, facts) = (s(&fixture("tiny.toml")), s(&fixture("tiny_facts.csv")));
    // 9 shards for 7 runs: two have nothing to do.
    shard_and_merge(dir.path(), &["hindcast", &tiny, &facts, "--runs", "7"], &[1, 2, 3, 9]);
}

/// The calibration of `shard_and_merge` and the tests below: 6 design points of 3 runs.
fn calibration_args<'a>(tiny: &'a str, facts: &'a str) -> Vec<&'a str> {
    vec!["calibrate", tiny, facts, "--points", "6", "--runs", "3", "--keep", "0.5"]
}

#[test]
fn a_calibration_in_shards_merges_to_the_single_calibration_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (tiny, facts) = (s(&fixture("tiny.toml")), s(&fixture("tiny_facts.csv")));
    // The merge selects the posterior and runs the prior's and the posterior's hindcasts: the
    // whole folder (design.csv, posterior.csv, calibrated.toml, prior/, posterior/, charts,
    // report) is the single process's. 8 shards for 6 points leave two empty.
    shard_and_merge(dir.path(), &calibration_args(&tiny, &facts), &[1, 2, 4, 8]);
}

/// `args` as shard `k`/`n` into `out`, which must succeed.
fn shard_of(args: &[&str], k: u64, n: u64, out: &Path) {
    let shard = format!("{k}/{n}");
    let mut a = args.to_vec();
    let out = s(out);
    a.extend(["--shard", &shard, "--out", &out, "-q"]);
    ok(&heartland(&a));
}

#[test]
fn hindcast_and_calibration_merge_errors_name_the_shard_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (tiny, facts) = (s(&fixture("tiny.toml")), s(&fixture("tiny_facts.csv")));
    let calibration = calibration_args(&tiny, &facts);
    let f: Vec<PathBuf> = (0..3).map(|k| d.join(format!("c{k}"))).collect();
    for (k, f) in f.iter().enumerate() {
        shard_of(&calibration, k as u64, 3, f);
    }
    let out = d.join("merged");
    merge_fails(&[&f[0], &f[2]], &out, &["shard 1/3", "is missing", "2..4"]);
    merge_fails(&[&f[0], &f[1], &f[1], &f[2]], &out, &["both shard 1/3"]);
    // Another share kept, another observation file, another kind of work: foreign.
    let kept = d.join("kept");
    let mut other = calibration.clone();
    other[8] = "0.25";
    shard_of(&other, 1, 3, &kept);
    merge_fails(&[&f[0], &kept, &f[2]], &out, &[&s(&kept), "`calibration` is", "keep: 0.25"]);
    let text = std::fs::read_to_string(fixture("tiny_facts.csv")).unwrap();
    let edited = d.join("edited_facts.csv");
    std::fs::write(&edited, text.replacen("ISAF was", "ISAF (edited) was", 1)).unwrap();
    let observed = d.join("observed");
    let mut other = calibration.clone();
    let edited_s = s(&edited);
    other[2] = &edited_s;
    shard_of(&other, 1, 3, &observed);
    merge_fails(&[&f[0], &observed, &f[2]], &out, &[&s(&observed), "`observations_sha256` is"]);
    let hindcast = d.join("hindcast");
    shard_of(&["hindcast", &tiny, &facts, "--runs", "6"], 1, 3, &hindcast);
    merge_fails(&[&f[0], &hindcast, &f[2]], &out, &[&s(&hindcast), "`kind` is hindcast", "has calibration"]);
    // The observation file changed after the shards ran: the merge needs the one they ran.
    let moved = d.join("moving_facts.csv");
    std::fs::copy(fixture("tiny_facts.csv"), &moved).unwrap();
    let mut moving = calibration.clone();
    let moved_s = s(&moved);
    moving[2] = &moved_s;
    let g: Vec<PathBuf> = (0..2).map(|k| d.join(format!("g{k}"))).collect();
    for (k, g) in g.iter().enumerate() {
        shard_of(&moving, k as u64, 2, g);
    }
    std::fs::write(&moved, text.replacen("ISAF was", "ISAF (edited) was", 1)).unwrap();
    merge_fails(&[&g[0], &g[1]], &out, &["the shards ran the observation file", "restore it"]);
    // Tampered: the counts changed after the shard finished.
    let agg = f[2].join("aggregates.json");
    let counts = std::fs::read_to_string(&agg).unwrap();
    let tampered = counts.replacen("\"point\":", "\"point\": ", 1);
    assert_ne!(tampered, counts);
    std::fs::write(&agg, tampered).unwrap();
    merge_fails(&[&f[0], &f[1], &f[2]], &out, &[&s(&f[2]), "aggregates.json has SHA-256", "rerun the shard"]);
}

/// The integrity rule of calibration holds for shards too: with every test fact's
/// `observed` flipped, each shard's counts are byte for byte the same (a shard evaluates the
/// train facts alone), and so are the merged design, posterior and calibrated scenario, while
/// the merge's side-by-side hindcast (which scores the test facts) changes. Shards of the two
/// files do not mix.
#[test]
fn calibration_shards_never_read_a_test_fact() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("tiny_facts.csv")).unwrap();
    let poisoned: String = text
        .lines()
        .map(|line| match line.contains(",test,") {
            true if line.contains(",1,,test,") => line.replacen(",1,,test,", ",0,,test,", 1),
            true => line.replacen(",0,,test,", ",1,,test,", 1),
            false => line.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    assert_eq!(poisoned.lines().filter(|l| l.contains(",test,")).count(), 3);
    assert_ne!(poisoned, text);
    let tiny = s(&fixture("tiny.toml"));
    let mut merged = Vec::new();
    for (name, facts) in [("clean", &text), ("poisoned", &poisoned)] {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        // The same file name in both: calibrated.toml names it.
        let file = s(&d.join("tiny_facts.csv"));
        std::fs::write(&file, facts).unwrap();
        let args = calibration_args(&tiny, &file);
        let f: Vec<PathBuf> = (0..3).map(|k| d.join(format!("s{k}"))).collect();
        for (k, f) in f.iter().enumerate() {
            shard_of(&args, k as u64, 3, f);
        }
        let m = d.join("merged");
        let mut a = vec!["merge".to_string(), "--out".into(), s(&m), "-q".into()];
        a.extend(f.iter().map(|f| s(f)));
        ok(&heartland(&a.iter().map(String::as_str).collect::<Vec<_>>()));
        merged.push((f, m));
    }
    let ((clean, a), (dirty, b)) = (&merged[0], &merged[1]);
    for (x, y) in clean.iter().zip(dirty) {
        let read = |d: &Path| std::fs::read(d.join("aggregates.json")).unwrap();
        assert_eq!(read(x), read(y), "{}", x.display());
    }
    for f in ["design.csv", "posterior.csv", "calibrated.toml", "posterior/reliability.csv"] {
        let read = |d: &Path| std::fs::read(d.join(f)).unwrap();
        if f.starts_with("posterior/") {
            assert_ne!(read(a), read(b), "{f}: the test facts are scored after the fit");
        } else {
            assert_eq!(read(a), read(b), "{f}");
        }
    }
    merge_fails(&[&clean[0], &dirty[1], &clean[2]], &dir.path().join("mixed"), &["`observations_sha256` is"]);
}

#[test]
fn resume_redoes_a_killed_calibration_shard_and_skips_complete_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (tiny, facts) = (s(&fixture("tiny.toml")), s(&fixture("tiny_facts.csv")));
    // Enough points that a shard takes a few hundred milliseconds, to be killed mid-way.
    let base = ["calibrate", &tiny, &facts, "--points", "6000", "--runs", "10", "--keep", "0.01"];
    let whole = d.join("one");
    let mut a = base.to_vec();
    let whole_s = s(&whole);
    a.extend(["--out", &whole_s, "-q"]);
    ok(&heartland(&a));
    let folders: Vec<PathBuf> = (0..2).map(|k| d.join(format!("s{k}"))).collect();
    let shard_args = |k: usize| -> Vec<String> {
        let mut a: Vec<String> = base.iter().map(|x| x.to_string()).collect();
        a.extend([
            format!("--shard={k}/2"),
            "--resume".into(),
            "--threads=1".into(),
            format!("--out={}", s(&folders[k])),
        ]);
        a
    };
    let resume = |k: usize| -> bool {
        let o = heartland(&shard_args(k).iter().map(String::as_str).collect::<Vec<_>>());
        ok(&o);
        String::from_utf8_lossy(&o.stdout).contains("already complete")
    };
    assert!(!resume(0));
    assert!(resume(0));
    let mut interrupted = 0;
    for ms in [0u64, 20, 80, 200] {
        let mut child = spawn(&shard_args(1));
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let marked = folders[1].join("shard.json").exists();
        interrupted += usize::from(!marked);
        assert_eq!(resume(1), marked, "killed after {ms} ms");
        std::fs::remove_file(folders[1].join("shard.json")).unwrap();
    }
    assert!(interrupted > 0, "no kill came before the shard finished");
    assert!(!resume(1));
    let merged = d.join("merged");
    let mut m = vec!["merge".to_string(), "--out".into(), s(&merged), "-q".into()];
    m.extend(folders.iter().map(|f| s(f)));
    ok(&heartland(&m.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_same_set(&whole, &merged);
    // A whole calibration and a whole hindcast with --resume: skipped when complete, redone
    // when a table no longer matches the manifest.
    let hindcast_out = s(&d.join("hindcast"));
    let hindcast = ["hindcast", &tiny, &facts, "--runs", "20", "--resume", "--out", &hindcast_out];
    let mut calibration = base.to_vec();
    calibration.extend(["--resume", "--out", &whole_s]);
    for (args, table) in [(&hindcast[..], "hindcast/scores.csv"), (&calibration[..], "one/posterior.csv")] {
        let skipped = || String::from_utf8_lossy(&heartland(args).stdout).contains("already holds this work");
        if table.starts_with("hindcast") {
            assert!(!skipped());
        }
        assert!(skipped(), "{table}");
        std::fs::write(d.join(table), "edited\n").unwrap();
        assert!(!skipped(), "{table}");
        assert!(skipped(), "{table}");
    }
}
