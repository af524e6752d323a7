//! The assessment pipelines: a hindcast ([`hindcast_to_dir`]) and a calibration
//! ([`calibrate_to_dir`]) into their folders. A single process and a merge of shards
//! ([`crate::scaleout::assess`]) both end in [`finish_hindcast`] and [`calibrate_from`], so they
//! write the same files.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use super::{PipelineError, prepare, publish, stage};
use crate::analysis::hindcast::calibrate::{self, DesignPoint};
use crate::analysis::hindcast::{self, Assessment, FactCounts, Observations, Split};
use crate::montecarlo::Plan;
use crate::results::datapackage::write_datapackage;
use crate::results::integrity::{STAGE, digests};
use crate::results::{
    AtomicFile, CalibrationManifest, HindcastManifest, ManifestCalibration, ManifestObservations, ManifestScenario,
    OutputError, prior_posterior_rows, write_calibration_manifest, write_design, write_hindcast,
    write_hindcast_manifest, write_posterior, write_prior_posterior, write_reliability, write_scores,
};
use crate::scenario::Scenario;

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
    let threads = rayon::current_num_threads();
    let started = Instant::now();
    let (counts, decisions) = hindcast::forecast(job.scenario, job.observations, job.plan, progress);
    finish_hindcast(job, &counts, decisions, threads, &|| started.elapsed().as_secs_f64())
}

/// Completes a hindcast's folder once `counts` holds every run of `job.plan` (and `decisions`
/// their actor-decisions): the scores, `hindcast.csv`, `scores.csv`, `reliability.csv`, the
/// manifest, the charts and the report. A single process and a merge of shards both end here.
pub(crate) fn finish_hindcast(
    job: &HindcastJob<'_>,
    counts: &FactCounts,
    decisions: u64,
    threads: usize,
    wall: &dyn Fn() -> f64,
) -> Result<HindcastDone, PipelineError> {
    let (sc, out, plan) = (job.scenario, job.out, job.plan);
    prepare(out)?;
    let assessment = hindcast::assess(job.observations, counts, &hindcast::status_quo(sc, job.observations));
    let mut files = write_assessment(&assessment, out)?;
    files.extend(["manifest.json", "datapackage.json"]);
    write_datapackage(out, &sc.name, &files)?;
    let wall = wall();
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
    calibrate_from(job, || {
        let threads = rayon::current_num_threads();
        let (design, points) = calibrate::fit(job.scenario, job.observations, job.settings, progress)?;
        Ok(Fitted { design, points, threads, earlier_seconds: 0.0 })
    })
}

/// A calibration's design points, played and scored on the train facts.
#[derive(Debug, Clone)]
pub(crate) struct Fitted {
    /// The design.
    pub design: calibrate::Design,
    /// Every design point, in order, with its scores.
    pub points: Vec<DesignPoint>,
    /// Threads of the pool the points used (the most of any shard's).
    pub threads: usize,
    /// Seconds spent before `fit` was called (the shards' summed wall time for a merge).
    pub earlier_seconds: f64,
}

/// A calibration whose design points `fit` plays (one process) or reads back (a merge of
/// shards), into `job.out`: the posterior, `design.csv`, `posterior.csv`, `calibrated.toml`,
/// the prior's and the posterior's hindcasts, `comparison.csv`, the manifest, the charts and
/// the report.
pub(crate) fn calibrate_from(
    job: &CalibrateJob<'_>,
    fit: impl FnOnce() -> Result<Fitted, PipelineError>,
) -> Result<CalibrateDone, PipelineError> {
    let stage = stage(job.out)?;
    // `extends` is relative to the output folder, not to the staging folder inside it: the
    // text is fixed here and passed on as it is.
    let relative = match job.extends {
        Extends::File(path) => Some(relative_path(path, job.out)?),
        Extends::Shipped(_) => None,
    };
    let extends = relative.as_deref().map_or(job.extends, Extends::Shipped);
    let done = calibrate_into(&CalibrateJob { out: stage.dir(), extends, ..*job }, fit)?;
    stage.commit()?;
    Ok(done)
}

/// [`calibrate_from`] into the staging folder `job.out`, `job.extends` already relative to
/// the output folder.
fn calibrate_into(
    job: &CalibrateJob<'_>,
    fit: impl FnOnce() -> Result<Fitted, PipelineError>,
) -> Result<CalibrateDone, PipelineError> {
    let (sc, out, obs, settings) = (job.scenario, job.out, job.observations, job.settings);
    prepare(out)?;
    let started = Instant::now();
    let Fitted { design, points, threads, earlier_seconds } = fit()?;
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
    let wall = earlier_seconds + started.elapsed().as_secs_f64();
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
