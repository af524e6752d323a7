//! heartland: a Monte Carlo agent-based model of security cooperation in Central Asia after
//! 2014.
//!
//! Actors (states and organizations) choose each turn whether to cooperate on the region's
//! security issues, from their interests, their trust in each other and the pressure of their
//! patrons. Many runs, each a function of (scenario, master seed, run index), give the
//! probabilities of outcomes and the spread of the state over time.
//!
//! The crate is a library with a thin binary. The map:
//! - [`scenario`]: the file format and its validation into a checked [`Scenario`];
//! - [`param`]: numbers and distributions, sampled once per run;
//! - [`actor`], [`issue`], [`events`], [`outcome`], [`metric`]: the model's parts;
//! - [`simulation`]: one run, stepped turn by turn, with [`decision`] and [`trust`] rules;
//! - [`montecarlo`]: many runs on rayon with streaming, order-free aggregation in [`stats`];
//! - [`output`]: the CSV and JSON files, written atomically;
//! - [`results`]: those files read back as typed tables; [`charts`] and [`report`]: the charts
//!   and the HTML report drawn from them;
//! - [`sources`]: where every number comes from; [`compare`]: two scenarios on common random
//!   numbers;
//! - [`english`]: counts with their nouns and articles, for messages and pages.
//!
//! The engine (everything but [`output`], [`results`], [`charts`] and [`report`]) does no I/O
//! and holds no global state; randomness enters only as a ChaCha8 stream built from (seed, run
//! index). Nothing in the engine depends on the charts.

pub mod analysis;
pub mod english;
pub mod model;
pub mod montecarlo;
pub mod pipeline;
pub mod play;
#[cfg(feature = "charts")]
pub mod report;
pub mod results;
pub mod scenario;
pub mod simulation;

pub use scenario::Scenario;
