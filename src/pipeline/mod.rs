//! Pipelines: from checked input to a complete output folder.
//!
//! [`run_to_dir`] plays a scenario's Monte Carlo and writes `runs.csv`, `series.csv`,
//! `outcomes.csv` and `manifest.json`; [`sweep_to_dir`] runs a sweep and writes `points.csv`
//! (and `runs.csv`, `sensitivity.csv`, `discovery.csv`) with its manifest. Both then draw the
//! charts and `report.html` from the files just written, when the `charts` feature is on and
//! the job asks for them. With `parquet` set (cargo feature `parquet`), `runs.parquet` and
//! `points.parquet` are converted from the finished CSV files, in the same staged set. The binary, the benchmarks and the tests all call these, so there is
//! one way to produce a result set.
//!
//! [`hindcast_to_dir`] scores a scenario against an observation file and writes
//! `hindcast.csv`, `scores.csv`, `reliability.csv` and its manifest.
//!
//! [`calibrate_to_dir`] fits a scenario's uncertain parameters on the train facts and writes
//! `design.csv`, `posterior.csv`, `calibrated.toml`, `comparison.csv`, the prior's and the
//! posterior's hindcast tables in `prior/` and `posterior/`, and its manifest.
//!
//! A variant's run (a scenario that `extends` another) is also compared with its base on
//! common random numbers, into `comparison.csv`, which its report shows; [`compare_to_dir`]
//! does that comparison alone, for `heartland compare`.
//!
//! A pipeline runs on the current rayon pool (install one to choose the thread count) and
//! reports progress through a callback; it never prints.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::analysis::compare::{self, OutcomeDiff};
use crate::analysis::hindcast::calibrate::CalibrationError;
use crate::analysis::prim::Trajectory;
use crate::analysis::sweep::{self, PointResult, SensitivityRow, Sweep};
use crate::montecarlo::{self, Plan, Summary};
use crate::results::comparison::{ComparisonInfo, write_comparison};
use crate::results::datapackage::write_datapackage;
use crate::results::integrity::{Stage, digests};
use crate::results::labels::{Labels, outcome_rules};
use crate::results::{
    Manifest, ManifestScenario, OutcomeRow, OutputError, PointsWriter, RunsWriter, SweepManifest, SweepRunsWriter,
    outcome_rows, remove_stale_temporaries, write_discovery, write_manifest, write_outcomes, write_sensitivity,
    write_series, write_sweep_manifest,
};
use crate::scenario::Scenario;

mod assess;
mod tournament;
pub use assess::{CalibrateDone, CalibrateJob, Extends, HindcastDone, HindcastJob, calibrate_to_dir, hindcast_to_dir};
pub(crate) use assess::{Fitted, calibrate_from, finish_hindcast};
pub use tournament::{TournamentJob, tournament_to_dir};

