//! The `heartland` command: thin glue over the library. It parses flags, loads and validates
//! the scenario before touching the disk, runs the Monte Carlo with a progress bar, writes the
//! result files, then draws the charts and the report from them. Exit codes: 0 success, 1 I/O
//! failure, 2 bad input.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use heartland::montecarlo::{self, Plan};
use heartland::output::{self, Manifest, ManifestScenario, RunsWriter};
use heartland::report::{self, PublishError};
use heartland::results::ReadError;
use heartland::scenario::{Scenario, ScenarioError};

const BASELINE: &str = "baseline_2014.toml";

#[derive(Parser)]
#[command(
    name = "heartland",
    version,
    about = "Monte Carlo agent-based model of security cooperation in Central Asia after 2014"
)]
#[command(
    after_help = "Without a command, runs the baseline scenario (scenarios/baseline_2014.toml) into outputs/baseline_2014/."
)]
struct Cli {
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
        /// The output directory of a run (holding series.csv, outcomes.csv, runs.csv, manifest.json).
        dir: PathBuf,
        /// Print nothing on success.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a scenario file and print what it defines.
    Validate {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// List the shipped scenarios.
    List,
}

#[derive(clap::Args, Default)]
struct RunArgs {
    /// The scenario file [default: scenarios/baseline_2014.toml].
    scenario: Option<PathBuf>,
    /// Number of runs [default: the scenario's].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
    /// Master seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output directory [default: outputs/<scenario file stem>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// A failure, rendered once for people.
enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Could not read or write: exit code 1.
    Io(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run(RunArgs::default()),
        Some(Command::Run(args)) => run(args),
        Some(Command::Plot { dir, quiet }) => plot(&dir, quiet),
        Some(Command::Validate { scenario }) => validate(&scenario),
        Some(Command::List) => list(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// The shipped scenarios: `./scenarios` when run from a checkout, else the source tree's.
fn scenarios_dir() -> PathBuf {
    let local = PathBuf::from("scenarios");
    if local.is_dir() { local } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios") }
}

fn load(path: &Path) -> Result<(Scenario, Vec<u8>), Failure> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::Input(format!(
            "error: no scenario file at {}\n   = help: `heartland list` shows the shipped scenarios",
            path.display()
        )),
        _ => Failure::Io(format!("cannot read {}: {e}", path.display())),
    })?;
    if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Failure::Input(format!("error: {} is a directory, not a scenario file", path.display())));
    }
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
    let path = args.scenario.unwrap_or_else(|| scenarios_dir().join(BASELINE));
    let (scenario, bytes) = load(&path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
    let out = args.out.unwrap_or_else(|| Path::new("outputs").join(&stem));
    let runs = args.runs.unwrap_or(scenario.runs);
    let seed = args.seed.unwrap_or(scenario.seed);
    let threads = args.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let io = |what: &Path| {
        let what = what.display().to_string();
        move |e: std::io::Error| Failure::Io(format!("cannot write {what}: {e}"))
    };
    if out.exists() && !out.is_dir() {
        return Err(Failure::Io(format!("the output path {} exists and is not a directory", out.display())));
    }
    std::fs::create_dir_all(&out).map_err(io(&out))?;

    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} runs, {per_sec}, eta {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(scenario.name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Io(format!("cannot start {threads} threads: {e}")))?;
    let started = Instant::now();
    let runs_path = out.join("runs.csv");
    let mut writer = RunsWriter::create(&scenario, &runs_path).map_err(|e| Failure::Io(e.to_string()))?;
    let plan = Plan { seed, first_run: 0, runs };
    let summary = pool
        .install(|| montecarlo::run(&scenario, plan, |records| writer.write(records), &|n| bar.inc(n)))
        .map_err(|e| Failure::Io(e.to_string()))?;
    writer.finish().map_err(|e| Failure::Io(e.to_string()))?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();

    let rows = output::outcome_rows(&scenario, &summary);
    let fail = |e: output::OutputError| Failure::Io(e.to_string());
    output::write_series(&scenario, &summary, &out.join("series.csv")).map_err(fail)?;
    output::write_outcomes(&rows, &out.join("outcomes.csv")).map_err(fail)?;
    let manifest = Manifest {
        tool: "heartland",
        version: env!("CARGO_PKG_VERSION"),
        scenario: ManifestScenario {
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            question: scenario.question.clone(),
            file: path.display().to_string(),
            sha256: output::sha256_hex(&bytes),
        },
        seed,
        first_run: 0,
        runs,
        threads,
        wall_seconds: (wall * 1000.0).round() / 1000.0,
        turns_per_run: summary.turns_per_run,
        turns_simulated: runs * summary.turns_per_run as u64,
        actor_decisions: summary.decisions,
        files: vec!["runs.csv", "series.csv", "outcomes.csv", "manifest.json"],
    };
    output::write_manifest(&manifest, &out.join("manifest.json")).map_err(fail)?;
    // The charts and the report are drawn from the files just written, as `heartland plot`
    // would. They are our own files, so any failure here is an I/O-class failure.
    let drawing = Instant::now();
    report::publish(&out).map_err(|e| Failure::Io(e.to_string()))?;
    let drawing = drawing.elapsed().as_secs_f64();

    if !args.quiet {
        println!(
            "{}: {runs} runs of {} turns ({} to {}) in {wall:.2} s on {threads} threads, {:.3e} actor-decisions/s",
            scenario.name,
            summary.turns_per_run,
            scenario.calendar.start,
            scenario.calendar.end,
            summary.decisions as f64 / wall.max(1e-9)
        );
        println!("results in {}/ (charts and report.html drawn in {drawing:.2} s)", out.display());
        if !rows.is_empty() {
            println!("\n{:<48} {:>11}  {:<17} {}", "outcome", "probability", "95% interval", "median first date");
            for r in &rows {
                println!(
                    "{:<48} {:>11.3}  [{:.3}, {:.3}]    {}",
                    truncate(&r.label, 48),
                    r.probability,
                    r.ci_low,
                    r.ci_high,
                    if r.median_first_date.is_empty() { "never" } else { &r.median_first_date }
                );
            }
        }
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn plot(dir: &Path, quiet: bool) -> Result<(), Failure> {
    let published = report::publish(dir).map_err(|e| match e {
        PublishError::Read(e @ ReadError::Invalid { .. }) => Failure::Input(format!("error: {e}")),
        e => Failure::Io(e.to_string()),
    })?;
    if !quiet {
        println!(
            "{} ({} chart files in {})",
            published.report.display(),
            published.charts.len(),
            dir.join("charts").display()
        );
    }
    Ok(())
}

fn validate(path: &Path) -> Result<(), Failure> {
    let (s, _) = load(path)?;
    let cal = &s.calendar;
    println!("{}: valid", path.display());
    println!("  {}: {}", s.name, s.description.trim());
    if let Some(q) = &s.question {
        println!("  question: {q}");
    }
    println!(
        "  time: {} to {} by {:?}, {} turns; default {} runs, seed {}",
        cal.start,
        cal.end,
        cal.step,
        cal.turns(),
        s.runs,
        s.seed
    );
    let list = |v: Vec<&str>| v.join(", ");
    println!("  dimensions ({}): {}", s.dimensions.len(), list(s.dimensions.iter().map(String::as_str).collect()));
    println!("  actors ({}): {}", s.actors.len(), list(s.actors.iter().map(|a| a.id.as_str()).collect()));
    for a in s.actors.iter().filter(|a| a.organization.is_some()) {
        let org = a.organization.as_ref().expect("filtered");
        println!(
            "    {} ({:?} rule): {}",
            a.id,
            org.rule.kind,
            list(org.members.iter().map(|m| s.actors[m.0].id.as_str()).collect())
        );
    }
    println!("  issues ({}): {}", s.issues.len(), list(s.issues.iter().map(|i| i.id.as_str()).collect()));
    println!("  state ({}): {}", s.state.len(), list(s.state.iter().map(|v| v.id.as_str()).collect()));
    println!("  events ({}): {}", s.events.len(), list(s.events.iter().map(|e| e.id.as_str()).collect()));
    println!("  outcomes ({}): {}", s.outcomes.len(), list(s.outcomes.iter().map(|o| o.id.as_str()).collect()));
    let uncertain = s.params.uncertain().len();
    println!("  parameters: {} ({} uncertain), {} series recorded", s.params.len(), uncertain, s.series.len());
    Ok(())
}

fn list() -> Result<(), Failure> {
    let dir = scenarios_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match Scenario::load(&f) {
            Ok(s) => println!("{name:<32} {}", s.question.as_deref().unwrap_or(&s.name)),
            Err(_) => println!("{name:<32} (invalid: run `heartland validate {}`)", f.display()),
        }
    }
    Ok(())
}
