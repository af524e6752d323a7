//! Scale-out on the command line: `--shard K/N` and `--resume` for `run`, `sweep`, `hindcast`
//! and `calibrate`, and `heartland merge`. Part of the binary (`src/main.rs` includes it), not of the library.

use std::path::PathBuf;

use heartland::analysis::hindcast::calibrate::Settings;
use heartland::english::count;
use heartland::montecarlo::Plan;
use heartland::pipeline::{Base, CalibrateJob, HindcastJob, PipelineError, RunJob, SweepJob};
use heartland::results::integrity::is_complete;
use heartland::scaleout::Shard;
use heartland::scaleout::assess::{
    calibrate_shard_to_dir, hindcast_shard_to_dir, merge_calibration_to_dir, merge_hindcast_to_dir,
};
use heartland::scaleout::merge::{self, MergeError, ShardSet};
use heartland::scaleout::run::{ShardDone, run_shard_to_dir, sweep_shard_to_dir};
use heartland::scenario::{sha256_hex, shipped};
use serde_json::json;

use super::assess::{extends, load_observations, shipped_file};
use super::{Failure, Source, load_source, load_sweep, pool};

/// The scale-out flags of `run`, `sweep`, `hindcast` and `calibrate`.
#[derive(clap::Args, Default)]
pub(crate) struct ScaleFlags {
    /// Compute only shard K of N (K counts from 0: 0/4 … 3/4) into the output folder, for
    /// `heartland merge` to join; see docs/scale-out.md.
    #[arg(long, value_name = "K/N")]
    pub(crate) shard: Option<Shard>,
    /// Skip the work if the output folder already holds it complete (its manifest and every
    /// file's SHA-256 match); redo it otherwise.
    #[arg(long)]
    pub(crate) resume: bool,
}

