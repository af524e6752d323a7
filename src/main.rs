//! The `heartland` command: thin glue over the library. It parses flags, loads and validates
//! the scenario before touching the disk, runs the Monte Carlo with a progress bar, writes the
//! result files, then draws the charts and the report from them. Exit codes: 0 success, 1 I/O
//! failure, 2 bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use heartland::analysis::compare::OutcomeDiff;
use heartland::analysis::sweep::Sweep;
use heartland::english::count;
use heartland::montecarlo::Plan;
use heartland::pipeline::{self, Base, CompareJob, RunJob, SweepJob};
use heartland::report::charts::{percent, points};
use heartland::report::{self, PublishError};
use heartland::results::ReadError;
use heartland::scenario::shipped::{self, Shipped};
use heartland::scenario::{Scenario, ScenarioError, sha256_hex};

const BASELINE: &str = "baseline_2014.toml";

// Standard output and error that never panic nor fail silently: `say!` and `out::error`.
#[macro_use]
#[path = "cli/out.rs"]
mod out;
use out::{progress_bar, read_failure, truncate, within_budget};
// `hindcast` and `calibrate`: their flags and glue, in a file of their own.
#[path = "cli/assess.rs"]
mod assess;
use assess::{CalibrateArgs, HindcastArgs, calibrate, hindcast};
// `play` and `explain`: the terminal front end of the wargame layer.
#[path = "cli/play.rs"]
mod play;
use play::PlayArgs;
#[path = "cli/explain.rs"]
mod explain;
use explain::{ExplainArgs, explain_cmd};
#[path = "cli/serve.rs"]
mod serve;
// `validate`, `list`, `sources` and `params`.
#[path = "cli/inspect.rs"]
mod inspect;
use inspect::{list, params, sources, validate};
// The scale-out flags (`--shard`, `--resume`) and `merge`.
#[path = "cli/scale.rs"]
mod scale;
#[path = "cli/tournament.rs"]
mod tournament;
// `--parquet` on `run`, `sweep` and `merge` (cargo feature `parquet`).
#[path = "cli/parquet.rs"]
mod parquet;

