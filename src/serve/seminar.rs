//! The seminar: one game, its room, its save file, and every action a team or the
//! facilitator can take, each a thin call of the library's game (the same calls `heartland
//! play` makes), followed by an atomic save. The server holds it behind one lock, so two
//! submissions at once are applied one after the other and each is saved whole.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::play::forecast::Forecast;
use crate::play::orders;
use crate::play::save::{SaveFile, SavedScenario};
use crate::play::{Game, GameError};
use crate::scenario::ScenarioError;

use super::form::{self, Fields};
use super::room::{self, Room};

/// Seconds a message about an action stays on its page.
const FLASH_SECONDS: u64 = 15;

/// Why an action was refused; each maps to an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not this code's to do (403).
    Forbidden(String),
    /// The input is wrong (400): the messages to show.
    Invalid(String),
    /// Not now (409): paused, ended, decisions pending.
    Conflict(String),
    /// Could not save (500).
    Io(String),
}

impl Refusal {
    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Forbidden(m) | Refusal::Invalid(m) | Refusal::Conflict(m) | Refusal::Io(m) => m,
        }
    }
}

/// Who a join code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A team, by index.
    Team(usize),
    /// The facilitator.
    Facilitator,
}

/// The seminar's game and room.
pub struct Seminar {
    /// The game, over a scenario that lives as long as the server.
    pub game: Game<'static>,
    /// The scenario's texts, as the save file keeps them.
    pub saved: SavedScenario,
    /// The save file.
    pub save_path: PathBuf,
    /// The room.
    pub room: Room,
    /// Bumped on every change: pages poll it to update themselves.
    pub version: u64,
    /// Bumped on every change of the game's state (not on submissions): a forecast is of one.
    pub state_version: u64,
    /// The latest forecast and the state version it was made from.
    pub forecast: Option<(u64, Arc<Forecast>)>,
    /// Runs of the projector's forecasts.
    pub forecast_runs: u64,
    /// Per code: what the last action did and when (seconds since the epoch), shown on its
    /// page for a few seconds (the page may reload itself meanwhile, when the game changes).
    pub flash: Vec<(String, String, u64)>,
    /// The after-action report's page, once written.
    pub aar: Option<PathBuf>,
}

impl Seminar {
    /// A seminar over `game`, saved in `save_path`; the room kept beside it is reused when it
    /// names the same teams (a restart keeps the codes), else a new one is made.
    pub fn open(
        game: Game<'static>,
        saved: SavedScenario,
        save_path: &Path,
        forecast_runs: u64,
    ) -> Result<Seminar, Refusal> {
        let names: Vec<String> = game.teams().iter().map(|t| t.name.clone()).collect();
        let room_path = Room::path_for(save_path);
        let room = Room::read(&room_path, &names).map_err(|e| Refusal::Io(e.to_string()))?;
        let aar = save_path.with_extension("aar").join("aar.html");
        let s = Seminar {
            game,
            saved,
            save_path: save_path.to_path_buf(),
            room: room.unwrap_or_else(|| Room::new(&names)),
            version: 1,
            state_version: 1,
            forecast: None,
            forecast_runs,
            flash: Vec::new(),
            aar: aar.exists().then_some(aar),
        };
        s.save()?;
        s.save_room()?;
        Ok(s)
    }

    /// Whose code `code` is.
    pub fn who(&self, code: &str) -> Option<Who> {
        if code == self.room.facilitator {
            return Some(Who::Facilitator);
        }
        self.room.teams.iter().position(|t| t.code == code).map(Who::Team)
    }

    /// Saves the game, atomically.
    pub fn save(&self) -> Result<(), Refusal> {
        SaveFile::of(&self.game, &self.saved)
            .write(&self.save_path)
            .map_err(|e| Refusal::Io(format!("the game could not be saved: {e}")))
    }

    fn save_room(&self) -> Result<(), Refusal> {
        self.room
            .write(&Room::path_for(&self.save_path))
            .map_err(|e| Refusal::Io(format!("the room could not be saved: {e}")))
    }

    /// Records a change: pages update; a change of state makes the forecast stale.
    fn changed(&mut self, state: bool) -> Result<(), Refusal> {
        self.version += 1;
        if state {
            self.state_version += 1;
        }
        self.save()
    }

    /// Keeps a message for the page `code` opens next.
    pub fn say(&mut self, code: &str, text: impl Into<String>) {
        self.flash.retain(|(c, _, _)| c != code);
        self.flash.push((code.to_string(), text.into(), room::now()));
    }

    /// The message kept for `code`, while it is recent.
    pub fn take_flash(&mut self, code: &str) -> Option<String> {
        let now = room::now();
        self.flash.retain(|(_, _, at)| now.saturating_sub(*at) <= FLASH_SECONDS);
        self.flash.iter().find(|(c, _, _)| c == code).map(|(_, t, _)| t.clone())
    }

    fn open_for_play(&self) -> Result<(), Refusal> {
        if self.room.ended {
            return Err(Refusal::Conflict("the game has ended".into()));
        }
        if self.game.is_over() {
            return Err(Refusal::Conflict("the game is over: every turn has been played".into()));
        }
        Ok(())
    }

