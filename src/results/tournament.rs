//! The files of a tournament (`heartland tournament`): `players.csv`, `matches.csv`,
//! `repetitions.csv`, `moran.csv` when the file asks for the Moran process, and
//! `tournament.json`, the manifest. Each is written atomically and read back for the report.
//!
//! - `players.csv` ([`PLAYER_COLUMNS`]), one row per player in rank order: `rank` (1 best),
//!   `player`, `strategy` (its label), `median_score` (the median over repetitions of the
//!   mean score per turn against the other players; the ranking key), `mean_score`, `wins`
//!   (matches won, summed over repetitions), `cooperation_rate` (cooperations over turns).
//!   Self-play is left out of all of them, as in the axelrod library.
//! - `matches.csv` ([`MATCH_COLUMNS`]), one row per pair, self-play included, in the order
//!   the matches are played: `player`, `opponent`, `repetitions`, `mean_turns`, `score` and
//!   `opponent_score` (mean score per turn over the repetitions), `cooperation` and
//!   `opponent_cooperation` (rates), `wins`, `opponent_wins`, `draws`.
//! - `repetitions.csv` ([`REPETITION_COLUMNS`]): `player`, `repetition`, `score` (mean score
//!   per turn against the others), `wins`; the distribution the ranking summarizes.
//! - `moran.csv` ([`MORAN_COLUMNS`]): `mutant`, `resident`, `population`, `runs`,
//!   `fixations`, `probability` with its 95% Wilson interval `ci_low`, `ci_high`, and
//!   `exact`, the closed form from the same payoff matrix.
//!
//! The folder is one result set like a run's ([`super::integrity`]): written into a staging
//! folder, with `datapackage.json`, then swapped in with `tournament.json` last, which lists
//! every file (`files`) with its SHA-256 (`file_sha256`); [`TournamentResults::load`] refuses
//! a folder whose tables do not match it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num, write_json};
use super::error::{ReadError, csv_error, invalid, open_csv};
use crate::games::tournament::{Played, Tournament};

/// The columns of `players.csv`.
pub const PLAYER_COLUMNS: [&str; 7] =
    ["rank", "player", "strategy", "median_score", "mean_score", "wins", "cooperation_rate"];
/// The columns of `matches.csv`.
pub const MATCH_COLUMNS: [&str; 11] = [
    "player",
    "opponent",
    "repetitions",
    "mean_turns",
    "score",
    "opponent_score",
    "cooperation",
    "opponent_cooperation",
    "wins",
    "opponent_wins",
    "draws",
];
/// The columns of `repetitions.csv`.
pub const REPETITION_COLUMNS: [&str; 4] = ["player", "repetition", "score", "wins"];
/// The columns of `moran.csv`.
pub const MORAN_COLUMNS: [&str; 9] =
    ["mutant", "resident", "population", "runs", "fixations", "probability", "ci_low", "ci_high", "exact"];

/// A row of `players.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayerRow {
    /// 1 for the best.
    pub rank: usize,
    /// The player's name.
    pub player: String,
    /// Its strategy's label.
    pub strategy: String,
    /// Median over repetitions of the mean score per turn (game points).
    pub median_score: f64,
    /// Mean over repetitions of the same.
    pub mean_score: f64,
    /// Matches won, over all repetitions.
    pub wins: u64,
    /// Share of its moves that were C, in [0, 1].
    pub cooperation_rate: f64,
}

/// A row of `matches.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchRow {
    /// The first player.
    pub player: String,
    /// The second (the same name for self-play).
    pub opponent: String,
    /// Times played.
    pub repetitions: u32,
    /// Mean length in turns.
    pub mean_turns: f64,
    /// The first player's mean score per turn.
    pub score: f64,
    /// The second's.
    pub opponent_score: f64,
    /// The first player's cooperation rate.
    pub cooperation: f64,
    /// The second's.
    pub opponent_cooperation: f64,
    /// Repetitions the first player won.
    pub wins: u32,
    /// Repetitions the second won.
    pub opponent_wins: u32,
    /// Repetitions with equal totals.
    pub draws: u32,
}

/// A row of `repetitions.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepetitionRow {
    /// The player.
    pub player: String,
    /// 0-based.
    pub repetition: u32,
    /// Mean score per turn against the other players.
    pub score: f64,
    /// Matches won.
    pub wins: u32,
}

/// The row of `moran.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoranRow {
    /// The mutant's player name.
    pub mutant: String,
    /// The residents'.
    pub resident: String,
    /// Individuals.
    pub population: u32,
    /// Processes simulated.
    pub runs: u64,
    /// Processes the mutant took over.
    pub fixations: u64,
    /// fixations / runs.
    pub probability: f64,
    /// 95% Wilson interval.
    pub ci_low: f64,
    /// 95% Wilson interval.
    pub ci_high: f64,
    /// The closed form.
    pub exact: f64,
}

