//! The result files `plot` reads, on arbitrary bytes: the first byte picks the file, the rest
//! is written as that file into a folder holding a valid run's other files; reading must
//! return the set or a located error, and a set read must draw without panicking.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const FILES: [&str; 4] = ["series.csv", "outcomes.csv", "runs.csv", "manifest.json"];

/// A folder with a small valid run of the shipped baseline, made once per fuzzing process.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("heartland-fuzz-results-{}", std::process::id()));
        let sc = heartland::Scenario::shipped("baseline_2014").expect("shipped").expect("valid");
        let plan = heartland::montecarlo::Plan { seed: 1, first_run: 0, runs: 4 };
        let job = heartland::pipeline::RunJob {
            scenario: &sc,
            file: "baseline_2014 (shipped)",
            sha256: "",
            plan,
            out: &dir,
            draw: false,
            base: None,
            parquet: false,
        };
        heartland::pipeline::run_to_dir(&job, &|_| {}).expect("a valid run");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let dir = folder();
    let file = FILES[usize::from(pick) % FILES.len()];
    let good = std::fs::read(dir.join(file)).expect("written");
    std::fs::write(dir.join(file), rest).expect("writable");
    if heartland::results::Results::load(dir).is_ok() {
        let _ = heartland::report::publish(dir);
    }
    std::fs::write(dir.join(file), good).expect("writable");
});
