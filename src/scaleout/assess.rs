//! Shards of a hindcast and of a calibration, and their merges.
//!
//! A hindcast's shard plays its block of the runs with the collector of every fact and keeps,
//! per fact, the runs in which it held (`aggregates.json`, kind `hindcast`): integer counts,
//! which the merge adds up and scores exactly as one process does
//! (`pipeline::finish_hindcast`).
//!
//! A calibration's shard plays its block of the design points and keeps, per point, the runs
//! in which each train fact held (kind `calibration`). The merge rebuilds the design from the
//! scenario and the seed, scores each point from its counts, selects the posterior and writes
//! everything one process writes (`pipeline::calibrate_from`), including the prior's
//! and the posterior's side-by-side hindcasts, which it runs itself: the posterior is known
//! only once every shard is in, and those two hindcasts (2 × the scenario's runs) are small
//! beside the design (points × runs per point), so sharding them would cost a second round
//! of jobs for little. As in one process, a shard evaluates the train facts alone: a test fact
//! cannot change a point's counts, its score or the posterior.

use std::path::Path;
use std::time::Instant;

use super::Shard;
use super::merge::{MergeError, ShardSet, effort, k_of};
use super::run::{ShardDone, begin, end, manifest};
use crate::analysis::hindcast::{self, FactCounts, calibrate};
use crate::montecarlo::Plan;
use crate::pipeline::{
    CalibrateDone, CalibrateJob, Fitted, HindcastDone, HindcastJob, PipelineError, calibrate_from, finish_hindcast,
    stage,
};
use crate::results::aggregates::{self, Aggregates, AggregatesKind, read_aggregates, write_aggregates};
use crate::results::shard::{ShardCalibration, ShardManifest};