/// `tournament.json`: what was played, for the report and for reproducing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TournamentManifest {
    /// The tournament's name.
    pub name: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// The file as given.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// The payoffs.
    pub game: crate::games::Game,
    /// Turns per match (the cap, with a continuation probability).
    pub turns: u32,
    /// Repetitions of every match.
    pub repetitions: u32,
    /// Probability of a flipped move.
    pub noise: f64,
    /// Probability that a match goes on after a turn, if random lengths.
    pub continuation: Option<f64>,
    /// Master seed.
    pub seed: u64,
    /// Every player: name and strategy label, in the file's order.
    pub players: Vec<(String, String)>,
    /// heartland's version.
    pub version: String,
    /// Every file of the set, `tournament.json` included (empty in a manifest written before
    /// tournaments were whole result sets).
    #[serde(default)]
    pub files: Vec<String>,
    /// SHA-256 of every file but `tournament.json`, by name.
    #[serde(default)]
    pub file_sha256: std::collections::BTreeMap<String, String>,
}

/// The rows of `players.csv`, in rank order.
pub fn player_rows(t: &Tournament, played: &Played) -> Vec<PlayerRow> {
    let mut rows: Vec<PlayerRow> = played
        .standings(t.players.len())
        .into_iter()
        .map(|s| PlayerRow {
            rank: s.rank,
            player: t.players[s.player].name.clone(),
            strategy: t.players[s.player].strategy.label(),
            median_score: s.median_score,
            mean_score: s.mean_score,
            wins: s.wins.iter().map(|&w| w as u64).sum(),
            cooperation_rate: s.cooperation_rate,
        })
        .collect();
    rows.sort_by_key(|r| r.rank);
    rows
}

/// The rows of `matches.csv`.
pub fn match_rows(t: &Tournament, played: &Played) -> Vec<MatchRow> {
    played
        .pairs
        .iter()
        .zip(&played.scores)
        .map(|(&(i, j), ms)| {
            let n = ms.len() as f64;
            let mean = |f: &dyn Fn(&crate::games::play::MatchScore) -> f64| ms.iter().map(f).sum::<f64>() / n;
            let won = |k: usize| ms.iter().filter(|m| m.winner() == Some(k)).count() as u32;
            MatchRow {
                player: t.players[i].name.clone(),
                opponent: t.players[j].name.clone(),
                repetitions: ms.len() as u32,
                mean_turns: mean(&|m| m.turns as f64),
                score: mean(&|m| m.score[0] / m.turns as f64),
                opponent_score: mean(&|m| m.score[1] / m.turns as f64),
                cooperation: mean(&|m| m.cooperations[0] as f64 / m.turns as f64),
                opponent_cooperation: mean(&|m| m.cooperations[1] as f64 / m.turns as f64),
                wins: won(0),
                opponent_wins: won(1),
                draws: ms.iter().filter(|m| m.winner().is_none()).count() as u32,
            }
        })
        .collect()
}

/// The rows of `repetitions.csv`, player by player in the file's order.
pub fn repetition_rows(t: &Tournament, played: &Played) -> Vec<RepetitionRow> {
    played
        .standings(t.players.len())
        .into_iter()
        .flat_map(|s| {
            let name = t.players[s.player].name.clone();
            (0..s.scores.len()).map(move |r| RepetitionRow {
                player: name.clone(),
                repetition: r as u32,
                score: s.scores[r],
                wins: s.wins[r],
            })
        })
        .collect()
}

fn write_rows<T>(
    path: &Path,
    header: &[&str],
    rows: &[T],
    cells: impl Fn(&T) -> Vec<String>,
) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(header).map_err(&err)?;
    for r in rows {
        csv.write_record(cells(r)).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Writes `players.csv`.
pub fn write_players(rows: &[PlayerRow], path: &Path) -> Result<(), OutputError> {
    write_rows(path, &PLAYER_COLUMNS, rows, |r| {
        vec![
            r.rank.to_string(),
            r.player.clone(),
            r.strategy.clone(),
            num(r.median_score),
            num(r.mean_score),
            r.wins.to_string(),
            num(r.cooperation_rate),
        ]
    })
}

/// Writes `matches.csv`.
pub fn write_matches(rows: &[MatchRow], path: &Path) -> Result<(), OutputError> {
    write_rows(path, &MATCH_COLUMNS, rows, |r| {
        vec![
            r.player.clone(),
            r.opponent.clone(),
            r.repetitions.to_string(),
            num(r.mean_turns),
            num(r.score),
            num(r.opponent_score),
            num(r.cooperation),
            num(r.opponent_cooperation),
            r.wins.to_string(),
            r.opponent_wins.to_string(),
            r.draws.to_string(),
        ]
    })
}

/// Writes `repetitions.csv`.
pub fn write_repetitions(rows: &[RepetitionRow], path: &Path) -> Result<(), OutputError> {
    write_rows(path, &REPETITION_COLUMNS, rows, |r| {
        vec![r.player.clone(), r.repetition.to_string(), num(r.score), r.wins.to_string()]
    })
}

/// Writes `moran.csv`.
pub fn write_moran(row: &MoranRow, path: &Path) -> Result<(), OutputError> {
    write_rows(path, &MORAN_COLUMNS, std::slice::from_ref(row), |r| {
        vec![
            r.mutant.clone(),
            r.resident.clone(),
            r.population.to_string(),
            r.runs.to_string(),
            r.fixations.to_string(),
            num(r.probability),
            num(r.ci_low),
            num(r.ci_high),
            num(r.exact),
        ]
    })
}

/// Writes `tournament.json`.
pub fn write_tournament_manifest(m: &TournamentManifest, path: &Path) -> Result<(), OutputError> {
    write_json(m, path)
}

fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path, header: &[&str]) -> Result<Vec<T>, ReadError> {
    let mut rdr = open_csv(path)?;
    let h = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    if h.iter().collect::<Vec<_>>() != header {
        return Err(invalid(path, Some(1), format!("the header is not `{}`", header.join(","))));
    }
    rdr.deserialize()
        .map(|r| {
            r.map_err(|e| {
                let line = e.position().map(|p| p.line());
                invalid(path, line, format!("a row is not what heartland writes: {e}"))
            })
        })
        .collect()
}

