//! Throughput of the engine on the baseline scenario, in actor-decisions per second.
//!
//! `cargo bench` — see docs/PERFORMANCE.md for recorded figures and the machine.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use heartland::Scenario;
use heartland::montecarlo::{self, Plan};
use heartland::simulation::Simulation;

fn baseline() -> Scenario {
    Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml")).unwrap()
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

criterion_group!(benches, engine);
criterion_main!(benches);