#[derive(Parser)]
#[command(
    name = "heartland",
    version,
    about = "Monte Carlo agent-based model of security cooperation in Central Asia after 2014"
)]
#[command(
    after_help = "Without a command, runs the baseline scenario into outputs/baseline_2014/: scenarios/baseline_2014.toml in \
                  the current folder if there is one, else the shipped baseline_2014.\n\n\
                  A SCENARIO or SWEEP is a file, or the name of a shipped one (`heartland list`), with or without .toml; \
                  a name that is also an existing path is read as the path."
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    /// Without a command: the run flags, for the baseline.
    #[command(flatten)]
    run: RunFlags,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario's Monte Carlo; write runs.csv, series.csv, outcomes.csv, manifest.json,
    /// then charts/ and report.html.
    Run(RunArgs),
    /// Redraw charts/ and report.html from the result files of an output directory.
    Plot {
        /// The output directory of a run (series.csv, outcomes.csv, runs.csv, manifest.json) or of a
        /// sweep (points.csv, manifest.json, and sensitivity.csv, discovery.csv if written).
        dir: PathBuf,
        /// Print nothing on success.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print every value of a scenario with its source; exit 1 if any has none.
    Sources {
        /// The scenario: a file, or the name of a shipped scenario.
        scenario: PathBuf,
        /// List only the values without a source.
        #[arg(long)]
        missing: bool,
        /// List only the values whose sources cite a date after the scenario's first period
        /// (what could not be known at its start); exit 1 if there are any.
        #[arg(long, conflicts_with = "missing")]
        later: bool,
    },
    /// Compare two scenarios' outcome probabilities on the same random numbers.
    Compare {
        /// The base scenario: a file, or the name of a shipped scenario.
        base: PathBuf,
        /// The scenario compared with it: a file, or the name of a shipped scenario.
        variant: PathBuf,
        /// Runs of each [default: the variant's, at most 4000].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        runs: Option<u64>,
        /// Master seed [default: the variant's].
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads [default: all cores].
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Also write DIR/comparison.csv, one row per outcome.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Run even beyond the memory and work heartland allows unasked (2 GiB, 10^11 units).
        #[arg(long)]
        allow_large: bool,
    },
    /// Run a parameter sweep: points.csv, sensitivity.csv, discovery.csv, manifest.json.
    Sweep {
        /// The sweep file (it names its scenario), or the name of a shipped sweep.
        file: PathBuf,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Output directory [default: outputs/sweeps/<sweep file stem>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write runs.csv, one row per replication of every point.
        #[arg(long)]
        per_run: bool,
        /// No progress bar and no summary.
        #[arg(long, short)]
        quiet: bool,
        /// Run even beyond the memory and work heartland allows unasked (2 GiB, 10^11 units).
        #[arg(long)]
        allow_large: bool,
        #[command(flatten)]
        scale: scale::ScaleFlags,
        #[command(flatten)]
        parquet: parquet::ParquetFlag,
    },
    /// Score a scenario against what happened: hindcast.csv, scores.csv, reliability.csv,
    /// manifest.json.
    Hindcast(HindcastArgs),
    /// Fit a scenario's uncertain parameters on the train facts (ABC rejection over a Sobol
    /// design): design.csv, posterior.csv, calibrated.toml, comparison.csv, prior/, posterior/.
    Calibrate(CalibrateArgs),
    /// Play a scenario as some of its actors, turn by turn, the model playing everyone else;
    /// saved every turn, with a facilitator's injects, overrides, undo, forecasts.
    Play(PlayArgs),
    /// Explain the model's decisions in a run or a saved game: one decision's terms, or all as CSV.
    Explain(ExplainArgs),
    /// Serve a seminar game: teams, facilitator and projector in browsers (GAME_OR_SCENARIO).
    Serve(serve::ServeArgs),
    /// Play a round-robin tournament of classic strategies from a file; tables, charts, report.
    Tournament(tournament::TournamentArgs),
    /// Check a scenario file and print what it defines.
    Validate {
        /// The scenario: a file, or the name of a shipped scenario.
        scenario: PathBuf,
    },
    /// List the shipped scenarios and sweeps, by the names `run` and `sweep` take.
    List,
    /// Merge the shard folders of a run, a sweep, a hindcast or a calibration (`--shard K/N`)
    /// into one result set.
    Merge(scale::MergeArgs),
    /// List every parameter a sweep can vary: its path, value or distribution, domain and source.
    Params {
        /// The scenario: a file, or the name of a shipped scenario.
        scenario: PathBuf,
        /// Write a CSV table to standard output instead.
        #[arg(long)]
        csv: bool,
    },
}

#[derive(clap::Args, Default)]
struct RunArgs {
    /// The scenario: a file, or the name of a shipped scenario (`heartland list`); a name that
    /// is also an existing path is read as the path [default: scenarios/baseline_2014.toml if
    /// present, else the shipped baseline_2014].
    scenario: Option<PathBuf>,
    #[command(flatten)]
    flags: RunFlags,
}

/// The flags of a run, also accepted without a command (`heartland --threads 2`).
#[derive(clap::Args, Default)]
struct RunFlags {
    /// Number of runs [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
    /// Master seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output directory [default: outputs/<scenario file stem or name>].
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
    #[command(flatten)]
    parquet: parquet::ParquetFlag,
}

/// A failure, rendered once for people.
enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Could not read or write: exit code 1.
    Io(String),
    /// `sources` found values without a source: exit code 1, after the listing.
    Unsourced,
}

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|e| out::clap_exit(&e));
    let result = match cli.command {
        None => run(RunArgs { scenario: None, flags: cli.run }),
        Some(Command::Run(args)) => run(args),
        Some(Command::Plot { dir, quiet }) => plot(&dir, quiet),
        Some(Command::Validate { scenario }) => validate(&scenario),
        Some(Command::Sources { scenario, missing, later }) => sources(&scenario, missing, later),
        Some(Command::Compare { base, variant, runs, seed, threads, out, allow_large }) => {
            compare(&base, &variant, CompareFlags { runs, seed, threads, out, allow_large })
        }
        Some(Command::Sweep { file, threads, out, per_run, quiet, allow_large, scale, parquet }) => {
            sweep(&file, threads, out, (per_run, parquet), (quiet, allow_large), scale)
        }
        Some(Command::List) => list(),
        Some(Command::Params { scenario, csv }) => params(&scenario, csv),
        Some(Command::Hindcast(args)) => hindcast(args),
        Some(Command::Calibrate(args)) => calibrate(args),
        Some(Command::Play(args)) => play::play(args),
        Some(Command::Explain(args)) => explain_cmd(args),
        Some(Command::Serve(args)) => serve::serve(args),
        Some(Command::Merge(args)) => scale::merge(args),
        Some(Command::Tournament(args)) => tournament::tournament(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            out::error(&msg);
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            out::error(&format!("error: {msg}"));
            ExitCode::from(1)
        }
        Err(Failure::Unsourced) => ExitCode::from(1),
    }
}

