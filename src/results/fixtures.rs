//! The small scenario and sweep the round-trip tests write from (tests/fixtures/).

use std::path::{Path, PathBuf};

use crate::analysis::sweep::{self, PointResult, Sweep};
use crate::montecarlo::{self, Plan, RunRecord, Summary};
use crate::scenario::Scenario;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub(crate) fn tiny() -> Scenario {
    Scenario::load(&fixture("tiny.toml")).unwrap()
}

/// 40 runs of the tiny scenario: their records and summary.
pub(super) fn tiny_runs(sc: &Scenario) -> (Vec<RunRecord>, Summary) {
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
pub(super) fn tiny_sweep() -> (Sweep, Vec<PointResult>) {
    let sw = Sweep::load(&fixture("tiny_sweep.toml")).unwrap();
    let points = (0..sw.points).map(|p| sweep::run_point(&sw, p, true)).collect();
    (sw, points)
}

/// What a number reads back as after [`super::num`] wrote it.
pub(super) fn written(x: f64) -> f64 {
    super::atomic::num(x).parse().unwrap()
}

/// Facts about the tiny scenario, its `drawdown` event made a forcing.
pub(super) const TINY_FACTS: &str = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n\
    isaf,ISAF present,state.isaf > 0.5,at,,2014-Q1,1,,train,R\n\
    transit,\"Transit, sometime\",coop.transit,sometime,2014,2015,1,1,train,R\n\
    calm,Threat low,state.threat < 0.3,throughout,2016,2017,0,,test,R\n\
    down,Drawdown,event.drawdown,at,,2014-Q4,1,,test,R\n";

/// A hindcast of the tiny scenario on [`TINY_FACTS`] (40 runs).
pub(super) fn tiny_assessment() -> crate::analysis::hindcast::Assessment {
    use crate::analysis::hindcast::{Observations, hindcast};
    let mut sc = tiny();
    sc.events[0].forcing = true;
    let obs = Observations::parse(TINY_FACTS, "facts.csv", &sc).unwrap();
    hindcast(&sc, &obs, Plan { seed: 7, first_run: 0, runs: 40 }, &|_| {}).0
}