/// Why a pipeline stopped: its own files could not be written or drawn.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The output path exists and is not a directory.
    #[error("the output path {} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// A result file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A calibration could not start (checked before anything is written by the binary).
    #[error(transparent)]
    Calibration(#[from] CalibrationError),
    /// The calibrated scenario did not validate: a bug in heartland, not in the input.
    #[error("the calibrated scenario does not load (please report this):\n{0}")]
    Calibrated(String),
    /// Parquet was asked for from a heartland built without the `parquet` feature.
    #[error("built without Parquet: rebuild with `--features parquet`")]
    NoParquet,
    /// The charts or the report could not be drawn or written.
    #[cfg(feature = "charts")]
    #[error(transparent)]
    Publish(#[from] crate::report::PublishError),
}

/// Locks `out` (created if needed) and opens a staging folder in it for a whole result set,
/// swapped in by [`Stage::commit`] once every file is written ([`crate::results::integrity`]).
pub(crate) fn stage(out: &Path) -> Result<Stage, PipelineError> {
    stage_named(out, "manifest.json")
}

/// [`stage`] for a set whose manifest (swapped in last) is named `manifest`.
pub(crate) fn stage_named(out: &Path, manifest: &'static str) -> Result<Stage, PipelineError> {
    if out.exists() && !out.is_dir() {
        return Err(PipelineError::NotADirectory(out.to_path_buf()));
    }
    // A `charts` that is a symbolic link (or not a folder) is refused before any work, as the
    // report's writer refuses it: the set is never swapped in through it.
    if std::fs::symlink_metadata(out.join("charts")).is_ok() {
        crate::results::own_subfolder(out, "charts")?;
    }
    let stage = Stage::begin_with(out, manifest)?;
    // A job killed mid-way leaves hidden temporaries, never half a result file: clear them.
    remove_stale_temporaries(out)?;
    Ok(stage)
}

/// Creates `out` if needed and clears the temporaries an interrupted job left in it.
pub(crate) fn prepare(out: &Path) -> Result<(), PipelineError> {
    if out.exists() && !out.is_dir() {
        return Err(PipelineError::NotADirectory(out.to_path_buf()));
    }
    std::fs::create_dir_all(out).map_err(|source| OutputError::Io { path: out.to_path_buf(), source })?;
    // A job killed mid-way leaves hidden temporaries, never half a result file: clear them.
    remove_stale_temporaries(out)?;
    Ok(())
}

/// Writes `out/TABLE.parquet` from `out/TABLE.csv` ([`crate::results::parquet`]), or says
/// that this heartland was built without the `parquet` feature.
fn write_parquet(out: &Path, table: &str) -> Result<(), PipelineError> {
    #[cfg(feature = "parquet")]
    {
        crate::results::parquet::write_from_csv(out, &format!("{table}.csv"), &format!("{table}.parquet"))?;
        Ok(())
    }
    #[cfg(not(feature = "parquet"))]
    {
        let _ = (out, table);
        Err(PipelineError::NoParquet)
    }
}

/// Draws `out/charts/` and `out/report.html` from the files in `out`; returns the seconds it
/// took, or `None` when drawing was not asked for (or the `charts` feature is off).
fn publish(out: &Path, draw: bool) -> Result<Option<f64>, PipelineError> {
    if !draw {
        return Ok(None);
    }
    #[cfg(feature = "charts")]
    {
        let started = Instant::now();
        crate::report::publish(out)?;
        Ok(Some(started.elapsed().as_secs_f64()))
    }
    #[cfg(not(feature = "charts"))]
    {
        let _ = out;
        Ok(None)
    }
}

/// A Monte Carlo run of one scenario into a folder.
#[derive(Debug, Clone, Copy)]
pub struct RunJob<'a> {
    /// The checked scenario.
    pub scenario: &'a Scenario,
    /// How the manifest names the scenario: the path it was read from, or its shipped name.
    pub file: &'a str,
    /// Hex SHA-256 of the scenario file's bytes.
    pub sha256: &'a str,
    /// Which runs.
    pub plan: Plan,
    /// The output folder (created if missing).
    pub out: &'a Path,
    /// Draw the charts and the report after the tables.
    pub draw: bool,
    /// The scenario this one extends, to compare with into `comparison.csv`.
    pub base: Option<Base<'a>>,
    /// Also write `runs.parquet` (needs the cargo feature `parquet`).
    pub parquet: bool,
}

/// The scenario a variant extends.
#[derive(Debug, Clone, Copy)]
pub struct Base<'a> {
    /// The checked base scenario.
    pub scenario: &'a Scenario,
    /// Its file, as the variant names it.
    pub file: &'a str,
}

/// Runs of each scenario when a variant's run is compared with its base (at most).
pub const COMPARE_RUNS: u64 = 4000;

/// What a finished run job leaves besides its files.
#[derive(Debug, Clone)]
pub struct RunDone {
    /// The aggregates over all runs.
    pub summary: Summary,
    /// The rows of `outcomes.csv`.
    pub outcomes: Vec<OutcomeRow>,
    /// Threads of the pool the runs used.
    pub threads: usize,
    /// Seconds spent running and writing the tables.
    pub wall_seconds: f64,
    /// Seconds spent drawing the charts and the report, if they were drawn.
    pub drawing_seconds: Option<f64>,
    /// The comparison with the base and its paired runs, for a variant.
    pub comparison: Option<(Vec<OutcomeDiff>, u64)>,
}

