//! Pipelines: from checked input to a complete output folder.
//!
//! [`run_to_dir`] plays a scenario's Monte Carlo and writes `runs.csv`, `series.csv`,
//! `outcomes.csv` and `manifest.json`; [`sweep_to_dir`] runs a sweep and writes `points.csv`
//! (and `runs.csv`, `sensitivity.csv`, `discovery.csv`) with its manifest. Both then draw the
//! charts and `report.html` from the files just written, when the `charts` feature is on and
//! the job asks for them. The binary, the benchmarks and the tests all call these, so there is
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

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::analysis::compare::{self, OutcomeDiff};
use crate::analysis::hindcast::calibrate::{self, CalibrationError, DesignPoint};
use crate::analysis::hindcast::{self, Assessment, Observations, Split};
use crate::analysis::prim::Trajectory;
use crate::analysis::sweep::{self, PointResult, SensitivityRow, Sweep};
use crate::montecarlo::{self, Plan, Summary};
use crate::results::comparison::{ComparisonInfo, write_comparison};
use crate::results::datapackage::write_datapackage;
use crate::results::integrity::{STAGE, Stage, digests};
use crate::results::labels::{Labels, outcome_rules};
use crate::results::{
    AtomicFile, CalibrationManifest, HindcastManifest, Manifest, ManifestCalibration, ManifestObservations,
    ManifestScenario, OutcomeRow, OutputError, PointsWriter, RunsWriter, SweepManifest, SweepRunsWriter, outcome_rows,
    prior_posterior_rows, remove_stale_temporaries, write_calibration_manifest, write_design, write_discovery,
    write_hindcast, write_hindcast_manifest, write_manifest, write_outcomes, write_posterior, write_prior_posterior,
    write_reliability, write_scores, write_sensitivity, write_series, write_sweep_manifest,
};
use crate::scenario::Scenario;

mod tournament;
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
    /// The charts or the report could not be drawn or written.
    #[cfg(feature = "charts")]
    #[error(transparent)]
    Publish(#[from] crate::report::PublishError),
}

/// Locks `out` (created if needed) and opens a staging folder in it for a whole result set,
/// swapped in by [`Stage::commit`] once every file is written ([`crate::results::integrity`]).
pub(crate) fn stage(out: &Path) -> Result<Stage, PipelineError> {
    if out.exists() && !out.is_dir() {
        return Err(PipelineError::NotADirectory(out.to_path_buf()));
    }
    // A `charts` that is a symbolic link (or not a folder) is refused before any work, as the
    // report's writer refuses it: the set is never swapped in through it.
    if std::fs::symlink_metadata(out.join("charts")).is_ok() {
        crate::results::own_subfolder(out, "charts")?;
    }
    let stage = Stage::begin(out)?;
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

/// A hindcast of one scenario on one observation file, into a folder.
#[derive(Debug, Clone, Copy)]
pub struct HindcastJob<'a> {
    /// The checked scenario.
    pub scenario: &'a Scenario,
    /// How the manifest names the scenario: the path it was read from.
    pub file: &'a str,
    /// Hex SHA-256 of the scenario file's bytes.
    pub sha256: &'a str,
    /// The facts, checked against the scenario.
    pub observations: &'a Observations,
    /// Hex SHA-256 of the observation file's bytes.
    pub observations_sha256: &'a str,
    /// Which runs.
    pub plan: Plan,
    /// The output folder (created if missing).
    pub out: &'a Path,
    /// Draw the charts and the report after the tables.
    pub draw: bool,
}

/// What a finished hindcast leaves besides its files.
#[derive(Debug, Clone)]
pub struct HindcastDone {
    /// The forecasts and scores, as written to the tables.
    pub assessment: Assessment,
    /// Turns each run played (up to the last turn any fact needs).
    pub turns_per_run: usize,
    /// Threads of the pool the runs used.
    pub threads: usize,
    /// Seconds spent running and writing the tables.
    pub wall_seconds: f64,
}

/// The tables of an assessment: `hindcast.csv`, `scores.csv`, `reliability.csv` in `out`.
fn write_assessment(a: &Assessment, out: &Path) -> Result<Vec<&'static str>, PipelineError> {
    write_hindcast(&a.facts, &out.join("hindcast.csv"))?;
    write_scores(&a.scores, &out.join("scores.csv"))?;
    write_reliability(&a.reliability, &out.join("reliability.csv"))?;
    Ok(vec!["hindcast.csv", "scores.csv", "reliability.csv"])
}

/// How the manifest describes an observation file.
fn manifest_observations(obs: &Observations, sha256: &str) -> ManifestObservations {
    ManifestObservations {
        file: obs.file.clone(),
        sha256: sha256.to_string(),
        facts: obs.rows.len(),
        train: obs.in_split(Split::Train).count(),
        test: obs.in_split(Split::Test).count(),
        forcing: obs.in_split(Split::Forcing).count(),
    }
}

