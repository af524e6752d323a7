//! Computing one shard into its own folder: its rows, its exact aggregates, and `shard.json`
//! last.

use std::path::Path;
use std::time::Instant;

use super::Shard;
use crate::analysis::sweep;
use crate::montecarlo::{self, Plan};
use crate::pipeline::{PipelineError, RunJob, SweepJob, prepare};
use crate::results::aggregates::{Aggregates, write_aggregates};
use crate::results::integrity::{DirLock, lock_dir};
use crate::results::shard::{self, FILE, ShardManifest, read_shard_manifest, write_shard_manifest};
use crate::results::{OutputError, PointsWriter, RunsWriter, SweepRunsWriter};

/// What a shard job did.
#[derive(Debug, Clone, PartialEq)]
pub enum ShardDone {
    /// Computed and written: the manifest.
    Written(ShardManifest),
    /// `--resume` found the shard complete in its folder: nothing was done.
    AlreadyComplete(ShardManifest),
}

impl ShardDone {
    /// The shard's manifest.
    pub fn manifest(&self) -> &ShardManifest {
        match self {
            ShardDone::Written(m) | ShardDone::AlreadyComplete(m) => m,
        }
    }
}

/// The manifest of `shard` of a work, before its rows are known.
pub(super) fn manifest(
    kind: &str,
    input: (&str, &str),
    scenario_sha256: &str,
    seed: u64,
    design: &str,
    total: u64,
) -> ShardManifest {
    ShardManifest {
        format: shard::FORMAT.into(),
        version: shard::VERSION,
        tool: "heartland".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        kind: kind.into(),
        input: input.0.into(),
        input_sha256: input.1.into(),
        scenario_sha256: scenario_sha256.into(),
        seed,
        design: design.into(),
        total,
        per_run: false,
        observations: String::new(),
        observations_sha256: String::new(),
        calibration: None,
        shards: 1,
        shard: 0,
        first: 0,
        end: 0,
        rows: Default::default(),
        sha256: Default::default(),
        threads: 0,
        wall_seconds: 0.0,
    }
}

/// With `resume`, the manifest of a complete shard of the same work in `out`: its identity and
/// range match `want`'s and every file it lists has its recorded hash. A folder whose tables
/// do not match its manifest is never taken as complete.
fn complete(out: &Path, want: &ShardManifest) -> Option<ShardManifest> {
    let found = read_shard_manifest(&out.join(FILE)).ok()?;
    let same = found.identity() == want.identity()
        && (found.shard, found.first, found.end) == (want.shard, want.first, want.end);
    (same && shard::verify(out, &found.sha256).is_ok()).then_some(found)
}

/// Opens `out` for the shard `want`: with `resume` and the shard already complete there,
/// `Err` with its manifest (nothing is to be done); otherwise `out` created, locked (the
/// lock is returned: two processes never share a folder), cleared of temporaries and of an
/// earlier shard's mark.
pub(super) fn begin(
    out: &Path,
    want: &ShardManifest,
    resume: bool,
) -> Result<Result<DirLock, ShardManifest>, PipelineError> {
    if resume && let Some(found) = complete(out, want) {
        return Ok(Err(found));
    }
    if !out.is_dir() {
        prepare(out)?;
    }
    let lock = lock_dir(out)?;
    prepare(out)?;
    unmark(out)?;
    Ok(Ok(lock))
}

/// Completes a shard whose files `files` are written in `out`: their hashes, the thread
/// count and the wall time since `started` into `m`, then `shard.json`, last.
pub(super) fn end(
    out: &Path,
    mut m: ShardManifest,
    files: &[&str],
    started: Instant,
) -> Result<ShardDone, PipelineError> {
    m.sha256 = shard::hashes(out, files)?;
    m.threads = rayon::current_num_threads();
    m.wall_seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    write_shard_manifest(&m, &out.join(FILE))?;
    Ok(ShardDone::Written(m))
}

