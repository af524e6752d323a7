//! Memory: however many runs, the Monte Carlo holds a bounded number of records.

use heartland::Scenario;
use heartland::montecarlo::{self, Plan};

use super::tiny_text;

/// Records are handed to the sink a batch at a time, and no run of the next batch starts
/// before the sink has taken the current one: however many runs, at most one batch of
/// records (1024, `montecarlo::BATCH`) is alive. Peak memory of whole runs is measured by
/// hand (docs/PERFORMANCE.md).
#[test]
fn the_monte_carlo_holds_at_most_one_batch_of_records() {
    let text = tiny_text().replace("end = \"2018-Q4\"", "end = \"2014-Q4\"");
    let sc = Scenario::parse(&text, "short.toml").unwrap();
    let finished = std::sync::atomic::AtomicU64::new(0);
    let mut next = 0;
    let mut batches = 0;
    let summary = montecarlo::run(
        &sc,
        Plan { seed: 3, first_run: 0, runs: 2500 },
        |batch| {
            assert!(!batch.is_empty() && batch.len() <= 1024, "a batch of {}", batch.len());
            assert!(batch.iter().enumerate().all(|(i, r)| r.run == next + i as u64), "records out of order");
            next += batch.len() as u64;
            // Every run finished so far is in this batch or an earlier one: none ran ahead.
            assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), next);
            batches += 1;
            Ok::<_, ()>(())
        },
        &|n| {
            finished.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
        },
    )
    .unwrap();
    assert_eq!((next, batches, summary.runs), (2500, 3, 2500));
}
