//! Classic games: the iterated 2×2 game of Axelrod's tournaments, with the classic strategies,
//! noise and a probabilistic end; round-robin tournaments; exact expectations of memory-one
//! strategies from their Markov chain; and the Moran process of evolutionary game theory.
//!
//! This is the first stop of the teaching path (`docs/teaching.md`) and reproduces the axelrod
//! Python library's scores exactly for deterministic strategies (`tests/it/games.rs`, against
//! fixtures the library wrote). It shares the project's conventions, not its model: a
//! tournament is a function of (file, seed), matches are played on rayon from one ChaCha8
//! stream each, and nothing here writes a file ([`mod@file`] reads the tournament file, as
//! scenarios are read; [`crate::results::tournament`] writes the tables).
//!
//! - [`game`]: actions and the four payoffs; [`strategy`]: the strategy library and its
//!   compiled rules; [`play`]: one match; [`tournament`]: the round robin and its standings;
//! - [`markov`]: expected payoffs of memory-one strategies, over n turns and in the long run;
//! - [`moran`]: fixation in a finite population, simulated and exact;
//! - [`mod@file`]: the tournament file, checked with located errors;
//! - [`actors`]: classic strategies in place of a scenario's actors on its dyadic issues.

/// The largest tournament file read, in bytes (a file lists a few dozen players).
pub const MAX_TOURNAMENT_BYTES: u64 = 1024 * 1024;

pub mod actors;
pub mod file;
pub mod game;
pub mod markov;
pub mod moran;
pub mod play;
pub mod strategy;
pub mod tournament;

pub use game::{Action, Game};
pub use strategy::{Rule, Strategy};
pub use tournament::{Entrant, Tournament};