/// Removes the mark of an earlier shard before its files are replaced, so that a kill from
/// here on leaves a folder no one takes as complete.
fn unmark(out: &Path) -> Result<(), PipelineError> {
    let mark = out.join(FILE);
    match std::fs::remove_file(&mark) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::Io { path: mark, source: e }.into()),
        _ => Ok(()),
    }
}

/// Shard `shard` of `job`'s runs (`job.plan` is the whole plan) into `job.out`: `runs.csv`
/// (the shard's rows), `aggregates.json` and `shard.json`. With `resume`, a shard already
/// complete there is left as it is. Comparison with a base, charts and report are the merge's.
pub fn run_shard_to_dir(
    job: &RunJob<'_>,
    shard: Shard,
    resume: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ShardDone, PipelineError> {
    let (sc, out) = (job.scenario, job.out);
    let range = shard.range(job.plan.runs);
    let mut m = manifest("run", (job.file, job.sha256), job.sha256, job.plan.seed, "runs", job.plan.runs);
    (m.shards, m.shard, m.first, m.end) = (shard.count, shard.index, range.start, range.end);
    let _lock = match begin(out, &m, resume)? {
        Ok(lock) => lock,
        Err(found) => return Ok(ShardDone::AlreadyComplete(found)),
    };
    let started = Instant::now();
    let plan = Plan { seed: job.plan.seed, first_run: range.start, runs: range.end - range.start };
    let mut writer = RunsWriter::create(sc, &out.join("runs.csv"))?;
    let summary = montecarlo::run(sc, plan, |records| writer.write(records), progress)?;
    writer.finish()?;
    write_aggregates(&Aggregates::of_run(sc, &summary), &out.join("aggregates.json"))?;
    m.rows.insert("runs.csv".into(), plan.runs);
    end(out, m, &["runs.csv", "aggregates.json"], started)
}

/// Shard `shard` of `job`'s design points into `job.out`: `points.csv` (the shard's rows),
/// `runs.csv` when `job.per_run`, `aggregates.json` and `shard.json`. With `resume`, a shard
/// already complete there is left as it is.
pub fn sweep_shard_to_dir(
    job: &SweepJob<'_>,
    shard: Shard,
    resume: bool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ShardDone, PipelineError> {
    let (sw, out) = (job.sweep, job.out);
    let total = sw.points as u64;
    let range = shard.range(total);
    let scenario_sha256 = sw.scenario.files.first().map(|f| f.sha256.clone()).unwrap_or_default();
    let design = format!("{:?}", sw.kind).to_lowercase();
    let mut m = manifest("sweep", (job.file, job.sha256), &scenario_sha256, sw.seed, &design, total);
    (m.shards, m.shard, m.first, m.end, m.per_run) = (shard.count, shard.index, range.start, range.end, job.per_run);
    let _lock = match begin(out, &m, resume)? {
        Ok(lock) => lock,
        Err(found) => return Ok(ShardDone::AlreadyComplete(found)),
    };
    let started = Instant::now();
    let mut points = PointsWriter::create(sw, &out.join("points.csv"))?;
    let mut runs = if job.per_run { Some(SweepRunsWriter::create(sw, &out.join("runs.csv"))?) } else { None };
    let sink = |batch: &[sweep::PointResult]| {
        points.write(batch)?;
        runs.as_mut().map_or(Ok(()), |w| w.write(batch))
    };
    let points_range = range.start as usize..range.end as usize;
    let results = sweep::run_range(sw, points_range, job.per_run, sink, progress)?;
    points.finish()?;
    let mut files = vec!["points.csv", "aggregates.json"];
    m.rows.insert("points.csv".into(), results.len() as u64);
    if let Some(w) = runs {
        w.finish()?;
        files.push("runs.csv");
        m.rows.insert("runs.csv".into(), results.len() as u64 * sw.replications);
    }
    write_aggregates(&Aggregates::of_points(&results), &out.join("aggregates.json"))?;
    end(out, m, &files, started)
}
