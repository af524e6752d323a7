//! The small scenario and sweep the round-trip tests write from (tests/fixtures/).

use std::path::{Path, PathBuf};

use crate::analysis::sweep::{self, PointResult, Sweep};
use crate::montecarlo::{self, Plan, RunRecord, Summary};
use crate::scenario::Scenario;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn tiny() -> Scenario {
    Scenario::load(&fixture("tiny.toml")).unwrap()
}

/// 40 runs of the tiny scenario: their records and summary.
pub fn tiny_runs(sc: &Scenario) -> (Vec<RunRecord>, Summary) {
    let mut records = Vec::new();
    let plan = Plan { seed: 7, first_run: 0, runs: 40 };
    let summary = montecarlo::run(
        sc,
        plan,
        |batch| {
            records.extend_from_slice(batch);
            Ok::<_, ()>(())
        },
        &|_| {},
    )
    .unwrap();
    (records, summary)
}

/// The tiny sweep (a 3 × 2 grid) and its points, with per-run rows.
pub fn tiny_sweep() -> (Sweep, Vec<PointResult>) {
    let sw = Sweep::load(&fixture("tiny_sweep.toml")).unwrap();
    let points = (0..sw.points).map(|p| sweep::run_point(&sw, p, true)).collect();
    (sw, points)
}

/// What a number reads back as after [`super::num`] wrote it.
pub fn written(x: f64) -> f64 {
    super::num(x).parse().unwrap()
}
