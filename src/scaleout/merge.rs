//! Merging shard folders into the result set one process writes.
//!
//! [`read_shards`] checks the shards before anything is written: each folder has a complete
//! `shard.json`, every shard agrees on the work (tool version, input and scenario SHA-256,
//! seed, design, total, N), every K from 0 to N−1 is present exactly once, each covers the
//! block [`super::Shard::range`] gives it (so together they cover the work without gap or
//! overlap), and every file has the hash its manifest records. Each mismatch is a
//! [`MergeError`] naming the shard and the field. [`merge_run_to_dir`] and
//! [`merge_sweep_to_dir`] then add up the exact aggregates, join the rows in index order and
//! finish the folder through the same code as a single process.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};

use super::Shard;
use crate::analysis::sweep::PointResult;
use crate::pipeline::{PipelineError, RunDone, RunJob, SweepDone, SweepJob, finish_run, finish_sweep, stage};
use crate::results::aggregates::{self, AggregatesKind, read_aggregates};
use crate::results::shard::{self, FILE, ShardManifest, read_shard_manifest};
use crate::results::{AtomicFile, OutputError, PointsWriter, ReadError};

/// Why shards cannot be merged. Every variant but [`MergeError::Pipeline`] is bad input.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No shard folder was given.
    #[error("no shard folders given")]
    NoShards,
    /// A folder is not a complete shard (no readable `shard.json`).
    #[error("shard {}: {source}", dir.display())]
    NotAShard {
        /// The folder.
        dir: PathBuf,
        /// What is wrong with its `shard.json`.
        source: ReadError,
    },
    /// A shard disagrees with the first shard on the work.
    #[error("shard {shard}: `{field}` is {value}, but shard {first} has {expected}: not the same work")]
    Foreign {
        /// The disagreeing shard: its folder and K/N.
        shard: String,
        /// The field of `shard.json`.
        field: &'static str,
        /// Its value there.
        value: String,
        /// The first shard: its folder and K/N.
        first: String,
        /// The first shard's value.
        expected: String,
    },
    /// Two folders hold the same shard.
    #[error("shards {} and {} are both shard {shard}: give each shard once", first.display(), second.display())]
    Duplicate {
        /// One folder.
        first: PathBuf,
        /// The other.
        second: PathBuf,
        /// Their K/N.
        shard: String,
    },
    /// A shard is missing.
    #[error("shard {shard} (indices {first}..{end}) is missing: run it (with --resume) and give its folder")]
    Missing {
        /// The missing K/N.
        shard: String,
        /// Its first index.
        first: u64,
        /// One past its last index.
        end: u64,
    },
    /// A shard's index range or row count is not the one its K/N gives.
    #[error("shard {} ({shard}): `{field}` is {value}, expected {expected}", dir.display())]
    Range {
        /// The folder.
        dir: PathBuf,
        /// Its K/N.
        shard: String,
        /// The field of `shard.json`.
        field: String,
        /// Its value.
        value: String,
        /// What K/N implies.
        expected: String,
    },
    /// A shard's file does not match the hash its manifest records.
    #[error("shard {} ({shard}): {file} {why} (changed after the shard finished? rerun the shard)", dir.display())]
    Tampered {
        /// The folder.
        dir: PathBuf,
        /// Its K/N.
        shard: String,
        /// The file.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// A shard's aggregates or rows do not fit the input the merge loaded.
    #[error("shard {} ({shard}): {file}: {why}", dir.display())]
    Content {
        /// The folder.
        dir: PathBuf,
        /// Its K/N.
        shard: String,
        /// The file.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// The merged files could not be written.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl From<OutputError> for MergeError {
    fn from(e: OutputError) -> MergeError {
        MergeError::Pipeline(e.into())
    }
}

/// The checked shards of one work, in K order.
#[derive(Debug, Clone)]
pub struct ShardSet {
    /// Each shard's folder and manifest, shard 0 first.
    pub shards: Vec<(PathBuf, ShardManifest)>,
}

impl ShardSet {
    /// The manifest the shards agree on (shard 0's).
    pub fn work(&self) -> &ShardManifest {
        &self.shards[0].1
    }
}

pub(super) fn k_of(m: &ShardManifest) -> String {
    format!("{}/{}", m.shard, m.shards)
}

/// Reads and checks the shard folders `dirs` (in any order). See the module documentation.
pub fn read_shards(dirs: &[PathBuf]) -> Result<ShardSet, MergeError> {
    let mut found = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let m = read_shard_manifest(&dir.join(FILE))
            .map_err(|source| MergeError::NotAShard { dir: dir.clone(), source })?;
        found.push((dir.clone(), m));
    }
    let Some((first_dir, first)) = found.first().cloned() else { return Err(MergeError::NoShards) };
    let want = first.identity();
    for (dir, m) in &found {
        if let Some(((field, value), (_, expected))) = m.identity().into_iter().zip(want.clone()).find(|(a, b)| a != b)
        {
            return Err(MergeError::Foreign {
                shard: format!("{} ({})", dir.display(), k_of(m)),
                field,
                value,
                first: format!("{} ({})", first_dir.display(), k_of(&first)),
                expected,
            });
        }
    }
    let count = first.shards;
    let mut by_k: std::collections::BTreeMap<u64, (PathBuf, ShardManifest)> = Default::default();
    for (dir, m) in found {
        let range_err = |field: &str, value: u64, expected: u64| MergeError::Range {
            dir: dir.clone(),
            shard: k_of(&m),
            field: field.into(),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        if m.shard >= count {
            return Err(range_err("shard", m.shard, count.saturating_sub(1)));
        }
        let range = Shard { index: m.shard, count }.range(m.total);
        if m.first != range.start {
            return Err(range_err("first", m.first, range.start));
        }
        if m.end != range.end {
            return Err(range_err("end", m.end, range.end));
        }
        if let Some((other, _)) = by_k.get(&m.shard) {
            return Err(MergeError::Duplicate { first: other.clone(), second: dir, shard: k_of(&m) });
        }
        if let Err((file, why)) = shard::verify(&dir, &m.sha256) {
            return Err(MergeError::Tampered { dir, shard: k_of(&m), file, why });
        }
        by_k.insert(m.shard, (dir, m));
    }
    // Keys are distinct and below `count`: the first gap, if any, is at most `by_k.len()`.
    if let Some(k) = (0..count).find(|k| !by_k.contains_key(k)) {
        let range = Shard { index: k, count }.range(first.total);
        return Err(MergeError::Missing { shard: format!("{k}/{count}"), first: range.start, end: range.end });
    }
    let shards: Vec<_> = by_k.into_values().collect();
    Ok(ShardSet { shards })
}

/// Joins the shards' `name` tables into `out/name`: the header once (every shard's must be
/// the same), then each shard's rows in K order.
fn join_rows(set: &ShardSet, name: &str, out: &Path) -> Result<(), MergeError> {
    let dest = out.join(name);
    let mut file = AtomicFile::create(&dest)?;
    let mut header: Option<String> = None;
    for (dir, m) in &set.shards {
        let path = dir.join(name);
        let io = |source| MergeError::Pipeline(OutputError::Io { path: path.clone(), source }.into());
        let mut reader = BufReader::new(std::fs::File::open(&path).map_err(io)?);
        let mut first = String::new();
        reader.read_line(&mut first).map_err(io)?;
        match &header {
            None => {
                file.writer().write_all(first.as_bytes()).map_err(io)?;
                header = Some(first);
            }
            Some(h) if *h != first => {
                return Err(MergeError::Content {
                    dir: dir.clone(),
                    shard: k_of(m),
                    file: name.into(),
                    why: "its header differs from shard 0's".into(),
                });
            }
            Some(_) => {}
        }
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).map_err(io)?;
        file.writer().write_all(&rest).map_err(|source| OutputError::Io { path: dest.clone(), source })?;
    }
    file.commit()?;
    Ok(())
}