/// `heartland merge`.
#[derive(clap::Args)]
pub(crate) struct MergeArgs {
    /// The shard folders, each written by `run`, `sweep`, `hindcast` or `calibrate` with
    /// `--shard K/N`, every K once.
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Where the merged result set goes (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Worker threads [default: all cores] (a variant's comparison and a calibration's
    /// prior and posterior hindcasts run here).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    parquet: super::parquet::ParquetFlag,
}

/// The default output folder: `base`, or for shard K `base/shards/K`, so that shards started
/// without `--out` never share a folder.
pub(crate) fn default_out(base: PathBuf, shard: Option<Shard>) -> PathBuf {
    match shard {
        Some(s) => base.join("shards").join(s.index.to_string()),
        None => base,
    }
}

fn pipeline_failure(e: PipelineError) -> Failure {
    Failure::Io(e.to_string())
}

fn say_shard(done: &ShardDone, what: &str, out: &std::path::Path) {
    let m = done.manifest();
    let range = format!("{} {}..{}", what, m.first, m.end);
    match done {
        ShardDone::Written(_) => {
            say!("shard {}/{}: {range} in {:.2} s, into {}/", m.shard, m.shards, m.wall_seconds, out.display())
        }
        ShardDone::AlreadyComplete(_) => {
            say!("shard {}/{}: {range} already complete in {}/, skipped", m.shard, m.shards, out.display())
        }
    }
}

/// With `--resume`, whether `out` already holds the complete result set of this run (said so
/// unless `quiet`).
pub(crate) fn run_complete(job: &RunJob<'_>, flags: &ScaleFlags, quiet: bool) -> bool {
    let want = [
        ("/version", json!(env!("CARGO_PKG_VERSION"))),
        ("/scenario/sha256", json!(job.sha256)),
        ("/seed", json!(job.plan.seed)),
        ("/first_run", json!(job.plan.first_run)),
        ("/runs", json!(job.plan.runs)),
    ];
    let parquet = |dir: &std::path::Path| dir.join("runs.parquet").exists() == job.parquet;
    skip(flags.resume && is_complete(job.out, &want) && parquet(job.out), job.out, quiet)
}

/// With `--resume`, whether `out` already holds the complete result set of this sweep.
pub(crate) fn sweep_complete(job: &SweepJob<'_>, flags: &ScaleFlags, quiet: bool) -> bool {
    let want = [
        ("/version", json!(env!("CARGO_PKG_VERSION"))),
        ("/sweep_sha256", json!(job.sha256)),
        ("/seed", json!(job.sweep.seed)),
        ("/points", json!(job.sweep.points)),
        ("/replications", json!(job.sweep.replications)),
    ];
    let per_run = |dir: &std::path::Path| {
        dir.join("runs.csv").exists() == job.per_run && dir.join("points.parquet").exists() == job.parquet
    };
    skip(flags.resume && is_complete(job.out, &want) && per_run(job.out), job.out, quiet)
}

/// With `--resume`, whether `out` already holds the complete result set of this hindcast.
pub(crate) fn hindcast_complete(job: &HindcastJob<'_>, flags: &ScaleFlags, quiet: bool) -> bool {
    let want = [
        ("/version", json!(env!("CARGO_PKG_VERSION"))),
        ("/scenario/sha256", json!(job.sha256)),
        ("/observations/sha256", json!(job.observations_sha256)),
        ("/seed", json!(job.plan.seed)),
        ("/runs", json!(job.plan.runs)),
    ];
    skip(flags.resume && is_complete(job.out, &want), job.out, quiet)
}

/// With `--resume`, whether `out` already holds the complete result set of this calibration.
pub(crate) fn calibrate_complete(job: &CalibrateJob<'_>, flags: &ScaleFlags, quiet: bool) -> bool {
    let want = [
        ("/version", json!(env!("CARGO_PKG_VERSION"))),
        ("/scenario/sha256", json!(job.sha256)),
        ("/observations/sha256", json!(job.observations_sha256)),
        ("/seed", json!(job.settings.seed)),
        ("/calibration/points", json!(job.settings.points)),
        ("/calibration/runs_per_point", json!(job.settings.runs)),
        ("/calibration/keep", json!(job.settings.keep)),
        ("/hindcast_runs", json!(job.hindcast_runs)),
    ];
    skip(flags.resume && is_complete(job.out, &want), job.out, quiet)
}

fn skip(complete: bool, out: &std::path::Path, quiet: bool) -> bool {
    if complete && !quiet {
        say!("{}/ already holds this work, complete: skipped (--resume)", out.display());
    }
    complete
}

/// Plays one shard on a pool of `threads` and says what it did, `what` naming its units.
fn one_shard<F>(threads: Option<u16>, quiet: bool, what: &str, out: &std::path::Path, play: F) -> Result<(), Failure>
where
    F: FnOnce() -> Result<ShardDone, PipelineError> + Send,
{
    let done = pool(threads)?.install(play).map_err(pipeline_failure)?;
    if !quiet {
        say_shard(&done, what, out);
    }
    Ok(())
}

/// `run --shard K/N`: one shard of the runs.
pub(crate) fn run_shard(
    job: &RunJob<'_>,
    shard: Shard,
    flags: &ScaleFlags,
    threads: Option<u16>,
    quiet: bool,
) -> Result<(), Failure> {
    one_shard(threads, quiet, "runs", job.out, || run_shard_to_dir(job, shard, flags.resume, &|_| {}))
}

/// `sweep --shard K/N`: one shard of the design points.
pub(crate) fn sweep_shard(
    job: &SweepJob<'_>,
    shard: Shard,
    flags: &ScaleFlags,
    threads: Option<u16>,
    quiet: bool,
) -> Result<(), Failure> {
    one_shard(threads, quiet, "points", job.out, || sweep_shard_to_dir(job, shard, flags.resume, &|_| {}))
}

/// `hindcast --shard K/N`: one shard of the runs.
pub(crate) fn hindcast_shard(
    job: &HindcastJob<'_>,
    shard: Shard,
    flags: &ScaleFlags,
    threads: Option<u16>,
    quiet: bool,
) -> Result<(), Failure> {
    one_shard(threads, quiet, "runs", job.out, || hindcast_shard_to_dir(job, shard, flags.resume, &|_| {}))
}

/// `calibrate --shard K/N`: one shard of the design points.
pub(crate) fn calibrate_shard(
    job: &CalibrateJob<'_>,
    shard: Shard,
    flags: &ScaleFlags,
    threads: Option<u16>,
    quiet: bool,
) -> Result<(), Failure> {
    one_shard(threads, quiet, "points", job.out, || calibrate_shard_to_dir(job, shard, flags.resume, &|_| {}))
}

fn merge_failure(e: MergeError) -> Failure {
    match e {
        MergeError::Pipeline(e) => Failure::Io(e.to_string()),
        e => Failure::Input(format!("error: {e}")),
    }
}

/// The scenario or sweep file the shards name, as a source.
fn source_of(input: &str) -> Source {
    let shipped = shipped::by_display_name(input);
    shipped.map_or_else(|| Source::File(PathBuf::from(input)), Source::Shipped)
}

/// Checks that the input read now is the one the shards ran.
fn same_input(set: &ShardSet, bytes: &[u8]) -> Result<String, Failure> {
    let work = set.work();
    let sha256 = sha256_hex(bytes);
    if sha256 != work.input_sha256 {
        return Err(Failure::Input(format!(
            "error: the shards ran {} with SHA-256 {}, but it now has SHA-256 {sha256}: merge needs the file the shards ran (restore it)",
            work.input, work.input_sha256
        )));
    }
    Ok(sha256)
}

/// The observation file the shards name, checked to be the one they ran; with its SHA-256.
fn same_observations(
    set: &ShardSet,
    scenario: &heartland::Scenario,
) -> Result<(heartland::analysis::hindcast::Observations, String), Failure> {
    let work = set.work();
    let (obs, sha256) = load_observations(std::path::Path::new(&work.observations), scenario)?;
    if sha256 != work.observations_sha256 {
        return Err(Failure::Input(format!(
            "error: the shards ran the observation file {} with SHA-256 {}, but it now has SHA-256 {sha256}: merge needs the file the shards ran (restore it)",
            work.observations, work.observations_sha256
        )));
    }
    Ok((obs, sha256))
}

/// `heartland merge --out DIR SHARD_DIR...`.
pub(crate) fn merge(args: MergeArgs) -> Result<(), Failure> {
    let parquet = args.parquet.wanted(false)?;
    let set = merge::read_shards(&args.shards).map_err(merge_failure)?;
    let work = set.work().clone();
    if parquet && (work.kind == "hindcast" || work.kind == "calibration") {
        return Err(Failure::Input(format!(
            "error: --parquet: a {} has no runs.csv or points.csv to copy; merge without it",
            work.kind
        )));
    }
    let source = source_of(&work.input);
    let pool = pool(args.threads)?;
    let out = args.out.as_path();
    if work.kind == "hindcast" || work.kind == "calibration" {
        let (scenario, bytes) = load_source(&source)?;
        let sha256 = same_input(&set, &bytes)?;
        let (observations, observations_sha256) = same_observations(&set, &scenario)?;
        let file = source.name();
        if work.kind == "hindcast" {
            let plan = Plan { seed: work.seed, first_run: 0, runs: work.total };
            let job = HindcastJob {
                scenario: &scenario,
                file: &file,
                sha256: &sha256,
                observations: &observations,
                observations_sha256: &observations_sha256,
                plan,
                out,
                draw: true,
            };
            pool.install(|| merge_hindcast_to_dir(&job, &set)).map_err(merge_failure)?;
        } else {
            let calibration = work.calibration.ok_or_else(|| {
                Failure::Input(format!(
                    "error: shard {}: no `calibration` settings in shard.json",
                    set.shards[0].0.display()
                ))
            })?;
            let points = usize::try_from(work.total).map_err(|_| Failure::Input("error: too many points".into()))?;
            let settings =
                Settings { points, runs: calibration.runs_per_point, seed: work.seed, keep: calibration.keep };
            let shipped_file = shipped_file(&source);
            let job = CalibrateJob {
                scenario: &scenario,
                file: &file,
                extends: extends(&source, &shipped_file),
                sha256: &sha256,
                observations: &observations,
                observations_sha256: &observations_sha256,
                settings,
                hindcast_runs: calibration.hindcast_runs,
                out,
                draw: true,
            };
            pool.install(|| merge_calibration_to_dir(&job, &set)).map_err(merge_failure)?;
        }
    } else if work.kind == "sweep" {
        let (sweep, bytes) = load_sweep(&source)?;
        let sha256 = same_input(&set, &bytes)?;
        let name = source.name();
        let job =
            SweepJob { sweep: &sweep, file: &name, sha256: &sha256, out, per_run: work.per_run, draw: true, parquet };
        pool.install(|| merge::merge_sweep_to_dir(&job, &set)).map_err(merge_failure)?;
    } else {
        let (scenario, bytes) = load_source(&source)?;
        let sha256 = same_input(&set, &bytes)?;
        let base =
            scenario.base_file().map(|f| load_source(&source_of(f)).map(|(b, _)| (b, f.to_string()))).transpose()?;
        let base = base.as_ref().map(|(b, f)| Base { scenario: b, file: f });
        let plan = Plan { seed: work.seed, first_run: 0, runs: work.total };
        let name = source.name();
        let job = RunJob { scenario: &scenario, file: &name, sha256: &sha256, plan, out, draw: true, base, parquet };
        pool.install(|| merge::merge_run_to_dir(&job, &set)).map_err(merge_failure)?;
    }
    if !args.quiet {
        let what = if work.kind == "sweep" || work.kind == "calibration" { "point" } else { "run" };
        say!(
            "merged {} ({} of {}) into {}/",
            count(set.shards.len() as u64, "shard"),
            count(work.total, what),
            work.input,
            out.display()
        );
    }
    Ok(())
}