/// Runs `job` on the current rayon pool; `progress` is called with 1 as each run finishes.
pub fn run_to_dir(job: &RunJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<RunDone, PipelineError> {
    let stage = stage(job.out)?;
    let done = run_into(&RunJob { out: stage.dir(), ..*job }, progress)?;
    stage.commit()?;
    Ok(done)
}

/// [`run_to_dir`] into the staging folder `job.out`.
fn run_into(job: &RunJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<RunDone, PipelineError> {
    let (sc, out, plan) = (job.scenario, job.out, job.plan);
    prepare(out)?;
    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let mut writer = RunsWriter::create(sc, &out.join("runs.csv"))?;
    let summary = montecarlo::run(sc, plan, |records| writer.write(records), progress)?;
    writer.finish()?;
    let wall = started.elapsed().as_secs_f64();
    finish_run(job, summary, threads, wall)
}

/// Completes a run's folder once `runs.csv` is written and `summary` holds every run of
/// `job.plan`: `series.csv`, `outcomes.csv`, a variant's `comparison.csv`, the manifest, then
/// the charts and the report. A single process and a merge of shards both end here, so they
/// write the same files.
pub(crate) fn finish_run(
    job: &RunJob<'_>,
    summary: Summary,
    threads: usize,
    wall: f64,
) -> Result<RunDone, PipelineError> {
    let (sc, out, plan) = (job.scenario, job.out, job.plan);
    let outcomes = outcome_rows(sc, &summary);
    write_series(sc, &summary, &out.join("series.csv"))?;
    write_outcomes(&outcomes, &out.join("outcomes.csv"))?;
    let mut files = vec!["runs.csv", "series.csv", "outcomes.csv", "manifest.json"];
    let comparison = match job.base {
        Some(base) => {
            let plan = Plan { seed: plan.seed, first_run: 0, runs: plan.runs.min(COMPARE_RUNS) };
            let diffs = compare_to_dir(&CompareJob { base: base.scenario, variant: sc, plan, out: Some(out) })?;
            files.push("comparison.csv");
            let info = ComparisonInfo {
                base_file: base.file.to_string(),
                base_name: base.scenario.name.clone(),
                runs: plan.runs,
                seed: plan.seed,
            };
            Some((diffs, info))
        }
        None => {
            // A comparison an earlier run of another scenario left here would be read as this one's.
            let stale = out.join("comparison.csv");
            if stale.is_file() {
                std::fs::remove_file(&stale).map_err(|source| OutputError::Io { path: stale.clone(), source })?;
            }
            None
        }
    };
    if job.parquet {
        write_parquet(out, "runs")?;
        files.push("runs.parquet");
    }
    files.push("datapackage.json");
    write_datapackage(out, &sc.name, &files)?;
    let manifest = Manifest {
        tool: "heartland",
        version: env!("CARGO_PKG_VERSION"),
        scenario: ManifestScenario {
            name: sc.name.clone(),
            description: sc.description.clone(),
            question: sc.question.clone(),
            file: job.file.to_string(),
            sha256: job.sha256.to_string(),
            sources: sc.files.clone(),
        },
        seed: plan.seed,
        first_run: plan.first_run,
        runs: plan.runs,
        threads,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        turns_per_run: summary.turns_per_run,
        turns_simulated: plan.runs * summary.turns_per_run as u64,
        actor_decisions: summary.decisions,
        file_sha256: digests(out, &files)?,
        files,
        labels: Labels::of(sc),
        outcome_conditions: outcome_rules(sc),
        cooperation_window: sc.window,
        comparison: comparison.as_ref().map(|(_, info)| info.clone()),
    };
    write_manifest(&manifest, &out.join("manifest.json"))?;
    let drawing_seconds = publish(out, job.draw)?;
    let comparison = comparison.map(|(diffs, info)| (diffs, info.runs));
    Ok(RunDone { summary, outcomes, threads, wall_seconds: wall, drawing_seconds, comparison })
}

/// Two scenarios compared on common random numbers, optionally into a folder.
#[derive(Debug, Clone, Copy)]
pub struct CompareJob<'a> {
    /// The base scenario.
    pub base: &'a Scenario,
    /// The scenario compared with it.
    pub variant: &'a Scenario,
    /// The runs, each played by both scenarios.
    pub plan: Plan,
    /// The folder to write `comparison.csv` into (created if missing), if any.
    pub out: Option<&'a Path>,
}

/// Compares `job.variant` with `job.base` ([`compare::compare`], on the current rayon pool)
/// and writes `comparison.csv` into `job.out` when given. Rows come largest change first.
pub fn compare_to_dir(job: &CompareJob<'_>) -> Result<Vec<OutcomeDiff>, PipelineError> {
    if let Some(out) = job.out {
        prepare(out)?;
    }
    let diffs = compare::compare(job.base, job.variant, job.plan);
    if let Some(out) = job.out {
        write_comparison(&diffs, &out.join("comparison.csv"))?;
    }
    Ok(diffs)
}

/// A sweep into a folder.
#[derive(Debug, Clone, Copy)]
pub struct SweepJob<'a> {
    /// The checked sweep (with its scenario).
    pub sweep: &'a Sweep,
    /// How the manifest names the sweep file.
    pub file: &'a str,
    /// Hex SHA-256 of the sweep file's bytes.
    pub sha256: &'a str,
    /// The output folder (created if missing).
    pub out: &'a Path,
    /// Also write `runs.csv`, one row per replication of every point.
    pub per_run: bool,
    /// Draw the charts and the report after the tables.
    pub draw: bool,
    /// Also write `points.parquet` (and `runs.parquet` with `per_run`; needs the cargo
    /// feature `parquet`).
    pub parquet: bool,
}

