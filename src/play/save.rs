//! The save file: one JSON file holds everything a game is (the scenario's text with the
//! SHA-256 of each of its files, the seed, the run index, the teams, the state and the log).
//! It is written atomically, so a game interrupted while saving keeps its previous save.
//!
//! Choices submitted for the coming turn but not yet adjudicated are saved too, and submitted
//! again on resuming.
//!
//! Resuming replays the log from the start and checks that it arrives at the saved state:
//! the log, not the state, is what a game is, and the state is its check. A game resumes
//! against the scenario it was played with: [`SaveFile::check`] compares the scenario as it
//! is now with the digests saved, and refuses a changed one; the saved text can be played on
//! instead ([`SaveFile::embedded_scenario`]).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::game::{Entry, Game, GameError, Submission, Team};
use crate::results::atomic::{AtomicFile, OutputError};
use crate::scenario::inherit::{Found, SourceFiles};
use crate::scenario::{Scenario, ScenarioError, sha256_hex, shipped};
use crate::simulation::Snapshot;

/// The save file's format version.
pub const FORMAT: u32 = 1;

/// A saved game.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveFile {
    /// [`FORMAT`].
    pub format: u32,
    /// The scenario, as it was when the game started.
    pub scenario: SavedScenario,
    /// Master seed.
    pub seed: u64,
    /// Run index.
    pub run: u64,
    /// The teams.
    pub teams: Vec<Team>,
    /// The next turn to play (0-based).
    pub turn: usize,
    /// Its date.
    pub date: String,
    /// The run at the moment of saving: what replaying the log must arrive at.
    pub snapshot: Snapshot,
    /// Everything done, in order.
    pub log: Vec<Entry>,
    /// Choices submitted for the coming turn, not yet adjudicated (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub submitted: Vec<Submission>,
}

/// A scenario's files as a game keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScenario {
    /// How it was named when the game started (a path, or `NAME (shipped)`).
    pub name: String,
    /// Its files, the one named first, then each file it extends.
    pub files: Vec<SavedFile>,
}

/// One file of a saved scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// Its name (a path, or `NAME (shipped)`).
    pub name: String,
    /// Hex SHA-256 of its text.
    pub sha256: String,
    /// Its text.
    pub text: String,
}

/// Why a game could not be saved or resumed.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Could not read the save file.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Could not write it.
    #[error(transparent)]
    Write(#[from] OutputError),
    /// Not a save file, or a damaged one.
    #[error("{}:{line}:{column}: not a heartland save file: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A save file of another format version.
    #[error("{} is a save file of format {found}; this heartland reads format {FORMAT}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// The scenario changed since the game was saved.
    #[error(
        "the scenario has changed since this game was saved: {file} had SHA-256 {saved}, it now has {now}\n   = help: a game resumes only against the scenario it was played with: restore {file}, or resume with --embedded to play on with the scenario text saved in the game"
    )]
    ScenarioChanged {
        /// The file that changed.
        file: String,
        /// Its digest when saved.
        saved: String,
        /// Its digest now (`none` when it extends fewer files).
        now: String,
    },
    /// The scenario saved in the file does not load.
    #[error("the scenario saved in the game does not load:\n{0}")]
    Scenario(#[from] ScenarioError),
    /// The log does not replay, or not to the state saved.
    #[error("{}: {message}", path.display())]
    Diverged {
        /// The file.
        path: PathBuf,
        /// How.
        message: String,
    },
}

impl SavedScenario {
    /// Reads `text` (named `name`) and the files it extends, as [`Scenario::parse`] finds
    /// them (on disk, else among the shipped scenarios).
    pub fn read(text: &str, name: &str) -> Result<SavedScenario, ScenarioError> {
        let files = SourceFiles::resolve(text, name, &mut shipped::read_disk_or_shipped)
            .map_err(|diagnostics| ScenarioError::Invalid { file: name.to_string(), diagnostics })?;
        Ok(SavedScenario {
            name: name.to_string(),
            files: files
                .files
                .iter()
                .rev()
                .map(|f| SavedFile {
                    name: f.name.clone(),
                    sha256: sha256_hex(f.text.as_bytes()),
                    text: f.text.clone(),
                })
                .collect(),
        })
    }