/// A tournament's folder, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct TournamentResults {
    /// `tournament.json`.
    pub manifest: TournamentManifest,
    /// `players.csv`, in rank order.
    pub players: Vec<PlayerRow>,
    /// `matches.csv`.
    pub matches: Vec<MatchRow>,
    /// `repetitions.csv`.
    pub repetitions: Vec<RepetitionRow>,
    /// `moran.csv`, if written.
    pub moran: Option<MoranRow>,
}

/// Whether `dir` holds a tournament's files.
pub fn is_tournament(dir: &Path) -> bool {
    dir.join("tournament.json").is_file()
}

impl TournamentResults {
    /// Reads a tournament's folder.
    pub fn load(dir: &Path) -> Result<TournamentResults, ReadError> {
        let mpath = dir.join("tournament.json");
        let text = std::fs::read_to_string(&mpath).map_err(|source| ReadError::Io { path: mpath.clone(), source })?;
        let manifest: TournamentManifest =
            serde_json::from_str(&text).map_err(|e| invalid(&mpath, Some(e.line() as u64), e.to_string()))?;
        super::shard::verify(dir, &manifest.file_sha256).map_err(|(file, why)| {
            invalid(
                &dir.join(&file),
                None,
                format!(
                    "{why}: {} is a mixed or damaged result set, not the one tournament.json describes; run the tournament again",
                    dir.display()
                ),
            )
        })?;
        let moran_path = dir.join("moran.csv");
        let moran = if moran_path.is_file() {
            read_rows::<MoranRow>(&moran_path, &MORAN_COLUMNS)?.into_iter().next()
        } else {
            None
        };
        Ok(TournamentResults {
            manifest,
            players: read_rows(&dir.join("players.csv"), &PLAYER_COLUMNS)?,
            matches: read_rows(&dir.join("matches.csv"), &MATCH_COLUMNS)?,
            repetitions: read_rows(&dir.join("repetitions.csv"), &REPETITION_COLUMNS)?,
            moran,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::games::file::TournamentFile;

    #[test]
    fn written_tables_read_back() {
        let text = "name = \"t\"\ngame = \"chicken\"\nturns = 30\nrepetitions = 4\nnoise = 0.1\nseed = 3\n\
                    players = [\"TitForTat\", \"Random\", \"Grudger\"]\n";
        let t = TournamentFile::parse(text, "t.toml").unwrap().tournament;
        let played = t.play();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (p, m, r) = (player_rows(&t, &played), match_rows(&t, &played), repetition_rows(&t, &played));
        assert_eq!((p.len(), m.len(), r.len()), (3, 6, 12));
        write_players(&p, &d.join("players.csv")).unwrap();
        write_matches(&m, &d.join("matches.csv")).unwrap();
        write_repetitions(&r, &d.join("repetitions.csv")).unwrap();
        let manifest = TournamentManifest {
            name: t.name.clone(),
            description: None,
            file: "t.toml".into(),
            sha256: String::new(),
            game: t.game,
            turns: 30,
            repetitions: 4,
            noise: 0.1,
            continuation: None,
            seed: 3,
            players: vec![],
            version: "0".into(),
            files: vec![],
            file_sha256: Default::default(),
        };
        write_tournament_manifest(&manifest, &d.join("tournament.json")).unwrap();
        let back = TournamentResults::load(d).unwrap();
        assert_eq!(back.manifest, manifest);
        assert_eq!(back.players.len(), 3);
        for (a, b) in back.matches.iter().zip(&m) {
            assert_eq!((&a.player, &a.opponent, a.wins, a.draws), (&b.player, &b.opponent, b.wins, b.draws));
            assert!((a.score - b.score).abs() < 1e-9);
        }
        assert_eq!(back.players.iter().map(|r| r.rank).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(back.moran.is_none());
        std::fs::write(d.join("players.csv"), "rank,who\n1,x\n").unwrap();
        let e = TournamentResults::load(d).unwrap_err();
        assert!(e.to_string().contains("players.csv:1"), "{e}");
    }
}
