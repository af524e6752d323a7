//! `shard.json`: the manifest of a shard's folder, written last, the mark that the shard is
//! complete.
//!
//! Format `heartland-shard`, version 1, pretty JSON: `format`, `version`, `tool`,
//! `tool_version` (the heartland that computed it), `kind` (`run` or `sweep`), `input` (the
//! scenario or sweep file as given, or `NAME (shipped)`) and `input_sha256`, `scenario_sha256`
//! (the scenario's file: for a run the input itself), `seed`, `design` (`runs` for a run and a
//! hindcast, `points` for a calibration, the sweep's design otherwise), `total` (runs or design points of the whole work), `per_run`
//! (a sweep's `runs.csv`), for a hindcast or a calibration `observations` and
//! `observations_sha256` (the observation file as given and its digest), for a calibration
//! `calibration` (`runs_per_point`, `keep`, `hindcast_runs`), `shards` (N), `shard` (K, from 0), `first` and `end` (the indices
//! computed, `first..end`), `rows` (data rows of each table), `sha256` (of every other file of
//! the shard), `threads` and `wall_seconds`.
//!
//! A folder is taken as a complete shard only when its `shard.json` reads and every file it
//! lists has the SHA-256 it records ([`verify`]).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{OutputError, write_json};
use super::error::{ReadError, invalid};

/// The `format` field.
pub const FORMAT: &str = "heartland-shard";
/// The `version` field this heartland writes and reads.
pub const VERSION: u32 = 1;
/// The file name.
pub const FILE: &str = "shard.json";

/// `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// Always `heartland`.
    pub tool: String,
    /// The crate version that computed the shard.
    pub tool_version: String,
    /// `run`, `sweep`, `hindcast` or `calibration`.
    pub kind: String,
    /// The scenario or sweep file as given, or `NAME (shipped)`.
    pub input: String,
    /// Hex SHA-256 of the input file's bytes.
    pub input_sha256: String,
    /// Hex SHA-256 of the scenario file's bytes (a sweep's scenario; a run's input).
    pub scenario_sha256: String,
    /// The master seed.
    pub seed: u64,
    /// `runs` for a run and a hindcast, `points` for a calibration; a sweep's design (`grid`,
    /// `latin`, `sobol`, `morris`).
    pub design: String,
    /// Runs (of a run or a hindcast) or design points (of a sweep or a calibration) of the
    /// whole work.
    pub total: u64,
    /// Whether a sweep's shards write `runs.csv`.
    pub per_run: bool,
    /// A hindcast's or a calibration's observation file, as given; empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub observations: String,
    /// Hex SHA-256 of the observation file's bytes; empty without one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub observations_sha256: String,
    /// A calibration's settings besides its points and seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<ShardCalibration>,
    /// N: how many shards the work is split into.
    pub shards: u64,
    /// K: this shard, from 0.
    pub shard: u64,
    /// The first index computed.
    pub first: u64,
    /// One past the last index computed.
    pub end: u64,
    /// Data rows (header excluded) of each table.
    pub rows: BTreeMap<String, u64>,
    /// Hex SHA-256 of every other file of the shard, by name.
    pub sha256: BTreeMap<String, String>,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Seconds from the first run to the manifest.
    pub wall_seconds: f64,
}

/// A calibration's settings, as its shards record them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShardCalibration {
    /// Runs per design point.
    pub runs_per_point: u64,
    /// Share of the design points kept as the posterior, in (0, 1].
    pub keep: f64,
    /// Runs of the prior's and the posterior's hindcasts (the merge's).
    pub hindcast_runs: u64,
}

impl ShardManifest {
    /// The fields that must agree across the shards of one work, as (name, value).
    pub fn identity(&self) -> [(&'static str, String); 12] {
        [
            ("format", format!("{} {}", self.format, self.version)),
            ("tool_version", self.tool_version.clone()),
            ("kind", self.kind.clone()),
            ("input_sha256", self.input_sha256.clone()),
            ("scenario_sha256", self.scenario_sha256.clone()),
            ("seed", self.seed.to_string()),
            ("design", self.design.clone()),
            ("total", self.total.to_string()),
            ("per_run", self.per_run.to_string()),
            ("observations_sha256", self.observations_sha256.clone()),
            ("calibration", self.calibration.map_or_else(String::new, |c| format!("{c:?}"))),
            ("shards", self.shards.to_string()),
        ]
    }
}

/// Writes `shard.json` atomically.
pub fn write_shard_manifest(manifest: &ShardManifest, path: &Path) -> Result<(), OutputError> {
    write_json(manifest, path)
}

/// Reads `shard.json`, checking its format and version.
pub fn read_shard_manifest(path: &Path) -> Result<ShardManifest, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            invalid(path, None, "no such file: the shard is missing or did not finish (rerun it, with --resume)")
        }
        _ => ReadError::Io { path: path.to_path_buf(), source: e },
    })?;
    let head: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(path, Some(e.line() as u64), format!("not JSON: {e}")))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(path, None, format!("not a `{FORMAT}` manifest")));
    }
    if head.get("version").and_then(|v| v.as_u64()) != Some(u64::from(VERSION)) {
        return Err(invalid(
            path,
            None,
            format!("version {} of `{FORMAT}`; this heartland reads {VERSION}", head["version"]),
        ));
    }
    serde_json::from_value(head).map_err(|e| invalid(path, None, format!("not a valid `{FORMAT}` manifest: {e}")))
}

/// Hex SHA-256 of a file's bytes, read in blocks.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The SHA-256 of each of `files` in `dir`, by name.
pub fn hashes(dir: &Path, files: &[&str]) -> Result<BTreeMap<String, String>, OutputError> {
    files
        .iter()
        .map(|f| {
            let path = dir.join(f);
            let hash = file_sha256(&path).map_err(|source| OutputError::Io { path: path.clone(), source })?;
            Ok((f.to_string(), hash))
        })
        .collect()
}

/// Checks that every file `sha256` lists in `dir` has its recorded hash; `Err` names the first
/// that is missing or differs, with what is wrong.
pub fn verify(dir: &Path, sha256: &BTreeMap<String, String>) -> Result<(), (String, String)> {
    for (name, want) in sha256 {
        // A listed name is a path inside `dir` (`prior/scores.csv`): anything else is not ours.
        let inside = Path::new(name).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside || name.is_empty() {
            return Err((name.clone(), "is not a path inside the folder".into()));
        }
        match file_sha256(&dir.join(name)) {
            Ok(got) if &got == want => {}
            Ok(got) => return Err((name.clone(), format!("has SHA-256 {got}, the manifest records {want}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err((name.clone(), "is missing".into())),
            Err(e) => return Err((name.clone(), format!("cannot be read: {e}"))),
        }
    }
    Ok(())
}
