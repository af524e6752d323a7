//! `manifest.json`: what was run, how, and how much work it was; one for a run's folder
//! ([`Manifest`]) and one for a sweep's ([`SweepManifest`]).
//!
//! A run's fields: `tool`, `version`, `scenario` (`sources`: every file read, base first, each
//! with its `name` and `sha256`; `name`, `description`, `question`, `file`, `sha256`), `seed`,
//! `first_run`, `runs`, `threads`, `wall_seconds` (seconds, to the millisecond),
//! `turns_per_run`, `turns_simulated`, `actor_decisions`, `files` (the tables written),
//! `labels`, `outcome_conditions` and `cooperation_window` ([`super::labels`]), and for a
//! variant `comparison` (its base; [`super::comparison`]).
//! A sweep's: `tool`, `version`, `sweep` (its name), `sweep_file`, `sweep_sha256`, `scenario`,
//! `design`, `parameters` (swept paths, in `points.csv` order), `points`, `replications`,
//! `runs`, `seed`, `threads`, `wall_seconds`, `files`, `labels`.
//!
//! A hindcast's ([`HindcastManifest`]): `tool`, `version`, `scenario`, `observations` (`file`,
//! `sha256`, and the number of `facts`, `train`, `test` and `forcing` facts), `seed`, `runs`,
//! `threads`, `wall_seconds`, `turns_per_run`, `actor_decisions`, `log_clip` (the interval
//! forecasts are clipped to for the log score), `bins` (the reliability bins), `files`.
//!
//! A calibration's ([`CalibrationManifest`]): the hindcast's fields but `runs`, `turns_per_run`
//! and `actor_decisions`, with `calibration` (`design`, `method`, `parameters`, `points`,
//! `runs_per_point`, `runs`, `keep`, `kept`) and `hindcast_runs`.
//!
//! The writer's structs borrow what the pipeline holds; the reader's ([`RunInfo`],
//! [`SweepInfo`]) own the subset the report shows and read a missing field as empty or zero,
//! so a manifest from an older heartland still reads. The round-trip tests keep the two in step.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{OutputError, write_json};
use super::error::{ReadError, invalid};

/// `manifest.json`: what was run, how, and how much work it was.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Always `heartland`.
    pub tool: &'static str,
    /// The crate version that wrote the file (`CARGO_PKG_VERSION`).
    pub version: &'static str,
    /// The scenario run: its names, files and digests.
    pub scenario: ManifestScenario,
    /// The master seed.
    pub seed: u64,
    /// Index of the first run (0 unless the runs are a shard of a larger plan).
    pub first_run: u64,
    /// Number of runs.
    pub runs: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Wall time of the Monte Carlo and the writing of the tables, in seconds (to the millisecond).
    pub wall_seconds: f64,
    /// Turns in each run: the scenario's calendar.
    pub turns_per_run: usize,
    /// `runs × turns_per_run`.
    pub turns_simulated: u64,
    /// Actor-decisions simulated over all runs (a member's vote counts as one).
    pub actor_decisions: u64,
    /// Hex SHA-256 of every file but the manifest, by name (the set's integrity).
    pub file_sha256: std::collections::BTreeMap<String, String>,
    /// The tables written, by file name.
    pub files: Vec<&'static str>,
    /// The scenario's own names for the ids in the tables, and its scheduled events.
    pub labels: super::labels::Labels,
    /// What each outcome requires, by id, in file order.
    pub outcome_conditions: indexmap::IndexMap<String, super::labels::OutcomeRule>,
    /// Turns averaged by the `coop_rate` series.
    pub cooperation_window: u32,
    /// The base a variant was compared with in `comparison.csv`, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<super::comparison::ComparisonInfo>,
}

/// The scenario a manifest describes.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestScenario {
    /// Every file the scenario was read from (the base of any `extends` chain first).
    pub sources: Vec<crate::scenario::SourceDigest>,
    /// The scenario's name.
    pub name: String,
    /// The scenario's description.
    pub description: String,
    /// The question the scenario answers, if it states one.
    pub question: Option<String>,
    /// The file as given on the command line, or `NAME (shipped)` for a shipped scenario.
    pub file: String,
    /// Hex SHA-256 of that file's bytes.
    pub sha256: String,
}

/// Writes a run's `manifest.json` atomically.
pub fn write_manifest(manifest: &Manifest, path: &Path) -> Result<(), OutputError> {
    write_json(manifest, path)
}

/// `manifest.json` of a sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepManifest {
    /// Always `heartland`.
    pub tool: &'static str,
    /// The crate version that wrote the file.
    pub version: &'static str,
    /// The sweep's name.
    pub sweep: String,
    /// The sweep file as given, or `NAME (shipped)`.
    pub sweep_file: String,
    /// Hex SHA-256 of the sweep file's bytes.
    pub sweep_sha256: String,
    /// The scenario the sweep varies.
    pub scenario: ManifestScenario,
    /// The design (`grid`, `latin`, `sobol` or `morris`).
    pub design: String,
    /// The swept parameters' paths, in `points.csv` order.
    pub parameters: Vec<String>,
    /// Design points.
    pub points: usize,
    /// Runs per point.
    pub replications: u64,
    /// `points × replications`.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// Hex SHA-256 of every file but the manifest, by name (the set's integrity).
    pub file_sha256: std::collections::BTreeMap<String, String>,
    /// The tables written, by file name.
    pub files: Vec<&'static str>,
    /// The scenario's own names for the ids in the tables.
    pub labels: super::labels::Labels,
}