/// Where a scenario or a sweep comes from.
enum Source {
    File(PathBuf),
    Shipped(&'static Shipped),
}

impl Source {
    /// A command-line argument: the file when one exists at that path, else the shipped one of
    /// that name, else the path (which then fails to read, with a message).
    fn of(arg: &Path, by_name: fn(&str) -> Option<&'static Shipped>) -> Source {
        match arg.to_str().and_then(by_name) {
            Some(s) if !arg.exists() => Source::Shipped(s),
            _ => Source::File(arg.to_path_buf()),
        }
    }

    /// How messages and the manifest name it.
    fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Shipped(s) => s.display_name(),
        }
    }

    /// The default output folder's name.
    fn stem(&self, fallback: &str) -> String {
        match self {
            Source::File(p) => p.file_stem().map_or_else(|| fallback.to_string(), |s| s.to_string_lossy().into_owned()),
            Source::Shipped(s) => s.name.to_string(),
        }
    }
}

/// The scenario run without a command or a file: the checkout's baseline when run from one.
fn default_scenario() -> Source {
    let local = Path::new("scenarios").join(BASELINE);
    match shipped::scenario(BASELINE) {
        Some(s) if !local.is_file() => Source::Shipped(s),
        _ => Source::File(local),
    }
}

/// "did you mean" among the shipped names, for an argument that is neither a file nor a name.
fn shipped_hint(arg: &Path, list: &[Shipped]) -> String {
    let stem = arg.to_string_lossy();
    let stem = stem.strip_suffix(".toml").unwrap_or(&stem);
    match heartland::scenario::diagnostic::did_you_mean(stem, list.iter().map(|s| s.name)) {
        Some(hint) => format!("\n   = help: {hint}"),
        None => String::new(),
    }
}

fn load(path: &Path) -> Result<(Scenario, Vec<u8>), Failure> {
    load_source(&Source::of(path, shipped::scenario))
}

fn load_source(source: &Source) -> Result<(Scenario, Vec<u8>), Failure> {
    let path = match source {
        Source::File(path) => path,
        Source::Shipped(s) => {
            let scenario = Scenario::shipped(s.name).expect("found by name");
            return scenario.map(|sc| (sc, s.text.as_bytes().to_vec())).map_err(|e| Failure::Input(e.to_string()));
        }
    };
    let bytes =
        heartland::input::read(path, heartland::scenario::MAX_FILE_BYTES as u64).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::Input(format!(
                "error: no scenario file at {}{}\n   = help: `heartland list` shows the shipped scenarios",
                path.display(),
                shipped_hint(path, &shipped::SCENARIOS)
            )),
            _ => read_failure(path, e),
        })?;
    let scenario = match std::str::from_utf8(&bytes) {
        Ok(text) => Scenario::parse(text, &path.display().to_string()),
        Err(_) => Scenario::load(path),
    };
    match scenario {
        Ok(s) => Ok((s, bytes)),
        Err(e @ ScenarioError::Invalid { .. }) => Err(Failure::Input(e.to_string())),
        Err(e @ ScenarioError::Io { .. }) => Err(Failure::Io(e.to_string())),
    }
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let flags = args.flags;
    let parquet = flags.parquet.wanted(flags.scale.shard.is_some())?;
    let source = args.scenario.map_or_else(default_scenario, |p| Source::of(&p, shipped::scenario));
    let (scenario, bytes) = load_source(&source)?;
    // A variant is read against the scenario it extends: its run compares the two.
    let base = scenario
        .base_file()
        .map(|f| {
            let base_source =
                shipped::by_display_name(f).map_or_else(|| Source::File(PathBuf::from(f)), Source::Shipped);
            load_source(&base_source).map(|(b, _)| (b, f.to_string()))
        })
        .transpose()?;
    let stem = source.stem("scenario");
    let out = flags.out.unwrap_or_else(|| scale::default_out(Path::new("outputs").join(&stem), flags.scale.shard));
    let plan =
        Plan { seed: flags.seed.unwrap_or(scenario.seed), first_run: 0, runs: flags.runs.unwrap_or(scenario.runs) };
    let pool = pool(flags.threads)?;
    let what = format!("{} of {}", count(plan.runs, "run"), source.name());
    within_budget(&scenario, plan.runs, &pool, flags.allow_large, &what)?;
    let bar = progress_bar(plan.runs, "runs, {per_sec}", &scenario.name, flags.quiet);
    let (file, sha256) = (source.name(), sha256_hex(&bytes));
    let base = base.as_ref().map(|(b, f)| Base { scenario: b, file: f });
    let job = RunJob { scenario: &scenario, file: &file, sha256: &sha256, plan, out: &out, draw: true, base, parquet };
    if let Some(shard) = flags.scale.shard {
        return scale::run_shard(&job, shard, &flags.scale, flags.threads, flags.quiet);
    } else if scale::run_complete(&job, &flags.scale, flags.quiet) {
        return Ok(());
    }
    let done = pool.install(|| pipeline::run_to_dir(&job, &|n| bar.inc(n))).map_err(|e| Failure::Io(e.to_string()))?;
    bar.finish_and_clear();

    if !flags.quiet {
        let (wall, threads) = (done.wall_seconds, done.threads);
        say!(
            "{}: {} of {} ({} to {}) in {wall:.2} s on {}, {:.3e} actor-decisions/s",
            scenario.name,
            count(plan.runs, "run"),
            count(done.summary.turns_per_run as u64, "turn"),
            scenario.calendar.start,
            scenario.calendar.end,
            count(threads as u64, "thread"),
            done.summary.decisions as f64 / wall.max(1e-9)
        );
        say!(
            "results in {}/ (charts and report.html drawn in {:.2} s)",
            out.display(),
            done.drawing_seconds.unwrap_or(0.0)
        );
        let rows = &done.outcomes;
        if !rows.is_empty() {
            say!("\n{:<48} {:>11}  {:<17} {}", "outcome", "probability", "95% interval", "median first date");
            for r in rows {
                say!(
                    "{:<48} {:>11}  {:<17} {}",
                    truncate(&r.label, 48),
                    percent(r.probability),
                    format!("[{}, {}]", percent(r.ci_low), percent(r.ci_high)),
                    if r.median_first_date.is_empty() { "never" } else { &r.median_first_date }
                );
            }
        }
        if let (Some((diffs, runs)), Some(base)) = (&done.comparison, base) {
            say!(
                "\ncompared with {} ({}), the outcomes that differ most (comparison.csv has them all):",
                base.file,
                count(*runs, "paired run")
            );
            print_diffs(&diffs[..diffs.len().min(3)]);
        }
    }
    Ok(())
}

