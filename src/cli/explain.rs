//! `heartland explain`: the model's decisions in a run or a saved game, one decision's terms
//! in words and numbers, or every decision as a CSV table. Part of the binary (`src/main.rs`
//! includes it); the explanations are `heartland::play::explain`'s.

use std::path::{Path, PathBuf};

use heartland::play::Game;
use heartland::play::explain;
use heartland::play::save::SaveFile;

use super::play::input;
use super::{Failure, Source, load_source};

#[derive(clap::Args)]
pub(crate) struct ExplainArgs {
    /// The scenario (a file or a shipped name); or, with --game, nothing.
    #[arg(required_unless_present = "game", conflicts_with = "game")]
    scenario: Option<PathBuf>,
    /// A saved game instead of a run of the scenario.
    #[arg(long, value_name = "FILE")]
    game: Option<PathBuf>,
    /// Master seed [default: the scenario's].
    #[arg(long, conflicts_with = "game")]
    seed: Option<u64>,
    /// Run index.
    #[arg(long, default_value_t = 0, conflicts_with = "game")]
    run: u64,
    /// The actor (with --issue and --date: one decision explained).
    #[arg(long, requires = "issue")]
    actor: Option<String>,
    /// The issue.
    #[arg(long, requires = "actor")]
    issue: Option<String>,
    /// The date of the turn (`2015-Q3`); without it, every decision of the run as CSV.
    #[arg(long, requires = "actor")]
    date: Option<String>,
    /// Write the CSV table to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(crate) fn explain_cmd(args: ExplainArgs) -> Result<(), Failure> {
    let (scenario, seed, run, log, teams) = match &args.game {
        Some(path) => {
            let file = SaveFile::read(path).map_err(|e| input(format!("error: {e}")))?;
            let sc = file.embedded_scenario().map_err(|e| input(format!("error: {e}")))?;
            (sc, file.seed, file.run, Some(file.log), file.teams)
        }
        None => {
            let (sc, _) = load_source(&Source::of(
                args.scenario.as_deref().expect("clap requires it"),
                heartland::scenario::shipped::scenario,
            ))?;
            let seed = args.seed.unwrap_or(sc.seed);
            (sc, seed, args.run, None, Vec::new())
        }
    };
    let records = match &log {
        Some(log) => {
            let game = Game::replay(&scenario, seed, run, teams, log).map_err(|e| input(format!("error: {e}")))?;
            game.reports().flat_map(|r| r.records.iter().cloned()).collect()
        }
        None => explain::run_records(&scenario, seed, run),
    };
    let sc = &scenario;
    if let (Some(actor), Some(issue)) = (&args.actor, &args.issue) {
        if sc.actor(actor).is_none() {
            return Err(input(format!("error: no actor `{actor}` in the scenario")));
        }
        if sc.issue(issue).is_none() {
            return Err(input(format!("error: no issue `{issue}` in the scenario")));
        }
        let turn = match &args.date {
            Some(d) => {
                Some((0..sc.calendar.turns()).find(|&t| sc.calendar.period(t).to_string() == *d).ok_or_else(|| {
                    input(format!(
                        "error: {d} is not a turn of the scenario ({} to {})",
                        sc.calendar.start, sc.calendar.end
                    ))
                })?)
            }
            None => None,
        };
        let found = explain::find(sc, &records, actor, issue, turn);
        if found.is_empty() {
            return Err(input(format!(
                "error: {actor} took no decision on {issue}{}",
                args.date.as_ref().map_or(String::new(), |d| format!(" in {d}"))
            )));
        }
        if turn.is_some() {
            for r in found {
                say!("{}", explain::describe(sc, r, true));
            }
            return Ok(());
        }
        let owned: Vec<_> = found.into_iter().cloned().collect();
        return write_table(&explain::csv(sc, &owned), args.out.as_deref());
    }
    write_table(&explain::csv(sc, &records), args.out.as_deref())
}

fn write_table(text: &str, out: Option<&Path>) -> Result<(), Failure> {
    match out {
        Some(path) => heartland::results::write_text(text, path).map_err(|e| Failure::Io(e.to_string())),
        None => {
            super::out::text(text);
            Ok(())
        }
    }
}