/// Writes a sweep's `manifest.json` atomically.
pub fn write_sweep_manifest(manifest: &SweepManifest, path: &Path) -> Result<(), OutputError> {
    write_json(manifest, path)
}

/// `manifest.json` of a hindcast.
#[derive(Debug, Clone, Serialize)]
pub struct HindcastManifest {
    /// Always `heartland`.
    pub tool: &'static str,
    /// The crate version that wrote the file.
    pub version: &'static str,
    /// The scenario scored.
    pub scenario: ManifestScenario,
    /// The observation file scored against.
    pub observations: ManifestObservations,
    /// The master seed.
    pub seed: u64,
    /// Number of runs.
    pub runs: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// Turns each run played: up to the last turn any fact needs.
    pub turns_per_run: usize,
    /// Actor-decisions simulated over all runs.
    pub actor_decisions: u64,
    /// The interval forecasts are clipped to for the log score, `[0.01, 0.99]`.
    pub log_clip: [f64; 2],
    /// How forecasts are binned for the reliability diagram and the decomposition.
    pub bins: &'static str,
    /// Hex SHA-256 of every file but the manifest, by name (the set's integrity).
    pub file_sha256: std::collections::BTreeMap<String, String>,
    /// The tables written, by file name.
    pub files: Vec<&'static str>,
}

/// The observation file a hindcast read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestObservations {
    /// The observation file as given.
    pub file: String,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Facts in the file, and how many of them are train, test and forcing facts.
    pub facts: usize,
    /// Facts of the train split.
    pub train: usize,
    /// Facts of the test split.
    pub test: usize,
    /// Facts about a forcing event (listed, never scored).
    pub forcing: usize,
}

/// Writes a hindcast's `manifest.json` atomically.
pub fn write_hindcast_manifest(manifest: &HindcastManifest, path: &Path) -> Result<(), OutputError> {
    write_json(manifest, path)
}

/// A hindcast's `manifest.json`, the fields the report shows.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct HindcastInfo {
    /// The crate version that wrote the file.
    pub version: String,
    /// The scenario scored.
    pub scenario: ScenarioInfo,
    /// The observation file scored against.
    pub observations: ManifestObservations,
    /// The master seed.
    pub seed: u64,
    /// Number of runs.
    pub runs: u64,
    /// Worker threads used.
    pub threads: u64,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// Turns each run played.
    pub turns_per_run: u64,
    /// The interval forecasts are clipped to for the log score.
    pub log_clip: [f64; 2],
    /// How forecasts are binned, in words.
    pub bins: String,
}

/// Reads a hindcast's `manifest.json`.
pub fn read_hindcast_manifest(path: &Path) -> Result<HindcastInfo, ReadError> {
    let text = super::error::read_text(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland hindcast` to write it)"),
        _ => super::error::io_error(path, e),
    })?;
    serde_json::from_str(&text)
        .map_err(|e| invalid(path, Some(e.line() as u64), format!("not a heartland hindcast manifest: {e}")))
}

/// Is `dir` the output of a hindcast (its manifest names an observation file)?
pub fn is_hindcast(dir: &Path) -> bool {
    let Ok(text) = super::error::read_text(&dir.join("manifest.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("observations").is_some_and(|s| s.is_object()))
}

/// `manifest.json` of a calibration.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationManifest {
    /// Always `heartland`.
    pub tool: &'static str,
    /// The crate version that wrote the file.
    pub version: &'static str,
    /// The scenario calibrated.
    pub scenario: ManifestScenario,
    /// The observation file fitted on (train facts) and scored against (test facts).
    pub observations: ManifestObservations,
    /// How the calibration was done.
    pub calibration: ManifestCalibration,
    /// The master seed.
    pub seed: u64,
    /// Runs of each of the prior's and the posterior's hindcasts.
    pub hindcast_runs: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// The interval forecasts are clipped to for the log score, `[0.01, 0.99]`.
    pub log_clip: [f64; 2],
    /// How forecasts are binned, in words.
    pub bins: &'static str,
    /// Hex SHA-256 of every file but the manifest, by name (the set's integrity).
    pub file_sha256: std::collections::BTreeMap<String, String>,
    /// The files written, by name.
    pub files: Vec<&'static str>,
}

/// How a calibration was done.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestCalibration {
    /// The design and the method, in words.
    pub design: String,
    /// The acceptance method, in words (ABC rejection: the best share of the points by mean
    /// Brier score on the train facts).
    pub method: String,
    /// The calibrated parameters' paths.
    pub parameters: Vec<String>,
    /// Design points.
    pub points: usize,
    /// Runs of each point.
    pub runs_per_point: u64,
    /// points × runs per point.
    pub runs: u64,
    /// Share of the points kept, and how many that is.
    pub keep: f64,
    /// Points kept in the posterior.
    pub kept: usize,
}

/// Writes a calibration's `manifest.json` atomically.
pub fn write_calibration_manifest(manifest: &CalibrationManifest, path: &Path) -> Result<(), OutputError> {
    write_json(manifest, path)
}

/// A calibration's `manifest.json`, the fields the report shows.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CalibrationInfo {
    /// The crate version that wrote the file.
    pub version: String,
    /// The scenario calibrated.
    pub scenario: ScenarioInfo,
    /// The observation file.
    pub observations: ManifestObservations,
    /// How the calibration was done.
    pub calibration: ManifestCalibration,
    /// The master seed.
    pub seed: u64,
    /// Runs of each of the prior's and the posterior's hindcasts.
    pub hindcast_runs: u64,
    /// Worker threads used.
    pub threads: u64,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
}

/// Reads a calibration's `manifest.json`.
pub fn read_calibration_manifest(path: &Path) -> Result<CalibrationInfo, ReadError> {
    let text = super::error::read_text(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland calibrate` to write it)"),
        _ => super::error::io_error(path, e),
    })?;
    serde_json::from_str(&text)
        .map_err(|e| invalid(path, Some(e.line() as u64), format!("not a heartland calibration manifest: {e}")))
}