/// The manifest's description of a scenario.
fn manifest_scenario(sc: &Scenario, file: &str, sha256: &str) -> ManifestScenario {
    ManifestScenario {
        name: sc.name.clone(),
        description: sc.description.clone(),
        question: sc.question.clone(),
        file: file.to_string(),
        sha256: sha256.to_string(),
        sources: sc.files.clone(),
    }
}

/// Runs `job` on the current rayon pool; `progress` is called with 1 as each run finishes.
pub fn hindcast_to_dir(job: &HindcastJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<HindcastDone, PipelineError> {
    let stage = stage(job.out)?;
    let done = hindcast_into(&HindcastJob { out: stage.dir(), ..*job }, progress)?;
    stage.commit()?;
    Ok(done)
}

/// [`hindcast_to_dir`] into the staging folder `job.out`.
fn hindcast_into(job: &HindcastJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<HindcastDone, PipelineError> {
    let (sc, out, plan) = (job.scenario, job.out, job.plan);
    prepare(out)?;
    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let (assessment, decisions) = hindcast::hindcast(sc, job.observations, plan, progress);
    let mut files = write_assessment(&assessment, out)?;
    files.extend(["manifest.json", "datapackage.json"]);
    write_datapackage(out, &sc.name, &files)?;
    let wall = started.elapsed().as_secs_f64();
    let turns_per_run = job.observations.rows.iter().map(|o| o.last + 1).max().unwrap_or(0);
    let manifest = HindcastManifest {
        tool: "heartland",
        version: env!("CARGO_PKG_VERSION"),
        scenario: manifest_scenario(sc, job.file, job.sha256),
        observations: manifest_observations(job.observations, job.observations_sha256),
        seed: plan.seed,
        runs: plan.runs,
        threads,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        turns_per_run,
        actor_decisions: decisions,
        log_clip: [hindcast::score::CLIP.0, hindcast::score::CLIP.1],
        bins: hindcast::score::BINS_DESCRIPTION,
        file_sha256: digests(out, &files)?,
        files,
    };
    write_hindcast_manifest(&manifest, &out.join("manifest.json"))?;
    publish(out, job.draw)?;
    Ok(HindcastDone { assessment, turns_per_run, threads, wall_seconds: wall })
}

/// A calibration of one scenario on the train facts of one observation file, into a folder.
#[derive(Debug, Clone, Copy)]
pub struct CalibrateJob<'a> {
    /// The checked scenario.
    pub scenario: &'a Scenario,
    /// How the manifest names the scenario: the path it was read from, or its shipped name.
    pub file: &'a str,
    /// What the calibrated scenario `extends`.
    pub extends: Extends<'a>,
    /// Hex SHA-256 of the scenario file's bytes.
    pub sha256: &'a str,
    /// The checked observation file (train facts fit, test facts score).
    pub observations: &'a Observations,
    /// Hex SHA-256 of the observation file's bytes.
    pub observations_sha256: &'a str,
    /// Design points, runs per point, seed and the share kept.
    pub settings: calibrate::Settings,
    /// Runs of the prior's and the posterior's hindcasts.
    pub hindcast_runs: u64,
    /// The output folder (created if missing).
    pub out: &'a Path,
    /// Draw the charts and the report after the tables.
    pub draw: bool,
}

/// The scenario a calibrated scenario extends.
#[derive(Debug, Clone, Copy)]
pub enum Extends<'a> {
    /// A file on disk: extended by its path relative to the output folder.
    File(&'a Path),
    /// A shipped scenario: extended by its file name (`baseline_2014.toml`), which `extends`
    /// finds among the shipped scenarios when no file of that name lies beside the output.
    Shipped(&'a str),
}

/// What a finished calibration leaves besides its files.
#[derive(Debug, Clone)]
pub struct CalibrateDone {
    /// The calibrated parameters' paths.
    pub parameters: Vec<String>,
    /// The kept points, best first.
    pub kept: Vec<DesignPoint>,
    /// Design points run.
    pub points: usize,
    /// The hindcast of the scenario as given.
    pub prior: Assessment,
    /// The calibrated scenario's hindcast.
    pub posterior: Assessment,
    /// Threads of the pool the runs used.
    pub threads: usize,
    /// Seconds from the first run to the manifest.
    pub wall_seconds: f64,
}

/// The files of a calibration's folder.
const CALIBRATION_FILES: [&str; 12] = [
    "design.csv",
    "posterior.csv",
    "calibrated.toml",
    "comparison.csv",
    "prior/hindcast.csv",
    "prior/scores.csv",
    "prior/reliability.csv",
    "posterior/hindcast.csv",
    "posterior/scores.csv",
    "posterior/reliability.csv",
    "manifest.json",
    "datapackage.json",
];

/// `target` as a path relative to the directory `base` (both must exist), with `/`
/// separators; the absolute path if they share no root.
fn relative_path(target: &Path, base: &Path) -> Result<String, PipelineError> {
    let canonical =
        |p: &Path| std::fs::canonicalize(p).map_err(|source| OutputError::Io { path: p.to_path_buf(), source });
    let (t, b) = (canonical(target)?, canonical(base)?);
    let (tc, bc): (Vec<_>, Vec<_>) = (t.components().collect(), b.components().collect());
    let common = tc.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return Ok(t.display().to_string());
    }
    let mut parts: Vec<String> = vec!["..".to_string(); bc.len() - common];
    parts.extend(tc[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Ok(parts.join("/"))
}

/// Runs `job` on the current rayon pool; `progress` is called with 1 as each design point
/// finishes.
pub fn calibrate_to_dir(
    job: &CalibrateJob<'_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CalibrateDone, PipelineError> {
    let stage = stage(job.out)?;
    // `extends` is relative to the output folder, not to the staging folder inside it: the
    // text is fixed here and passed on as it is.
    let relative = match job.extends {
        Extends::File(path) => Some(relative_path(path, job.out)?),
        Extends::Shipped(_) => None,
    };
    let extends = relative.as_deref().map_or(job.extends, Extends::Shipped);
    let done = calibrate_into(&CalibrateJob { out: stage.dir(), extends, ..*job }, progress)?;
    stage.commit()?;
    Ok(done)
}

/// [`calibrate_to_dir`] into the staging folder `job.out`, `job.extends` already relative to
/// the output folder.
fn calibrate_into(job: &CalibrateJob<'_>, progress: &(dyn Fn(u64) + Sync)) -> Result<CalibrateDone, PipelineError> {
    let (sc, out, obs, settings) = (job.scenario, job.out, job.observations, job.settings);
    prepare(out)?;
    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let (design, points) = calibrate::fit(sc, obs, settings, progress)?;
    let order = calibrate::keep_best(&points, settings.keep);
    let kept: Vec<&DesignPoint> = order.iter().map(|&i| &points[i]).collect();

    let extends = match job.extends {
        Extends::File(path) => relative_path(path, out)?,
        Extends::Shipped(text) => text.to_string(),
    };
    let name = Path::new(&obs.file).file_name().map_or(obs.file.clone(), |n| n.to_string_lossy().into_owned());
    let text = calibrate::calibrated_toml(sc, &extends, &name, &design.paths, &kept, settings, points.len());
    let calibrated_path = out.join("calibrated.toml");
    // Checked before anything is written: a scenario that would not load is a bug here. Read
    // as from the output folder, where its relative `extends` points from.
    let parent = out.parent().filter(|_| out.file_name().is_some_and(|n| n == STAGE));
    let seen_from = parent.unwrap_or(out).join("calibrated.toml");
    let calibrated = Scenario::parse(&text, &seen_from.display().to_string())
        .map_err(|e| PipelineError::Calibrated(e.to_string()))?;
    write_design(&design.paths, &points, &order, &out.join("design.csv"))?;
    write_posterior(&design.paths, &kept, &out.join("posterior.csv"))?;
    let mut file = AtomicFile::create(&calibrated_path)?;
    file.writer()
        .write_all(text.as_bytes())
        .map_err(|source| OutputError::Io { path: calibrated_path.clone(), source })?;
    file.commit()?;

    // The prior and the posterior on every fact, on the same runs.
    let plan = Plan { seed: settings.seed, first_run: 0, runs: job.hindcast_runs };
    let (prior, _) = hindcast::hindcast(sc, obs, plan, &|_| {});
    let (posterior, _) = hindcast::hindcast(&calibrated, obs, plan, &|_| {});
    for (name, a) in [("prior", &prior), ("posterior", &posterior)] {
        let dir = out.join(name);
        prepare(&dir)?;
        write_assessment(a, &dir)?;
    }
    write_prior_posterior(&prior_posterior_rows(&prior.scores, &posterior.scores), &out.join("comparison.csv"))?;
    write_datapackage(out, &sc.name, &CALIBRATION_FILES)?;
    let wall = started.elapsed().as_secs_f64();
    let manifest = CalibrationManifest {
        tool: "heartland",
        version: env!("CARGO_PKG_VERSION"),
        scenario: manifest_scenario(sc, job.file, job.sha256),
        observations: manifest_observations(obs, job.observations_sha256),
        calibration: ManifestCalibration {
            design: "scrambled Sobol' sequence, each coordinate through its prior's quantile function".into(),
            method: "ABC rejection: the best share of the points by mean Brier score on the train facts".into(),
            parameters: design.paths.clone(),
            points: points.len(),
            runs_per_point: settings.runs,
            runs: points.len() as u64 * settings.runs,
            keep: settings.keep,
            kept: kept.len(),
        },
        seed: settings.seed,
        hindcast_runs: job.hindcast_runs,
        threads,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        log_clip: [hindcast::score::CLIP.0, hindcast::score::CLIP.1],
        bins: hindcast::score::BINS_DESCRIPTION,
        file_sha256: digests(out, &CALIBRATION_FILES)?,
        files: CALIBRATION_FILES.to_vec(),
    };
    write_calibration_manifest(&manifest, &out.join("manifest.json"))?;
    publish(out, job.draw)?;
    Ok(CalibrateDone {
        parameters: design.paths,
        kept: kept.into_iter().cloned().collect(),
        points: points.len(),
        prior,
        posterior,
        threads,
        wall_seconds: wall,
    })
}