/// The shards' summed wall time and their largest thread count, for the merged manifest.
pub(super) fn effort(set: &ShardSet) -> (usize, f64) {
    let threads = set.shards.iter().map(|(_, m)| m.threads).max().unwrap_or(1);
    (threads, set.shards.iter().map(|(_, m)| m.wall_seconds).sum())
}

/// Merges the shards of a run into `job.out` (`job.plan` the whole plan; the scenario the one
/// the shards ran, its SHA-256 checked by the caller): `runs.csv` joined, the aggregates
/// added, then `series.csv`, `outcomes.csv`, a variant's `comparison.csv`, the manifest, the
/// charts and the report as [`crate::pipeline::run_to_dir`] writes them.
pub fn merge_run_to_dir(job: &RunJob<'_>, set: &ShardSet) -> Result<RunDone, MergeError> {
    let sc = job.scenario;
    let mut summary = aggregates::empty_summary(sc);
    for (dir, m) in &set.shards {
        let content =
            |why: String| MergeError::Content { dir: dir.clone(), shard: k_of(m), file: "aggregates.json".into(), why };
        let part = read_aggregates(&dir.join("aggregates.json")).map_err(|e| content(e.to_string()))?;
        let AggregatesKind::Run(part) = part.kind else { return Err(content("not a run's aggregates".into())) };
        if part.runs != m.end - m.first {
            return Err(content(format!("{} runs, the shard's range has {}", part.runs, m.end - m.first)));
        }
        aggregates::add_run(sc, &mut summary, &part).map_err(content)?;
    }
    let stage = stage(job.out)?;
    let staged = RunJob { out: stage.dir(), ..*job };
    join_rows(set, "runs.csv", stage.dir())?;
    let (threads, wall) = effort(set);
    let done = finish_run(&staged, summary, threads, wall)?;
    stage.commit()?;
    Ok(done)
}

