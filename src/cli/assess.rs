//! `heartland hindcast` and `heartland calibrate`: their flags, and the glue from flags to
//! `pipeline::hindcast_to_dir` and `pipeline::calibrate_to_dir`. Part of the binary
//! (`src/main.rs` includes it), not of the library.

use std::path::{Path, PathBuf};

use heartland::analysis::hindcast::{Observations, calibrate, summary};
use heartland::english::count;
use heartland::montecarlo::Plan;
use heartland::pipeline::{self, CalibrateJob, Extends, HindcastJob};
use heartland::scenario::{Scenario, ScenarioError, sha256_hex, shipped};

use super::{Failure, Source, load_source, pool, progress_bar, scale};

#[derive(clap::Args)]
pub(crate) struct HindcastArgs {
    /// The scenario: a file, or a shipped name such as baseline_2014.
    scenario: PathBuf,
    /// The observation file (CSV: id,claim,quantity,mode,from,to,observed,tolerance,split,source).
    observations: PathBuf,
    /// Number of runs [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
    /// Master seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output directory [default: outputs/hindcast/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Run even beyond the memory and work heartland allows unasked (2 GiB, 10^11 units).
    #[arg(long)]
    allow_large: bool,
    #[command(flatten)]
    scale: scale::ScaleFlags,
}

#[derive(clap::Args)]
pub(crate) struct CalibrateArgs {
    /// The scenario: a file, or a shipped name such as baseline_2014.
    scenario: PathBuf,
    /// The observation file; only its train facts enter the fit.
    observations: PathBuf,
    /// Design points.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    points: u64,
    /// Runs per design point.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    runs: u64,
    /// Master seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output directory [default: outputs/calibrate/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Share of the design points kept as the posterior, in (0, 1].
    #[arg(long, default_value_t = 0.1)]
    keep: f64,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Run even beyond the memory and work heartland allows unasked (2 GiB, 10^11 units).
    #[arg(long)]
    allow_large: bool,
    #[command(flatten)]
    scale: scale::ScaleFlags,
}

/// Reads an observation file and checks it against `scenario`.
pub(crate) fn load_observations(path: &Path, scenario: &Scenario) -> Result<(Observations, String), Failure> {
    match Observations::load(path, scenario) {
        Ok((obs, bytes)) => Ok((obs, sha256_hex(&bytes))),
        Err(e @ ScenarioError::Invalid { .. }) => Err(Failure::Input(e.to_string())),
        Err(ScenarioError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Err(Failure::Input(format!("error: no observation file at {}", path.display())))
        }
        Err(e) => Err(Failure::Io(e.to_string())),
    }
}

/// A shipped scenario's file name (`baseline_2014.toml`), which a calibrated scenario
/// `extends`; empty for a file.
pub(crate) fn shipped_file(source: &Source) -> String {
    match source {
        Source::Shipped(s) => s.file_name(),
        Source::File(_) => String::new(),
    }
}

/// What a calibration of `source` extends (`shipped_file` from [`shipped_file`]).
pub(crate) fn extends<'a>(source: &'a Source, shipped_file: &'a str) -> Extends<'a> {
    match source {
        Source::File(path) => Extends::File(path),
        Source::Shipped(_) => Extends::Shipped(shipped_file),
    }
}

