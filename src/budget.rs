//! Limits decided before work starts: an estimate of the memory and the work a job will take,
//! from the scenario's sizes (actors, issues, recorded series, turns) and the design's (runs,
//! points, replications), in checked arithmetic, compared with bounds that the command line's
//! `--allow-large` lifts. A job beyond them is refused before it allocates or runs anything, so
//! a small valid file cannot make heartland ask for gigabytes or run for days unasked.
//!
//! The estimates are deliberately coarse upper bounds: the series histograms
//! ([`crate::montecarlo::aggregate::BINS`] cells of 4 bytes per series and turn, one set per
//! worker and one merged), each worker's per-run state (a few actor × actor tables) and a batch
//! of per-run records; the work is runs × turns × (actors² + issue participants).

use crate::montecarlo::aggregate::BINS;
use crate::scenario::Scenario;

/// The most memory a job may be estimated to need without `--allow-large`: 2 GiB.
pub const MAX_MEMORY_BYTES: u64 = 2 << 30;

/// The most work a job may be estimated to take without `--allow-large`: 10^11 units (actor
/// pairs and issue participants, per turn of every run), hours on one core; the shipped
/// baseline is below 10^8.
pub const MAX_WORK: u64 = 100_000_000_000;

/// What a job is estimated to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Bytes of memory at the peak (saturating at `u64::MAX`).
    pub memory_bytes: u64,
    /// Units of work (saturating at `u64::MAX`).
    pub work: u64,
}

/// The estimate for `runs` runs of `sc` on `threads` workers (a run, a comparison's side, a
/// hindcast; a sweep passes its points × replications).
pub fn runs(sc: &Scenario, runs: u64, threads: usize) -> Estimate {
    let (a, turns, series) = (sc.actors.len() as u128, sc.calendar.turns() as u128, sc.series.len() as u128);
    let participants: u128 = sc.issues.iter().map(|i| i.participants.len() as u128).sum();
    let workers = threads.max(1) as u128;
    let histograms = series * turns * (BINS as u128 * 4 + 16) * (workers + 1);
    let state = a * a * 8 * 8 * workers;
    let records = 1024 * (sc.params.len() as u128 + sc.outcomes.len() as u128 + 8) * 16 * 2;
    let work = u128::from(runs) * turns * (a * a + participants + 1);
    Estimate { memory_bytes: clamp(histograms + state + records), work: clamp(work) }
}

fn clamp(x: u128) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

impl Estimate {
    /// `Err` with what is too large and why, when the estimate exceeds the bounds and `allow`
    /// (the `--allow-large` flag) is not given; `what` names the job's sizes for the message.
    pub fn check(&self, allow: bool, what: &str) -> Result<(), String> {
        if allow {
            return Ok(());
        }
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        if self.memory_bytes > MAX_MEMORY_BYTES {
            return Err(format!(
                "{what} would need about {:.1} GiB of memory, more than the {:.0} GiB heartland uses unasked\n   = help: fewer turns, recorded series, actors or threads; or --allow-large if the machine has the memory",
                gib(self.memory_bytes),
                gib(MAX_MEMORY_BYTES)
            ));
        }
        if self.work > MAX_WORK {
            return Err(format!(
                "{what} would take about {:.1e} units of work, more than the {MAX_WORK:.0e} heartland does unasked (hours)\n   = help: fewer runs, replications, points or turns; or --allow-large to run it anyway",
                self.work as f64
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_grow_with_runs_and_saturate_instead_of_wrapping() {
        let sc = crate::results::fixtures::tiny();
        let small = runs(&sc, 200, 2);
        assert!(small.check(false, "x").is_ok(), "{small:?}");
        assert!(small.memory_bytes > 0 && small.work > 0);
        let huge = runs(&sc, u64::MAX, 2);
        assert_eq!(huge.work, u64::MAX);
        let e = huge.check(false, "1e18 runs").unwrap_err();
        assert!(e.contains("1e18 runs") && e.contains("--allow-large"), "{e}");
        assert!(huge.check(true, "x").is_ok());
        assert!(runs(&sc, 1, 100_000).check(false, "x").unwrap_err().contains("memory"));
    }
}
