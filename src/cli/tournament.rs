//! `heartland tournament`: a tournament file played into a folder (tables, charts, report)
//! and the ranking printed. Part of the binary; the work is `heartland::pipeline`'s.

use std::path::{Path, PathBuf};

use heartland::games::file::TournamentFile;
use heartland::pipeline::{self, TournamentJob};
use heartland::scenario::{ScenarioError, sha256_hex};

use super::{Failure, pool};

#[derive(clap::Args)]
pub(crate) struct TournamentArgs {
    /// The tournament file (TOML: game, turns, repetitions, noise, seed, players).
    file: PathBuf,
    /// Output folder [default: outputs/tournaments/FILE_STEM].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]; the results do not depend on it.
    #[arg(long)]
    threads: Option<u16>,
    /// Write the tables only: no charts, no report.
    #[arg(long)]
    no_charts: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn tournament(args: TournamentArgs) -> Result<(), Failure> {
    let path = &args.file;
    // Like every input, only a regular file, read to a cap (src/input.rs).
    let bytes = heartland::input::read(path, heartland::games::MAX_TOURNAMENT_BYTES).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::Input(format!("error: no tournament file at {}", path.display())),
        _ if heartland::input::is_bad_input(&e) => Failure::Input(format!("error: {}: {e}", path.display())),
        _ => Failure::Io(format!("cannot read {}: {e}", path.display())),
    })?;
    let name = path.display().to_string();
    let text =
        String::from_utf8(bytes.clone()).map_err(|_| Failure::Input(format!("error: {name} is not UTF-8 text")))?;
    let file = TournamentFile::parse(&text, &name).map_err(|e| match e {
        e @ ScenarioError::Invalid { .. } => Failure::Input(e.to_string()),
        e => Failure::Io(e.to_string()),
    })?;
    let stem = path.file_stem().map_or_else(|| "tournament".into(), |s| s.to_string_lossy().into_owned());
    let out = args.out.unwrap_or_else(|| Path::new("outputs").join("tournaments").join(stem));
    let sha256 = sha256_hex(&bytes);
    let job = TournamentJob { file: &file, name: &name, sha256: &sha256, out: &out, draw: !args.no_charts };
    let rows =
        pool(args.threads)?.install(|| pipeline::tournament_to_dir(&job)).map_err(|e| Failure::Io(e.to_string()))?;
    if !args.quiet {
        say!("{}", file.tournament.name);
        say!("{:>4}  {:<28} {:>12} {:>8} {:>12}", "rank", "player", "score/turn", "wins", "cooperation");
        for r in &rows {
            say!(
                "{:>4}  {:<28} {:>12.3} {:>8} {:>11.0}%",
                r.rank,
                r.player,
                r.median_score,
                r.wins,
                100.0 * r.cooperation_rate
            );
        }
        say!("wrote {}", out.display());
    }
    Ok(())
}