    /// The scenario from the saved texts alone.
    pub fn parse(&self) -> Result<Scenario, ScenarioError> {
        let mut rest = self.files.iter().skip(1);
        let first = &self.files[0];
        Scenario::parse_resolving(&first.text, &first.name, &mut |_, path: &Path| {
            rest.next().map(|f| Found { name: f.name.clone(), text: f.text.clone() }).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} is not in the save file", path.display()))
            })
        })
    }
}

impl SaveFile {
    /// The save file of a game.
    pub fn of(game: &Game<'_>, scenario: &SavedScenario) -> SaveFile {
        SaveFile {
            format: FORMAT,
            scenario: scenario.clone(),
            seed: game.seed(),
            run: game.run(),
            teams: game.teams().to_vec(),
            turn: game.turn(),
            date: game.date(),
            snapshot: game.simulation().snapshot(),
            log: game.log().to_vec(),
            submitted: game.submissions(),
        }
    }

    /// Writes it to `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<(), SaveError> {
        let mut f = AtomicFile::create(path)?;
        let io = |source| SaveError::Write(OutputError::Io { path: path.to_path_buf(), source });
        serde_json::to_writer(f.writer(), self).map_err(|e| io(e.into()))?;
        f.writer().write_all(b"\n").map_err(io)?;
        f.commit()?;
        Ok(())
    }

    /// Reads a save file.
    pub fn read(path: &Path) -> Result<SaveFile, SaveError> {
        let text = crate::input::read_text(path, crate::input::MAX_INPUT_BYTES)
            .map_err(|source| SaveError::Read { path: path.to_path_buf(), source })?;
        SaveFile::parse(&text, path)
    }

    /// Parses a save file's text (`path` names it in messages).
    pub fn parse(text: &str, path: &Path) -> Result<SaveFile, SaveError> {
        let malformed = |e: serde_json::Error| SaveError::Malformed {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        };
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version = serde_json::from_str(text).map_err(malformed)?;
        if version.format != FORMAT {
            return Err(SaveError::Format { path: path.to_path_buf(), found: version.format });
        }
        let save: SaveFile = serde_json::from_str(text).map_err(malformed)?;
        if save.scenario.files.is_empty() {
            return Err(SaveError::Malformed {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: "the scenario has no files".into(),
            });
        }
        Ok(save)
    }

    /// The scenario saved in the game, from its text alone.
    pub fn embedded_scenario(&self) -> Result<Scenario, SaveError> {
        Ok(self.scenario.parse()?)
    }

    /// Refuses `now` (the scenario as it reads today) unless its files are the ones the
    /// game was played with.
    pub fn check(&self, now: &Scenario) -> Result<(), SaveError> {
        for (i, saved) in self.scenario.files.iter().enumerate() {
            let current = now.files.get(i).map_or("none", |f| f.sha256.as_str());
            if current != saved.sha256 {
                return Err(SaveError::ScenarioChanged {
                    file: saved.name.clone(),
                    saved: saved.sha256.clone(),
                    now: current.to_string(),
                });
            }
        }
        if let Some(extra) = now.files.get(self.scenario.files.len()) {
            return Err(SaveError::ScenarioChanged {
                file: extra.name.clone(),
                saved: "none".into(),
                now: extra.sha256.clone(),
            });
        }
        Ok(())
    }

    /// The game, replayed from its log against `scenario` (checked with [`SaveFile::check`]
    /// or the embedded one), and checked to arrive at the saved state.
    pub fn resume<'s>(&self, scenario: &'s Scenario, path: &Path) -> Result<Game<'s>, SaveError> {
        let diverged = |message: String| SaveError::Diverged { path: path.to_path_buf(), message };
        let mut game = Game::replay(scenario, self.seed, self.run, self.teams.clone(), &self.log)
            .map_err(|e: GameError| diverged(e.to_string()))?;
        let now = game.simulation().snapshot();
        let same_rng = serde_json::to_string(&now.rng).ok() == serde_json::to_string(&self.snapshot.rng).ok();
        if now.state != self.snapshot.state || now.values != self.snapshot.values || !same_rng {
            return Err(diverged(format!(
                "replaying the log does not arrive at the saved state (turn {} saved, {} replayed); the file was edited or damaged",
                self.snapshot.state.turn, now.state.turn
            )));
        }
        for s in &self.submitted {
            game.submit(&s.team, &s.issue, Some(&s.actor), s.cooperate)
                .map_err(|e| diverged(format!("a submitted choice does not apply: {e}")))?;
        }
        Ok(game)
    }
}