/// What a finished sweep job leaves besides its files.
#[derive(Debug, Clone)]
pub struct SweepDone {
    /// The rows of `sensitivity.csv` (empty when the design has no sensitivity analysis).
    pub sensitivity: Vec<SensitivityRow>,
    /// The PRIM peeling trajectory and the chosen box, when the sweep asks for discovery.
    pub discovery: Option<(Trajectory, Option<usize>)>,
    /// Threads of the pool the runs used.
    pub threads: usize,
    /// Seconds from the first run to the manifest.
    pub wall_seconds: f64,
}

/// Runs `job` on the current rayon pool; `progress` is called with 1 as each point finishes.
pub fn sweep_to_dir(job: &SweepJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<SweepDone, PipelineError> {
    let stage = stage(job.out)?;
    let done = sweep_into(&SweepJob { out: stage.dir(), ..*job }, progress)?;
    stage.commit()?;
    Ok(done)
}

/// [`sweep_to_dir`] into the staging folder `job.out`.
fn sweep_into(job: &SweepJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<SweepDone, PipelineError> {
    let (sw, out) = (job.sweep, job.out);
    prepare(out)?;
    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let mut points = PointsWriter::create(sw, &out.join("points.csv"))?;
    let mut runs = if job.per_run { Some(SweepRunsWriter::create(sw, &out.join("runs.csv"))?) } else { None };
    let sink = |batch: &[PointResult]| {
        points.write(batch)?;
        runs.as_mut().map_or(Ok(()), |w| w.write(batch))
    };
    let results = sweep::run(sw, job.per_run, sink, progress)?;
    points.finish()?;
    if let Some(w) = runs {
        w.finish()?;
    }
    finish_sweep(job, &results, threads, &|| started.elapsed().as_secs_f64())
}

/// Completes a sweep's folder once `points.csv` (and `runs.csv`) are written and `results`
/// holds every design point in order: `sensitivity.csv`, `discovery.csv`, the manifest, then
/// the charts and the report. A single process and a merge of shards both end here.
pub(crate) fn finish_sweep(
    job: &SweepJob<'_>,
    results: &[PointResult],
    threads: usize,
    wall: &dyn Fn() -> f64,
) -> Result<SweepDone, PipelineError> {
    let (sw, out) = (job.sweep, job.out);
    let sensitivity = sweep::sensitivity(sw, results);
    let discovery = sweep::discovery(sw, results);
    let mut files = vec!["points.csv", "manifest.json"];
    if job.per_run {
        files.push("runs.csv");
    }
    if !sensitivity.is_empty() {
        write_sensitivity(&sensitivity, &out.join("sensitivity.csv"))?;
        files.push("sensitivity.csv");
    }
    if let Some((trajectory, chosen)) = &discovery {
        write_discovery(sw, trajectory, *chosen, &out.join("discovery.csv"))?;
        files.push("discovery.csv");
    }
    if job.parquet {
        write_parquet(out, "points")?;
        files.push("points.parquet");
        if job.per_run {
            write_parquet(out, "runs")?;
            files.push("runs.parquet");
        }
    }
    let wall = wall();
    let sc = &sw.scenario;
    files.push("datapackage.json");
    write_datapackage(out, &sw.name, &files)?;
    let manifest = SweepManifest {
        tool: "heartland",
        version: env!("CARGO_PKG_VERSION"),
        sweep: sw.name.clone(),
        sweep_file: job.file.to_string(),
        sweep_sha256: job.sha256.to_string(),
        scenario: ManifestScenario {
            name: sc.name.clone(),
            description: sc.description.clone(),
            question: sc.question.clone(),
            file: sw.scenario_file.clone(),
            sha256: sc.files.first().map(|f| f.sha256.clone()).unwrap_or_default(),
            sources: sc.files.clone(),
        },
        design: format!("{:?}", sw.kind).to_lowercase(),
        parameters: sw.params.iter().map(|p| p.path.clone()).collect(),
        points: sw.points,
        replications: sw.replications,
        runs: sw.runs(),
        seed: sw.seed,
        threads,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        file_sha256: digests(out, &files)?,
        files,
        labels: Labels::of(sc),
    };
    write_sweep_manifest(&manifest, &out.join("manifest.json"))?;
    publish(out, job.draw)?;
    Ok(SweepDone { sensitivity, discovery, threads, wall_seconds: wall })
}