fn print_diffs(diffs: &[OutcomeDiff]) {
    say!("{:<48} {:>6} {:>8}  {:>9}  {}", "outcome", "base", "variant", "change", "95% interval");
    for d in diffs {
        let p = |x: Option<f64>| x.map_or("—".to_string(), percent);
        let (change, interval) = match d.difference {
            Some((x, lo, hi)) => (
                format!("{} pts", points(x)),
                format!("[{}, {}]{}", points(lo), points(hi), if d.is_clear() { "" } else { " (not clear)" }),
            ),
            None => ("—".into(), String::new()),
        };
        say!("{:<48} {:>6} {:>8}  {:>9}  {}", truncate(&d.label, 48), p(d.base), p(d.variant), change, interval);
    }
}

fn plot(dir: &Path, quiet: bool) -> Result<(), Failure> {
    let lock = dir.is_dir().then(|| heartland::results::integrity::lock_dir(dir)).transpose();
    let _lock = lock.map_err(|e| Failure::Io(e.to_string()))?;
    let published = report::publish(dir).map_err(|e| match e {
        PublishError::Read(e @ ReadError::Invalid { .. }) => Failure::Input(format!("error: {e}")),
        e => Failure::Io(e.to_string()),
    })?;
    if !quiet {
        say!(
            "{} ({} in {})",
            published.report.display(),
            count(published.charts.len() as u64, "chart file"),
            dir.join("charts").display()
        );
    }
    Ok(())
}

/// The flags of `heartland compare`.
struct CompareFlags {
    runs: Option<u64>,
    seed: Option<u64>,
    threads: Option<u16>,
    out: Option<PathBuf>,
    allow_large: bool,
}