/// Shard `shard` of `job`'s runs (`job.plan` is the whole plan) into `job.out`:
/// `aggregates.json` (per fact, the runs in which it held) and `shard.json`. With `resume`, a
/// shard already complete there is left as it is.
pub fn hindcast_shard_to_dir(
    job: &HindcastJob<'_>,
    shard: Shard,
    resume: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ShardDone, PipelineError> {
    let range = shard.range(job.plan.runs);
    let mut m = manifest("hindcast", (job.file, job.sha256), job.sha256, job.plan.seed, "runs", job.plan.runs);
    (m.shards, m.shard, m.first, m.end) = (shard.count, shard.index, range.start, range.end);
    (m.observations, m.observations_sha256) = (job.observations.file.clone(), job.observations_sha256.into());
    let _lock = match begin(job.out, &m, resume)? {
        Ok(lock) => lock,
        Err(found) => return Ok(ShardDone::AlreadyComplete(found)),
    };
    let started = Instant::now();
    let plan = Plan { seed: job.plan.seed, first_run: job.plan.first_run + range.start, runs: range.end - range.start };
    let (counts, decisions) = hindcast::forecast(job.scenario, job.observations, plan, progress);
    let aggregates = Aggregates::of_hindcast(job.observations, &counts, decisions);
    write_aggregates(&aggregates, &job.out.join("aggregates.json"))?;
    end(job.out, m, &["aggregates.json"], started)
}

/// Shard `shard` of `job`'s design points into `job.out`: `aggregates.json` (per point, the
/// runs in which each train fact held) and `shard.json`. With `resume`, a shard already
/// complete there is left as it is.
pub fn calibrate_shard_to_dir(
    job: &CalibrateJob<'_>,
    shard: Shard,
    resume: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ShardDone, PipelineError> {
    let settings = job.settings;
    let total = settings.points as u64;
    let range = shard.range(total);
    let mut m = manifest("calibration", (job.file, job.sha256), job.sha256, settings.seed, "points", total);
    (m.shards, m.shard, m.first, m.end) = (shard.count, shard.index, range.start, range.end);
    (m.observations, m.observations_sha256) = (job.observations.file.clone(), job.observations_sha256.into());
    m.calibration =
        Some(ShardCalibration { runs_per_point: settings.runs, keep: settings.keep, hindcast_runs: job.hindcast_runs });
    let _lock = match begin(job.out, &m, resume)? {
        Ok(lock) => lock,
        Err(found) => return Ok(ShardDone::AlreadyComplete(found)),
    };
    let started = Instant::now();
    let points = range.start as usize..range.end as usize;
    let (_, counts) = calibrate::count_points(job.scenario, job.observations, settings, points, progress)?;
    let aggregates = Aggregates::of_calibration(job.observations, settings.runs, &counts);
    write_aggregates(&aggregates, &job.out.join("aggregates.json"))?;
    end(job.out, m, &["aggregates.json"], started)
}

/// A shard's `aggregates.json`, and the error naming it.
fn part(dir: &Path, m: &ShardManifest) -> (Result<AggregatesKind, MergeError>, impl Fn(String) -> MergeError) {
    let content = move |why: String| MergeError::Content {
        dir: dir.to_path_buf(),
        shard: k_of(m),
        file: "aggregates.json".into(),
        why,
    };
    let read = read_aggregates(&dir.join("aggregates.json")).map(|a| a.kind).map_err(|e| content(e.to_string()));
    (read, content)
}

/// Merges the shards of a hindcast into `job.out` (`job.plan` the whole plan; the scenario and
/// the observation file the ones the shards ran, their SHA-256 checked by the caller): the
/// counts added, then every file [`crate::pipeline::hindcast_to_dir`] writes.
pub fn merge_hindcast_to_dir(job: &HindcastJob<'_>, set: &ShardSet) -> Result<HindcastDone, MergeError> {
    let obs = job.observations;
    let mut total = FactCounts { runs: 0, held: vec![0; obs.rows.len()] };
    let mut decisions = 0;
    for (dir, m) in &set.shards {
        let (read, content) = part(dir, m);
        let AggregatesKind::Hindcast(part) = read? else { return Err(content("not a hindcast's aggregates".into())) };
        let counts = aggregates::fact_counts(obs, &part, m.end - m.first).map_err(&content)?;
        total.runs += counts.runs;
        for (a, b) in total.held.iter_mut().zip(&counts.held) {
            *a += b;
        }
        decisions += part.decisions;
    }
    let stage = stage(job.out)?;
    let staged = HindcastJob { out: stage.dir(), ..*job };
    let (threads, wall) = effort(set);
    let done = finish_hindcast(&staged, &total, decisions, threads, &|| wall)?;
    stage.commit()?;
    Ok(done)
}

/// Merges the shards of a calibration into `job.out` (the scenario and the observation file
/// the ones the shards ran, their SHA-256 checked by the caller; `job.settings` the shards'):
/// each design point scored from its counts, then the posterior and every file
/// [`crate::pipeline::calibrate_to_dir`] writes, the prior's and the posterior's hindcasts
/// run here.
pub fn merge_calibration_to_dir(job: &CalibrateJob<'_>, set: &ShardSet) -> Result<CalibrateDone, MergeError> {
    let (sc, obs, settings) = (job.scenario, job.observations, job.settings);
    let mut counts = Vec::with_capacity(settings.points);
    for (dir, m) in &set.shards {
        let (read, content) = part(dir, m);
        let AggregatesKind::Calibration(part) = read? else {
            return Err(content("not a calibration's aggregates".into()));
        };
        counts.extend(aggregates::point_counts(obs, &part, settings.runs, (m.first, m.end)).map_err(&content)?);
    }
    let (threads, wall) = effort(set);
    let done = calibrate_from(job, || {
        calibrate::check(sc, obs, settings)?;
        let design = calibrate::Design::new(sc, settings.seed, settings.points)?;
        let points = calibrate::score_points(sc, obs, &design, &counts);
        Ok(Fitted { design, points, threads, earlier_seconds: wall })
    })?;
    Ok(done)
}
