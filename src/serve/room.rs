//! The room: what the seminar server keeps beside the game (the join codes, the turn's
//! clock, whether the facilitator paused or ended the game), in `GAME.room.json` next to the
//! save file, written atomically whenever it changes so a restarted server keeps its codes.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::play::save::SaveError;
use crate::results::atomic::{AtomicFile, OutputError};

/// Letters and digits that cannot be mistaken for one another when read aloud or off a
/// projector (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code: 31^8 ≈ 8.5·10¹¹ codes, beyond guessing over a room's network.
const CODE_LEN: usize = 8;

/// A team's join code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCode {
    /// The team's name.
    pub team: String,
    /// Its code.
    pub code: String,
}

/// The room's state, beside the game.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    /// One code per team, in the game's team order.
    pub teams: Vec<TeamCode>,
    /// The facilitator's code.
    pub facilitator: String,
    /// Minutes a turn lasts, once the facilitator sets a clock.
    pub turn_minutes: Option<u32>,
    /// When the coming turn's time is up, in seconds since the Unix epoch.
    pub deadline: Option<u64>,
    /// Paused by the facilitator: teams cannot submit, the clock stands.
    pub paused: bool,
    /// While paused: the seconds that were left.
    pub left_when_paused: Option<u64>,
    /// Ended by the facilitator: the after-action report is written, nothing more is played.
    pub ended: bool,
}

/// A fresh random code.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Room {
    /// A new room for these teams, with fresh codes.
    pub fn new(teams: &[String]) -> Room {
        let mut codes: Vec<String> = Vec::new();
        while codes.len() < teams.len() + 1 {
            let c = new_code();
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        let facilitator = codes.pop().expect("one more than the teams");
        Room {
            teams: teams.iter().zip(codes).map(|(t, code)| TeamCode { team: t.clone(), code }).collect(),
            facilitator,
            turn_minutes: None,
            deadline: None,
            paused: false,
            left_when_paused: None,
            ended: false,
        }
    }

    /// Where the room of the game saved in `save` is kept: `GAME.room.json`.
    pub fn path_for(save: &Path) -> PathBuf {
        save.with_extension("room.json")
    }

    /// Reads the room kept at `path`, if there is one and it names these teams.
    pub fn read(path: &Path, teams: &[String]) -> Result<Option<Room>, SaveError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SaveError::Read { path: path.to_path_buf(), source }),
        };
        let room: Room = serde_json::from_str(&text).map_err(|e| SaveError::Malformed {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        })?;
        let same = room.teams.len() == teams.len() && room.teams.iter().zip(teams).all(|(c, t)| &c.team == t);
        Ok(same.then_some(room))
    }

    /// Writes it to `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<(), OutputError> {
        let mut f = AtomicFile::create(path)?;
        let io = |source: std::io::Error| OutputError::Io { path: path.to_path_buf(), source };
        serde_json::to_writer_pretty(f.writer(), self).map_err(|e| io(e.into()))?;
        f.commit()
    }

    /// Seconds left in the turn at `now`, if a clock runs or stands paused.
    pub fn left(&self, now: u64) -> Option<u64> {
        if self.paused {
            return self.left_when_paused;
        }
        self.deadline.map(|d| d.saturating_sub(now))
    }

    /// Starts the turn's clock afresh, if the facilitator set one.
    pub fn restart_clock(&mut self, now: u64) {
        self.deadline = self.turn_minutes.map(|m| now + u64::from(m) * 60);
        self.left_when_paused = self.paused.then(|| self.turn_minutes.map(|m| u64::from(m) * 60)).flatten();
    }

    /// Pauses (`true`) or resumes the game, the clock with it.
    pub fn pause(&mut self, pause: bool, now: u64) {
        if pause && !self.paused {
            self.left_when_paused = self.deadline.map(|d| d.saturating_sub(now));
        } else if !pause && self.paused {
            self.deadline = self.left_when_paused.map(|l| now + l);
            self.left_when_paused = None;
        }
        self.paused = pause;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_readable() {
        let room = Room::new(&["a".into(), "b".into(), "c".into()]);
        let mut all: Vec<&str> = room.teams.iter().map(|t| t.code.as_str()).collect();
        all.push(&room.facilitator);
        for c in &all {
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| ALPHABET.contains(&b)), "{c}");
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn the_clock_stands_while_paused() {
        let mut room = Room::new(&["a".into()]);
        assert_eq!(room.left(100), None);
        room.turn_minutes = Some(5);
        room.restart_clock(1000);
        assert_eq!(room.left(1060), Some(240));
        room.pause(true, 1060);
        assert_eq!(room.left(5000), Some(240));
        room.pause(false, 5000);
        assert_eq!(room.left(5040), Some(200));
        assert_eq!(room.left(9999), Some(0));
    }

    #[test]
    fn a_room_is_kept_only_for_the_same_teams() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.room.json");
        let room = Room::new(&["a".into(), "b".into()]);
        room.write(&path).unwrap();
        assert_eq!(Room::read(&path, &["a".into(), "b".into()]).unwrap(), Some(room));
        assert_eq!(Room::read(&path, &["a".into()]).unwrap(), None);
        assert_eq!(Room::read(&dir.path().join("none.json"), &["a".into()]).unwrap(), None);
    }
}
