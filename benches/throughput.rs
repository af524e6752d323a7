//! Throughput of the baseline in actor-decisions per CPU-second, for docs/PERFORMANCE.md.
//!
//! Criterion (benches/engine.rs) reports wall time, which on a shared machine mixes in other
//! processes' load. This reports the process's CPU time (see [`cpu_seconds`]) next to the wall
//! time, repeated, so that figures taken on a busy machine can still be read.
//!
//! ```text
//! cargo bench --bench throughput -- [--runs N] [--threads 1,2] [--repeat R] [--mode MODE] [--scenario FILE]
//! ```
//!
//! Modes: `mc` (default): `montecarlo::run` with full aggregation (every series, outcome and
//! `runs.csv` record, discarded by the sink instead of written); `sim`: the runs alone, stepped
//! to the end with nothing recorded. The same binary serves as the driver of a profile:
//! `valgrind --tool=callgrind target/release/deps/throughput-* --runs 200 --threads 1 --repeat 1`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use heartland::Scenario;
use heartland::montecarlo::{self, Plan};
use heartland::simulation::Simulation;

/// CPU time of this process so far, in seconds: the time its live threads have spent on a
/// CPU (/proc/self/task/*/schedstat, in nanoseconds), else user + system time from
/// /proc/self/stat (in 10 ms ticks, including threads that have exited). The pool's threads
/// live as long as the measurement, so the first is exact and the second a fallback.
fn cpu_seconds() -> f64 {
    let on_cpu = std::fs::read_dir("/proc/self/task").ok().map(|tasks| {
        tasks
            .flatten()
            .map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .map(|s| s.and_then(|s| s.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok())))
            .collect::<Option<Vec<u64>>>()
    });
    match on_cpu.flatten() {
        Some(ns) if !ns.is_empty() => ns.iter().sum::<u64>() as f64 / 1e9,
        _ => user_and_system_seconds(),
    }
}

fn user_and_system_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    // Linux reports these in USER_HZ, 100 per second on every architecture it ships.
    (ticks(11) + ticks(12)) / 100.0
}

struct Args {
    runs: u64,
    threads: Vec<usize>,
    repeat: usize,
    mode: String,
    scenario: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        runs: 4000,
        threads: vec![1, 2],
        repeat: 3,
        mode: "mc".into(),
        scenario: Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--runs" => a.runs = value().parse().expect("--runs N"),
            "--threads" => a.threads = value().split(',').map(|t| t.parse().expect("--threads 1,2")).collect(),
            "--repeat" => a.repeat = value().parse().expect("--repeat R"),
            "--mode" => a.mode = value(),
            "--scenario" => a.scenario = PathBuf::from(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn main() {
    let a = args();
    let sc = Scenario::load(&a.scenario).expect("a valid scenario");
    println!(
        "{} runs of {} ({} turns), mode {}, {} repeats, vector loops at {:?}",
        a.runs,
        a.scenario.display(),
        sc.calendar.turns(),
        a.mode,
        a.repeat,
        heartland::simd::widest()
    );
    println!("threads     wall s      CPU s   decisions   decisions/wall-s   decisions/CPU-s");
    for &threads in &a.threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        for _ in 0..a.repeat {
            let (cpu0, t0) = (cpu_seconds(), Instant::now());
            let decisions = pool.install(|| match a.mode.as_str() {
                "mc" => {
                    let plan = Plan { seed: 1, first_run: 0, runs: a.runs };
                    montecarlo::run(&sc, plan, |_| Ok::<_, ()>(()), &|_| {}).unwrap().decisions
                }
                "sim" => {
                    use rayon::prelude::*;
                    (0..a.runs)
                        .into_par_iter()
                        .map(|run| {
                            let mut sim = Simulation::new(&sc, 1, run);
                            sim.run_to_end();
                            sim.state().decisions
                        })
                        .sum()
                }
                other => panic!("unknown mode {other} (mc, sim)"),
            });
            let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
            let d = decisions as f64;
            println!("{threads:>7} {wall:>10.3} {cpu:>10.2} {decisions:>11} {:>18.3e} {:>17.3e}", d / wall, d / cpu);
        }
    }
}
