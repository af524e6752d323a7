//! Throughput of the engine on the baseline scenario, in actor-decisions per second; one point
//! of a parameter sweep; drawing the charts and the report of a finished run.
//!
//! `cargo bench --bench engine` — see docs/PERFORMANCE.md for recorded figures and the machine.
//! Criterion reports wall time; `benches/throughput.rs` reports CPU time.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heartland::Scenario;
use heartland::analysis::sweep::{self, Sweep};
use heartland::montecarlo::{self, Plan};
use heartland::pipeline;
use heartland::simulation::Simulation;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn baseline() -> Scenario {
    Scenario::load(&manifest_dir().join("scenarios/baseline_2014.toml")).unwrap()
}

/// Actor-decisions of run 0, the unit of throughput.
fn decisions_per_run(sc: &Scenario) -> u64 {
    let mut sim = Simulation::new(sc, sc.seed, 0);
    sim.run_to_end();
    sim.state().decisions
}

fn engine(c: &mut Criterion) {
    let sc = baseline();
    let per_run = decisions_per_run(&sc);
    let per_turn = per_run / sc.calendar.turns() as u64;

    let mut g = c.benchmark_group("baseline");
    g.throughput(Throughput::Elements(per_turn));
    g.bench_function("one turn", |b| {
        let mut sim = Simulation::new(&sc, sc.seed, 0);
        b.iter(|| {
            if sim.is_done() {
                sim = Simulation::new(&sc, sc.seed, 0);
            }
            sim.step();
        })
    });
    g.throughput(Throughput::Elements(per_run));
    let mut run = 0u64;
    g.bench_function("one run", |b| {
        b.iter(|| {
            run += 1;
            let mut sim = Simulation::new(&sc, sc.seed, run);
            sim.run_to_end();
            sim.state().decisions
        })
    });
    g.finish();

    let mut g = c.benchmark_group("monte carlo");
    g.sample_size(10);
    let runs = 1000;
    g.throughput(Throughput::Elements(per_run * runs));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        g.bench_function(format!("1000 runs, {threads} thread(s), with aggregation"), |b| {
            b.iter(|| {
                pool.install(|| {
                    montecarlo::run(&sc, Plan { seed: 1, first_run: 0, runs }, |_| Ok::<_, ()>(()), &|_| {})
                })
                .unwrap()
                .decisions
            })
        });
    }
    g.finish();
}

/// One design point of the shipped sweep (China's SCO veto × Russian pressure): its 100
/// replications of the baseline, with their outcomes and outputs.
fn sweep_point(c: &mut Criterion) {
    let sw = Sweep::load(&manifest_dir().join("scenarios/sweeps/veto_pressure.toml")).unwrap();
    let per_point = sw.replications * decisions_per_run(&sw.scenario);
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(per_point));
    let mut point = 0;
    g.bench_function("one point of veto_pressure (100 runs)", |b| {
        b.iter(|| {
            point = (point + 1) % sw.points;
            sweep::run_point(&sw, point, false).reached
        })
    });
    g.finish();
}

/// Writes the four result files of `runs` runs of `sc` into `dir`, as `heartland run` does.
fn write_results(sc: &Scenario, file: &Path, runs: u64, dir: &Path) {
    let sha256 = heartland::scenario::sha256_hex(&std::fs::read(file).unwrap());
    let name = file.display().to_string();
    let plan = Plan { seed: sc.seed, first_run: 0, runs };
    let job = pipeline::RunJob {
        scenario: sc,
        file: &name,
        sha256: &sha256,
        plan,
        out: dir,
        draw: false,
        base: None,
        parquet: false,
    };
    pipeline::run_to_dir(&job, &|_| {}).unwrap();
}

/// The six charts (PNG and SVG) and report.html of a 1,000-run baseline, written once in a
/// temporary directory by the setup; each iteration redraws them (`heartland plot DIR`).
fn charts(c: &mut Criterion) {
    let file = manifest_dir().join("scenarios/baseline_2014.toml");
    let sc = Scenario::load(&file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_results(&sc, &file, 1000, dir.path());
    let mut g = c.benchmark_group("charts");
    g.sample_size(10);
    g.bench_function("publish a 1000-run baseline (6 charts, PNG + SVG, report.html)", |b| {
        b.iter(|| heartland::report::publish(dir.path()).unwrap().charts.len())
    });
    g.finish();
}

criterion_group!(benches, engine, sweep_point, charts);
criterion_main!(benches);