fn compare(base: &Path, variant: &Path, flags: CompareFlags) -> Result<(), Failure> {
    let (base_sc, _) = load(base)?;
    let (variant_sc, _) = load(variant)?;
    let plan = Plan {
        seed: flags.seed.unwrap_or(variant_sc.seed),
        first_run: 0,
        runs: flags.runs.unwrap_or(variant_sc.runs.min(pipeline::COMPARE_RUNS)),
    };
    let pool = pool(flags.threads)?;
    let what = format!("{} of {}", count(plan.runs, "paired run"), variant.display());
    within_budget(&variant_sc, plan.runs.saturating_mul(2), &pool, flags.allow_large, &what)?;
    let job = CompareJob { base: &base_sc, variant: &variant_sc, plan, out: flags.out.as_deref() };
    let diffs = pool.install(|| pipeline::compare_to_dir(&job)).map_err(|e| Failure::Io(e.to_string()))?;
    say!("{} against {}: {}, seed {}", variant_sc.name, base_sc.name, count(plan.runs, "paired run"), plan.seed);
    print_diffs(&diffs);
    if let Some(out) = &flags.out {
        say!("written to {}", out.join("comparison.csv").display());
    }
    Ok(())
}

/// A worker pool of `threads` threads, all cores by default.
fn pool(threads: Option<u16>) -> Result<rayon::ThreadPool, Failure> {
    let threads = threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Io(format!("cannot start {}: {e}", count(threads as u64, "thread"))))
}

fn sweep(
    file: &Path,
    threads: Option<u16>,
    out: Option<PathBuf>,
    (per_run, parquet): (bool, parquet::ParquetFlag),
    flags: (bool, bool),
    scale: scale::ScaleFlags,
) -> Result<(), Failure> {
    let (quiet, allow_large) = flags;
    let parquet = parquet.wanted(scale.shard.is_some())?;
    let source = Source::of(file, shipped::sweep);
    let (sweep, bytes) = load_sweep(&source)?;
    let stem = source.stem("sweep");
    let out = out.unwrap_or_else(|| scale::default_out(Path::new("outputs").join("sweeps").join(&stem), scale.shard));
    let pool = pool(threads)?;
    let what = format!(
        "{} × {} of {}",
        count(sweep.points as u64, "point"),
        count(sweep.replications, "replication"),
        source.name()
    );
    within_budget(&sweep.scenario, sweep.runs(), &pool, allow_large, &what)?;
    let bar = progress_bar(sweep.points as u64, "points", &sweep.name, quiet);
    let (name, sha256) = (source.name(), sha256_hex(&bytes));
    let job = SweepJob { sweep: &sweep, file: &name, sha256: &sha256, out: &out, per_run, draw: true, parquet };
    if let Some(shard) = scale.shard {
        return scale::sweep_shard(&job, shard, &scale, threads, quiet);
    } else if scale::sweep_complete(&job, &scale, quiet) {
        return Ok(());
    }
    let done =
        pool.install(|| pipeline::sweep_to_dir(&job, &|n| bar.inc(n))).map_err(|e| Failure::Io(e.to_string()))?;
    bar.finish_and_clear();
    if !quiet {
        say!(
            "{}: {} × {} = {} in {:.2} s",
            sweep.name,
            count(sweep.points as u64, "point"),
            count(sweep.replications, "run"),
            count(sweep.runs(), "run"),
            done.wall_seconds
        );
        say!("results in {}/", out.display());
        if let Some((trajectory, Some(c))) = &done.discovery {
            let names: Vec<&str> = sweep.params.iter().map(|p| p.path.as_str()).collect();
            let b = &trajectory.boxes[*c];
            say!(
                "\nwhere the discovery outcome is likely (coverage {:.2}, density {:.2}):\n{}",
                b.coverage,
                b.density,
                b.describe(&names)
            );
        }
    }
    Ok(())
}

/// A sweep and the bytes of its file.
fn load_sweep(source: &Source) -> Result<(Sweep, Vec<u8>), Failure> {
    let checked = |r: Result<Sweep, ScenarioError>| {
        r.map_err(|e| match e {
            e @ ScenarioError::Invalid { .. } => Failure::Input(e.to_string()),
            e => Failure::Io(e.to_string()),
        })
    };
    let file = match source {
        Source::File(file) => file,
        Source::Shipped(s) => return Ok((checked(Sweep::shipped(s.name).expect("found by name"))?, s.text.into())),
    };
    let bytes =
        heartland::input::read(file, heartland::analysis::sweep::MAX_SWEEP_BYTES).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::Input(format!(
                "error: no sweep file at {}{}",
                file.display(),
                shipped_hint(file, &shipped::SWEEPS)
            )),
            _ => read_failure(file, e),
        })?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Failure::Input(format!("error: {} is not UTF-8 text", file.display())))?;
    Ok((checked(Sweep::parse(&text, &file.display().to_string()))?, bytes))
}