    /// A team's orders from its page's form, checked as an orders file is: every message
    /// the file would get, by key.
    pub fn submit_form(&mut self, team: usize, fields: &Fields) -> Result<String, Refusal> {
        self.open_for_submissions()?;
        let text = form::orders_text(fields)?;
        let orders = orders::parse(&mut self.game, team, &text, "the form")
            .map_err(|e| Refusal::Invalid(form::messages(&e, false)))?;
        self.submit(orders)
    }

    /// A team's orders pasted as an orders file's text: located messages, as for the file.
    pub fn submit_text(&mut self, team: usize, text: &str) -> Result<String, Refusal> {
        self.open_for_submissions()?;
        let orders = orders::parse(&mut self.game, team, text, "orders")
            .map_err(|e: ScenarioError| Refusal::Invalid(form::messages(&e, true)))?;
        self.submit(orders)
    }

    fn open_for_submissions(&self) -> Result<(), Refusal> {
        self.open_for_play()?;
        if self.room.paused {
            return Err(Refusal::Conflict("the facilitator has paused the game: orders are not taken now".into()));
        }
        Ok(())
    }

    fn submit(&mut self, orders: orders::Orders) -> Result<String, Refusal> {
        let n = orders.choices.len();
        self.game.submit_orders(&orders).map_err(|e| Refusal::Invalid(e.to_string()))?;
        self.changed(false)?;
        Ok(format!("Your {} for {} {} in and saved.", plural(n, "decision"), self.game.date(), verb(n)))
    }

    /// Plays the coming turn; with `model_rest`, the model takes the decisions still pending
    /// (as it takes every actor's without a team).
    pub fn adjudicate(&mut self, model_rest: bool) -> Result<String, Refusal> {
        self.open_for_play()?;
        let date = self.game.date();
        if model_rest {
            self.game.submit_recommended().map_err(game_refusal)?;
        }
        self.game.adjudicate().map_err(game_refusal)?;
        self.room.restart_clock(room::now());
        self.save_room()?;
        self.changed(true)?;
        Ok(format!("{date} adjudicated; the coming turn is {}.", self.game.date()))
    }

    /// Fires one of the scenario's events now.
    pub fn fire_event(&mut self, event: &str, reason: &str) -> Result<String, Refusal> {
        self.open_for_play()?;
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        self.game.fire_event(event, reason).map_err(game_refusal)?;
        self.changed(true)?;
        Ok(format!("Event `{event}` fired."))
    }

    /// An ad-hoc inject, written as a scenario event's effects.
    pub fn inject(&mut self, text: &str, reason: &str) -> Result<String, Refusal> {
        self.open_for_play()?;
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        let label = self.game.inject(text, "inject", reason).map_err(|e| Refusal::Invalid(form::messages(&e, true)))?;
        self.changed(true)?;
        Ok(format!("Injected: {label}."))
    }

    /// Overrides a parameter or a state value, with a reason.
    pub fn override_value(&mut self, target: &str, value: &str, reason: &str) -> Result<String, Refusal> {
        self.open_for_play()?;
        let v: f64 = value
            .trim()
            .parse()
            .map_err(|_| Refusal::Invalid(format!("`{value}` is not a number (the value to set {target} to)")))?;
        self.game.override_value(target.trim(), v, reason).map_err(game_refusal)?;
        self.changed(true)?;
        Ok(format!("{} set to {v}.", target.trim()))
    }

    /// Undoes the last turn, and whatever was done since it.
    pub fn undo(&mut self) -> Result<String, Refusal> {
        if self.room.ended {
            return Err(Refusal::Conflict("the game has ended".into()));
        }
        self.game.undo().map_err(game_refusal)?;
        self.changed(true)?;
        Ok(format!("The last turn is undone; the coming turn is {}.", self.game.date()))
    }

    /// Pauses or resumes the game.
    pub fn pause(&mut self, pause: bool) -> Result<String, Refusal> {
        self.room.pause(pause, room::now());
        self.save_room()?;
        self.version += 1;
        Ok(if pause { "The game is paused." } else { "The game goes on." }.into())
    }

    /// Sets the minutes a turn lasts (none: no clock) and starts the clock.
    pub fn set_clock(&mut self, minutes: &str) -> Result<String, Refusal> {
        let m = minutes.trim();
        self.room.turn_minutes = if m.is_empty() || m == "0" {
            None
        } else {
            Some(m.parse().ok().filter(|&n: &u32| n <= 600).ok_or_else(|| {
                Refusal::Invalid(format!("`{m}` is not a number of minutes from 0 (no clock) to 600"))
            })?)
        };
        self.room.restart_clock(room::now());
        self.save_room()?;
        self.version += 1;
        Ok(match self.room.turn_minutes {
            Some(n) => format!("Each turn now lasts {n} minutes; the clock starts now."),
            None => "No clock.".into(),
        })
    }

    /// Ends the game: nothing more is played; the caller writes the after-action report.
    pub fn end(&mut self) -> Result<(), Refusal> {
        self.room.ended = true;
        self.save_room()?;
        self.version += 1;
        Ok(())
    }

    /// Where the after-action report goes.
    pub fn aar_dir(&self) -> PathBuf {
        self.save_path.with_extension("aar")
    }
}

fn game_refusal(e: GameError) -> Refusal {
    match e {
        GameError::Pending(_) | GameError::Over | GameError::NothingToUndo => Refusal::Conflict(e.to_string()),
        other => Refusal::Invalid(other.to_string()),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn verb(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}