/// Merges the shards of a sweep into `job.out` (the sweep the shards ran, its SHA-256 checked
/// by the caller): `points.csv` and `runs.csv` joined, then `sensitivity.csv`,
/// `discovery.csv`, the manifest, the charts and the report as
/// [`crate::pipeline::sweep_to_dir`] writes them.
pub fn merge_sweep_to_dir(job: &SweepJob<'_>, set: &ShardSet) -> Result<SweepDone, MergeError> {
    let sw = job.sweep;
    let mut results: Vec<PointResult> = Vec::with_capacity(sw.points);
    for (dir, m) in &set.shards {
        let content =
            |why: String| MergeError::Content { dir: dir.clone(), shard: k_of(m), file: "aggregates.json".into(), why };
        let part = read_aggregates(&dir.join("aggregates.json")).map_err(|e| content(e.to_string()))?;
        let AggregatesKind::Sweep(part) = part.kind else { return Err(content("not a sweep's aggregates".into())) };
        let points = aggregates::points(sw, &part).map_err(content)?;
        let indices: Vec<u64> = points.iter().map(|p| p.point as u64).collect();
        if indices != (m.first..m.end).collect::<Vec<_>>() {
            return Err(content(format!("its points are not {}..{} in order", m.first, m.end)));
        }
        results.extend(points);
    }
    let stage = stage(job.out)?;
    let staged = SweepJob { out: stage.dir(), ..*job };
    let mut points = PointsWriter::create(sw, &stage.dir().join("points.csv"))?;
    points.write(&results)?;
    points.finish()?;
    if job.per_run {
        join_rows(set, "runs.csv", stage.dir())?;
    }
    let (threads, wall) = effort(set);
    let done = finish_sweep(&staged, &results, threads, &|| wall)?;
    stage.commit()?;
    Ok(done)
}