pub(crate) fn hindcast(args: HindcastArgs) -> Result<(), Failure> {
    let source = Source::of(&args.scenario, shipped::scenario);
    let (scenario, bytes) = load_source(&source)?;
    let (observations, observations_sha256) = load_observations(&args.observations, &scenario)?;
    let out = args.out.unwrap_or_else(|| {
        scale::default_out(Path::new("outputs").join("hindcast").join(source.stem("scenario")), args.scale.shard)
    });
    let plan =
        Plan { seed: args.seed.unwrap_or(scenario.seed), first_run: 0, runs: args.runs.unwrap_or(scenario.runs) };
    let pool = pool(args.threads)?;
    let what = format!("{} of {}", count(plan.runs, "run"), source.name());
    super::out::within_budget(&scenario, plan.runs, &pool, args.allow_large, &what)?;
    let bar = progress_bar(plan.runs, "runs, {per_sec}", &scenario.name, args.quiet);
    let (file, sha256) = (source.name(), sha256_hex(&bytes));
    let job = HindcastJob {
        scenario: &scenario,
        file: &file,
        sha256: &sha256,
        observations: &observations,
        observations_sha256: &observations_sha256,
        plan,
        out: &out,
        draw: true,
    };
    if let Some(shard) = args.scale.shard {
        return scale::hindcast_shard(&job, shard, &args.scale, args.threads, args.quiet);
    } else if scale::hindcast_complete(&job, &args.scale, args.quiet) {
        return Ok(());
    }
    let done =
        pool.install(|| pipeline::hindcast_to_dir(&job, &|n| bar.inc(n))).map_err(|e| Failure::Io(e.to_string()))?;
    bar.finish_and_clear();
    if !args.quiet {
        let last = scenario.calendar.period(done.turns_per_run.saturating_sub(1));
        say!(
            "{} against {}: {} facts, {} runs to {last} in {:.2} s on {} threads",
            scenario.name,
            observations.file,
            observations.rows.len(),
            plan.runs,
            done.wall_seconds,
            done.threads
        );
        say!("results in {}/\n", out.display());
        for line in summary::summary(&done.assessment, 5) {
            say!("{line}");
        }
    }
    Ok(())
}

pub(crate) fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let source = Source::of(&args.scenario, shipped::scenario);
    let (scenario, bytes) = load_source(&source)?;
    let (observations, observations_sha256) = load_observations(&args.observations, &scenario)?;
    let settings = calibrate::Settings {
        points: usize::try_from(args.points).map_err(|_| Failure::Input("error: too many points".into()))?,
        runs: args.runs,
        seed: args.seed.unwrap_or(scenario.seed),
        keep: args.keep,
    };
    // Checked before the output folder is touched.
    calibrate::check(&scenario, &observations, settings).map_err(|e| Failure::Input(format!("error: {e}")))?;
    let out = args.out.unwrap_or_else(|| {
        scale::default_out(Path::new("outputs").join("calibrate").join(source.stem("scenario")), args.scale.shard)
    });
    let pool = pool(args.threads)?;
    // The design's runs, then the prior's and the posterior's hindcasts.
    let runs = args.points.saturating_mul(args.runs).saturating_add(scenario.runs.saturating_mul(2));
    let what = format!("{} × {} of {}", count(args.points, "point"), count(args.runs, "run"), source.name());
    super::out::within_budget(&scenario, runs, &pool, args.allow_large, &what)?;
    let bar = progress_bar(args.points, "points", &scenario.name, args.quiet);
    let (file, sha256) = (source.name(), sha256_hex(&bytes));
    let shipped_file = shipped_file(&source);
    let job = CalibrateJob {
        scenario: &scenario,
        file: &file,
        extends: extends(&source, &shipped_file),
        sha256: &sha256,
        observations: &observations,
        observations_sha256: &observations_sha256,
        settings,
        hindcast_runs: scenario.runs,
        out: &out,
        draw: true,
    };
    if let Some(shard) = args.scale.shard {
        return scale::calibrate_shard(&job, shard, &args.scale, args.threads, args.quiet);
    } else if scale::calibrate_complete(&job, &args.scale, args.quiet) {
        return Ok(());
    }
    let done =
        pool.install(|| pipeline::calibrate_to_dir(&job, &|n| bar.inc(n))).map_err(|e| Failure::Io(e.to_string()))?;
    bar.finish_and_clear();
    if !args.quiet {
        say!(
            "{}: {} points × {} runs = {} runs, {} kept, then prior and posterior hindcasts of {} runs, in {:.2} s on {} threads",
            scenario.name,
            done.points,
            settings.runs,
            done.points as u64 * settings.runs,
            done.kept.len(),
            scenario.runs,
            done.wall_seconds,
            done.threads
        );
        let calibrated = match done.parameters.as_slice() {
            few @ [_] | few @ [_, _] | few @ [_, _, _] => few.join(", "),
            many => format!("{} parameters ({}, … listed in design.csv)", many.len(), many[..2].join(", ")),
        };
        say!("calibrated {calibrated}; results in {}/\n", out.display());
        for line in summary::comparison(&done.prior, &done.posterior) {
            say!("{line}");
        }
    }
    Ok(())
}