/// Is `dir` the output of a calibration (its manifest describes one)?
pub fn is_calibration(dir: &Path) -> bool {
    let Ok(text) = super::error::read_text(&dir.join("manifest.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("calibration").is_some_and(|s| s.is_object()))
}

/// `manifest.json`, the fields the report shows. Missing fields read as empty or zero.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    /// Always `heartland` (empty if the manifest does not say).
    pub tool: String,
    /// The crate version that wrote the file.
    pub version: String,
    /// The scenario run.
    pub scenario: ScenarioInfo,
    /// The master seed.
    pub seed: u64,
    /// Index of the first run.
    pub first_run: u64,
    /// Number of runs.
    pub runs: u64,
    /// Worker threads used.
    pub threads: u64,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// Turns in each run.
    pub turns_per_run: u64,
    /// Actor-decisions simulated over all runs.
    pub actor_decisions: u64,
    /// The files the run wrote.
    pub files: Vec<String>,
    /// Empty in a manifest written before labels were recorded.
    pub labels: super::labels::Labels,
    /// What each outcome requires, by id, in file order (empty in an older manifest).
    pub outcome_conditions: indexmap::IndexMap<String, super::labels::OutcomeRule>,
    /// 0 when the manifest does not say.
    pub cooperation_window: u32,
    /// The base a variant was compared with, if it was.
    pub comparison: Option<super::comparison::ComparisonInfo>,
}

/// The scenario a manifest names, as the report shows it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ScenarioInfo {
    /// The scenario's name.
    pub name: String,
    /// The scenario's description.
    pub description: String,
    /// The question it answers, if it states one.
    pub question: Option<String>,
    /// The file as given, or `NAME (shipped)`.
    pub file: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// `manifest.json` of a sweep, the fields the report shows.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SweepInfo {
    /// The crate version that wrote the file.
    pub version: String,
    /// The sweep's name.
    pub sweep: String,
    /// The sweep file as given, or `NAME (shipped)`.
    pub sweep_file: String,
    /// The scenario the sweep varies.
    pub scenario: ScenarioInfo,
    /// The design (`grid`, `latin`, `sobol` or `morris`).
    pub design: String,
    /// The swept parameters' paths, in `points.csv` order.
    pub parameters: Vec<String>,
    /// Design points.
    pub points: u64,
    /// Runs per point.
    pub replications: u64,
    /// `points × replications`.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    /// Worker threads used.
    pub threads: u64,
    /// Wall time, in seconds.
    pub wall_seconds: f64,
    /// Empty in a manifest written before labels were recorded.
    pub labels: super::labels::Labels,
}

/// Reads `manifest.json`.
pub fn read_manifest(path: &Path) -> Result<RunInfo, ReadError> {
    let text = super::error::read_text(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland run` to write it)"),
        std::io::ErrorKind::InvalidData => invalid(path, None, "not UTF-8 text"),
        _ => super::error::io_error(path, e),
    })?;
    serde_json::from_str(&text)
        .map_err(|e| invalid(path, Some(e.line() as u64), format!("not a heartland manifest: {e}")))
}

/// Reads a sweep's `manifest.json`.
pub fn read_sweep_manifest(path: &Path) -> Result<SweepInfo, ReadError> {
    let text = super::error::read_text(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland sweep` to write it)"),
        _ => super::error::io_error(path, e),
    })?;
    serde_json::from_str(&text)
        .map_err(|e| invalid(path, Some(e.line() as u64), format!("not a heartland sweep manifest: {e}")))
}

/// Is `dir` the output of a sweep (its manifest names one)?
pub fn is_sweep(dir: &Path) -> bool {
    let Ok(text) = super::error::read_text(&dir.join("manifest.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("sweep").is_some_and(|s| s.is_string()))
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
