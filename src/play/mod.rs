//! Wargame play: people take some actors' decisions, turn by turn, and the model plays
//! everyone else, explaining each of its decisions and forecasting where the game is heading.
//!
//! The layer drives the one engine, [`crate::simulation::Simulation`], through its public
//! stepping API: a player's decision is an imposed action ([`crate::simulation::Overrides`]),
//! a facilitator's inject or override is a change between turns. Every decider draws its
//! random number whatever is imposed, so a game is a function of (scenario, seed, run index,
//! log), and replaying the log reproduces it exactly.
//!
//! - [`game`]: the [`Game`]: teams, the decisions pending in the coming turn with the model's
//!   recommendation, submission and adjudication, undo, the log and its replay. Pure: no
//!   I/O, no terminal, so a seminar server can drive it as the terminal does.
//! - [`decisions`]: a team's decisions, what each is about and the model's recommendation;
//!   [`log`]: the log's entries.
//! - [`facilitator`]: injects (a scenario's event, or an ad-hoc one checked like a
//!   scenario's), overrides of a parameter or a state value with a reason.
//! - [`orders`]: orders files, a team's decisions for a turn in TOML, with located errors.
//! - [`save`]: the save file (scenario text and its digest, seed, run, state, log).
//! - [`explain`]: a decision's terms and the probability they implied; a run's decisions as a
//!   table.
//! - [`forecast`]: the Monte Carlo from a game's current state.
//! - [`aar`]: the after-action report's data (its pages are drawn by `report::aar`).

pub mod aar;
pub mod decisions;
pub mod explain;
pub mod facilitator;
pub mod forecast;
pub mod game;
pub mod log;
pub mod orders;
pub mod save;

pub use game::{Choice, Decision, DecisionKind, Entry, Game, GameError, Submission, Team, TurnReport};
