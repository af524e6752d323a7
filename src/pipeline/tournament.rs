//! The tournament pipeline: a tournament file played into a folder of tables, charts and a
//! report.

use std::path::Path;

use super::{PipelineError, prepare, publish, stage_named};
use crate::results::OutputError;
use crate::results::datapackage::write_datapackage;
use crate::results::integrity::digests;

/// A tournament file played into a folder.
#[derive(Debug, Clone, Copy)]
pub struct TournamentJob<'a> {
    /// The checked file.
    pub file: &'a crate::games::file::TournamentFile,
    /// How messages name it.
    pub name: &'a str,
    /// SHA-256 of its bytes.
    pub sha256: &'a str,
    /// The output folder.
    pub out: &'a Path,
    /// Whether to draw the charts and the report.
    pub draw: bool,
}

/// Plays every match (on the current rayon pool), writes `players.csv`, `matches.csv`,
/// `repetitions.csv`, `moran.csv` if asked, `datapackage.json` and `tournament.json`, then the
/// charts and the report, as one result set: staged and swapped in with `tournament.json`
/// last ([`crate::results::integrity`]). Returns the players in rank order.
pub fn tournament_to_dir(job: &TournamentJob<'_>) -> Result<Vec<crate::results::tournament::PlayerRow>, PipelineError> {
    let stage = stage_named(job.out, "tournament.json")?;
    let players = tournament_into(&TournamentJob { out: stage.dir(), ..*job })?;
    stage.commit()?;
    // A `moran.csv` of an earlier file whose manifest did not list its files (written before
    // tournaments were whole sets) would be read as this tournament's.
    let stale = job.out.join("moran.csv");
    if job.file.moran.is_none() && stale.is_file() {
        std::fs::remove_file(&stale).map_err(|source| OutputError::Io { path: stale.clone(), source })?;
    }
    Ok(players)
}

/// [`tournament_to_dir`] into the staging folder `job.out`.
fn tournament_into(job: &TournamentJob<'_>) -> Result<Vec<crate::results::tournament::PlayerRow>, PipelineError> {
    use crate::games::moran;
    use crate::results::tournament::*;
    let (file, out) = (job.file, job.out);
    let t = &file.tournament;
    prepare(out)?;
    let played = t.play();
    let players = player_rows(t, &played);
    write_players(&players, &out.join("players.csv"))?;
    write_matches(&match_rows(t, &played), &out.join("matches.csv"))?;
    write_repetitions(&repetition_rows(t, &played), &out.join("repetitions.csv"))?;
    let mut files = vec!["players.csv", "matches.csv", "repetitions.csv"];
    if let Some(m) = &file.moran {
        let n = t.players.len();
        let payoff: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| played.payoff(i, j)).collect()).collect();
        let k = moran::fixations(&payoff, m.mutant, m.resident, m.population, m.runs, t.seed);
        let (lo, hi) = crate::montecarlo::aggregate::wilson(k, m.runs);
        let (a, b) = (m.mutant, m.resident);
        let row = MoranRow {
            mutant: t.players[a].name.clone(),
            resident: t.players[b].name.clone(),
            population: m.population,
            runs: m.runs,
            fixations: k,
            probability: k as f64 / m.runs as f64,
            ci_low: lo,
            ci_high: hi,
            exact: moran::fixation_exact(payoff[a][a], payoff[a][b], payoff[b][a], payoff[b][b], m.population),
        };
        write_moran(&row, &out.join("moran.csv"))?;
        files.push("moran.csv");
    }
    files.extend(["datapackage.json", "tournament.json"]);
    write_datapackage(out, &t.name, &files)?;
    let manifest = TournamentManifest {
        name: t.name.clone(),
        description: file.description.clone(),
        file: job.name.to_string(),
        sha256: job.sha256.to_string(),
        game: t.game,
        turns: t.rules.turns,
        repetitions: t.repetitions,
        noise: t.rules.noise,
        continuation: t.rules.continuation,
        seed: t.seed,
        players: t.players.iter().map(|p| (p.name.clone(), p.strategy.label())).collect(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        file_sha256: digests(out, &files[..files.len() - 1])?,
        files: files.iter().map(|f| f.to_string()).collect(),
    };
    write_tournament_manifest(&manifest, &out.join("tournament.json"))?;
    publish(out, job.draw)?;
    Ok(players)
}
