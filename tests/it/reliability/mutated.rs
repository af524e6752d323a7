//! The fuzzing this issue asked for, as a replayable harness: cargo-fuzz is not installed on
//! the machine (and building it and libFuzzer offline was not possible in the time), so each
//! input kind heartland reads as it arrives (sweep files, observation files, orders files and
//! the result files `plot` reads) is fed mutated copies of a valid file (byte flips, cuts,
//! duplicated spans, hostile tokens spliced in), from a fixed seed, through the library's
//! parsers. Each must return a value or an error, never panic. Inputs that load are drawn
//! (results) so that the chart code sees them too.

use std::path::Path;

use heartland::Scenario;
use heartland::analysis::hindcast::observations::Observations;
use heartland::analysis::sweep::Sweep;
use heartland::play::orders;
use heartland::play::{Game, Team};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::fixture;

/// Tokens an attacker would try: extremes, non-numbers, control characters, huge counts.
const HOSTILE: [&str; 16] = [
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "5e-324",
    "18446744073709551616",
    "-1",
    "0",
    "\u{1b}[2J",
    "\0",
    "\"",
    ",",
    "\n",
    "9999-99-99",
    "\u{202e}",
];

fn mutate(seed: &[u8], rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=b.len());
        match rng.random_range(0..5) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] ^= 1 << rng.random_range(0..8);
            }
            1 => b.truncate(at),
            2 => {
                let end = (at + rng.random_range(1..64)).min(b.len());
                let span = b[at..end].to_vec();
                b.splice(at..at, span);
            }
            _ => {
                let t = HOSTILE[rng.random_range(0..HOSTILE.len())];
                let end = (at + rng.random_range(0..6)).min(b.len());
                b.splice(at..end, t.bytes());
            }
        }
    }
    b
}

/// `n` mutants of `seed`, from the seed `stream`, each given to `check` as text.
/// `MUTANTS=k` in the environment multiplies `n` by k, for a longer campaign than the suite's.
fn each_mutant(seed: &[u8], stream: u64, n: usize, mut check: impl FnMut(&str)) {
    let n = n * std::env::var("MUTANTS").ok().and_then(|k| k.parse::<usize>().ok()).unwrap_or(1);
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    rng.set_stream(stream);
    for _ in 0..n {
        let bytes = mutate(seed, &mut rng);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
        }
    }
}

#[test]
fn mutated_sweep_observation_and_orders_files_never_panic() {
    let tiny = Scenario::load(&fixture("tiny.toml")).unwrap();
    let sweep = std::fs::read(fixture("tiny_sweep.toml")).unwrap();
    let file = fixture("tiny_sweep.toml").display().to_string();
    each_mutant(&sweep, 1, 300, |text| {
        let _ = Sweep::parse(text, &file);
    });
    let facts = std::fs::read(fixture("tiny_facts.csv")).unwrap();
    each_mutant(&facts, 2, 400, |text| {
        let _ = Observations::parse(text, "facts.csv", &tiny);
    });
    let team = Team { name: "kazakhstan".into(), actors: vec!["kazakhstan".into()] };
    let order = b"turn = \"2014-Q1\"\nnote = \"n\"\nrest = \"model\"\n\n[decisions]\ntransit = \"stay\"\n";
    each_mutant(order, 3, 400, |text| {
        let mut g = Game::new(&tiny, 1, 0, vec![team.clone()]).unwrap();
        if let Ok(o) = orders::parse(&mut g, 0, text, "o.toml") {
            let _ = g.submit_orders(&o);
        }
    });
}

fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn mutated_result_files_never_panic_plot() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tiny = fixture("tiny.toml");
    let o = super::heartland(&[
        "run",
        tiny.to_str().unwrap(),
        "--runs",
        "5",
        "--out",
        d.join("run").to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let sweep = fixture("tiny_sweep.toml");
    let o = super::heartland(&["sweep", sweep.to_str().unwrap(), "--out", d.join("sweep").to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    let (mut loaded, mut drawn) = (0, 0);
    for (stream, (folder, file)) in [
        ("run", "series.csv"),
        ("run", "outcomes.csv"),
        ("run", "runs.csv"),
        ("run", "manifest.json"),
        ("sweep", "points.csv"),
        ("sweep", "discovery.csv"),
        ("sweep", "manifest.json"),
    ]
    .into_iter()
    .enumerate()
    {
        let case = d.join(format!("case{stream}"));
        copy_files(&d.join(folder), &case);
        let seed = std::fs::read(d.join(folder).join(file)).unwrap();
        let mut i = 0;
        each_mutant(&seed, 10 + stream as u64, 60, |text| {
            std::fs::write(case.join(file), text).unwrap();
            super::rehash(&case);
            i += 1;
            // Reading every mutant; drawing one in six (drawing is the slow part).
            let ok = if folder == "run" {
                heartland::results::Results::load(&case).is_ok()
            } else {
                heartland::results::SweepResults::load(&case).is_ok()
            };
            if ok {
                loaded += 1;
                if i % 6 == 0 {
                    let _ = heartland::report::publish(&case);
                    drawn += 1;
                }
            }
        });
    }
    assert!(loaded > 50 && drawn > 5, "loaded {loaded}, drawn {drawn}");
}

/// The files of `fuzz/corpus/<target>/`, with their bytes.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// The committed corpora of the fuzz targets `sweep`, `observations`, `orders` and `results`,
/// replayed as the targets run them (see `fuzz/fuzz_targets/`).
#[test]
fn the_new_fuzz_corpora_never_panic() {
    let baseline = Scenario::shipped("baseline_2014").unwrap().unwrap();
    let sweeps = corpus("sweep");
    for (name, bytes) in &sweeps {
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        let mut load = |_: &Path| Scenario::shipped("baseline_2014").unwrap();
        if let Ok(s) = Sweep::parse_with(text, name, &mut load) {
            assert!(s.points <= heartland::analysis::sweep::MAX_DESIGN_POINTS, "{name}");
        }
    }
    for (name, bytes) in corpus("observations") {
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let _ = Observations::parse(text, &name, &baseline);
    }
    let team = Team { name: "kazakhstan".into(), actors: vec!["kazakhstan".into()] };
    for (name, bytes) in corpus("orders") {
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let mut g = Game::new(&baseline, 1, 0, vec![team.clone()]).unwrap();
        if let Ok(o) = orders::parse(&mut g, 0, text, &name) {
            let _ = g.submit_orders(&o);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let o =
        super::heartland(&["run", "baseline_2014", "--runs", "4", "--seed", "1", "--out", run.to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    const FILES: [&str; 4] = ["series.csv", "outcomes.csv", "runs.csv", "manifest.json"];
    let results = corpus("results");
    for (_, bytes) in &results {
        let Some((&pick, rest)) = bytes.split_first() else { continue };
        let file = FILES[usize::from(pick) % FILES.len()];
        let good = std::fs::read(run.join(file)).unwrap();
        std::fs::write(run.join(file), rest).unwrap();
        super::rehash(&run);
        if heartland::results::Results::load(&run).is_ok() {
            let _ = heartland::report::publish(&run);
        }
        std::fs::write(run.join(file), good).unwrap();
        super::rehash(&run);
    }
    assert!(sweeps.len() >= 8 && results.len() >= 7);
}
