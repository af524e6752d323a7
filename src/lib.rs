//! heartland: a Monte Carlo agent-based model of security cooperation in Central Asia after
//! 2014.
//!
//! Actors (states and organizations) choose each turn whether to cooperate on the region's
//! security issues, from their interests, their trust in each other and the pressure of their
//! patrons. Many runs, each a function of (scenario, master seed, run index), give the
//! probabilities of outcomes and the spread of the state over time.
//!
//! # Example
//!
//! A scenario from a string: Kazakhstan and NATO keep a transit arrangement that Russia, its
//! main security patron, frowns upon. A hundred runs, and the probability that the
//! arrangement ends:
//!
//! ```
//! use heartland::Scenario;
//! use heartland::montecarlo::{self, Plan};
//! use heartland::results::outcome_rows;
//!
//! const TRANSIT: &str = r#"
//! dimensions = ["security", "economy"]
//!
//! [scenario]
//! name = "Transit"
//! description = "Kazakhstan and NATO decide each quarter whether to keep a transit arrangement."
//! start = "2014-Q1"
//! end = "2016-Q4"
//! step = "quarter"
//!
//! [defaults.behaviour]
//! rationality = 20.0
//! error = 0.01
//!
//! [actors.kazakhstan]
//! kind = "state"
//! capability = 0.05
//! interests = { security = 0.5, economy = 0.5 }
//!
//! [actors.russia]
//! kind = "state"
//! capability = 0.3
//! interests = { security = 0.7, economy = 0.3 }
//! behaviour = { pressure = 0.6 }
//!
//! [actors.usa]
//! kind = "state"
//! capability = 1.0
//! interests = { security = 0.8, economy = 0.2 }
//!
//! [actors.nato]
//! kind = "organization"
//! members = ["usa"]
//! rule = "consensus"
//!
//! [trust.russia]
//! nato = 0.2
//!
//! [influence.security.kazakhstan]
//! russia = 0.7
//! nato = 0.3
//!
//! [issues.transit]
//! kind = "arrangement"
//! sides = ["kazakhstan", "nato"]
//! in_force = true
//! commitment = 0.3
//! formation = 0.2
//! [issues.transit.payoffs.kazakhstan]
//! economy = { reward = 1.0, sucker = -0.1, temptation = 0.1 }
//! [issues.transit.payoffs.nato]
//! security = { reward = 0.6, sucker = -0.2, temptation = 0.1 }
//!
//! [outcomes.transit_ends]
//! label = "The transit arrangement ends"
//! when = [{ metric = "coop.transit", below = 0.5 }]
//! "#;
//!
//! let scenario = Scenario::parse(TRANSIT, "transit.toml")?;
//! let plan = Plan { seed: 2014, first_run: 0, runs: 100 };
//! // The per-run records go to a sink (here: nowhere) in run order; progress to a callback.
//! let summary = montecarlo::run(&scenario, plan, |_runs| Ok::<(), std::io::Error>(()), &|_| {})?;
//! let ends = &outcome_rows(&scenario, &summary)[0];
//! assert_eq!((ends.outcome.as_str(), ends.runs), ("transit_ends", 100));
//! assert!(ends.ci_low <= ends.probability && ends.probability <= ends.ci_high);
//! let pct = |p: f64| format!("{:.0}%", 100.0 * p);
//! println!("{}: {} [{}, {}]", ends.label, pct(ends.probability), pct(ends.ci_low), pct(ends.ci_high));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`pipeline::run_to_dir`] does the same into an output folder (`runs.csv`, `series.csv`,
//! `outcomes.csv`, `manifest.json`, then the charts and `report.html`), as `heartland run`
//! does. The file format is described in `scenarios/README.md`, the model equation by
//! equation in `docs/MODEL.md`.
//!
//! # The map
//!
//! In the order a scenario travels through them:
//! - [`scenario`]: the TOML format, checked into a [`Scenario`] (errors located by file, line,
//!   column and key), the shipped scenarios, and where every number comes from;
//! - [`model`]: the checked parts a scenario is made of: actors, issues, events, outcomes,
//!   metrics, the calendar, parameters and their distributions, decision records;
//! - [`simulation`]: one run, a [`simulation::Simulation`] stepped turn by turn, with imposed
//!   actions, observers, snapshots and probes;
//! - [`montecarlo`]: many runs on rayon, folded into exact, order-free aggregates, with a
//!   seam ([`montecarlo::Collect`]) for what each run records;
//! - [`analysis`]: what is done with many runs: sweeps, sensitivity indices, scenario
//!   discovery (PRIM), paired comparison of scenarios, hindcasts and calibration;
//! - [`results`]: the result files, one module per file: schema, writer and reader;
//! - [`report`] (feature `charts`): charts and `report.html` drawn from an output folder's
//!   files; [`pipeline`]: from a checked input to a complete output folder, the one way the
//!   binary, the benchmarks and the tests produce one;
//! - [`english`]: counts with their nouns, for messages and pages;
//! - [`games`]: apart from the model, the classic iterated 2×2 games (strategies, tournaments,
//!   exact Markov expectations, the Moran process), the teaching path's first lessons.
//!
//! # The public surface
//!
//! What an embedding program needs is public and documented: loading and checking scenarios
//! ([`Scenario`], [`scenario::ScenarioError`], [`scenario::shipped`], [`scenario::sources`]),
//! the model types it reads, the simulation and its stepping API
//! ([`simulation::Simulation::step_with`] with [`simulation::Overrides`] and an
//! [`simulation::Observer`] such as [`simulation::Recorder`], [`simulation::Snapshot`],
//! [`simulation::State`], [`simulation::Probes`]), the Monte Carlo ([`montecarlo::Plan`],
//! [`montecarlo::run`], [`montecarlo::run_with`], [`montecarlo::Summary`] and its aggregates),
//! the analyses, the result files' schemas with their readers and writers, the pipelines and
//! [`report::publish`].
//!
//! The rest is crate-private, so that it can change without notice: validation (the file's
//! serde structs, the key list, `extends`), the compiled model and the per-turn buffers of a
//! run, the decision arithmetic and the trust rule (explained by a
//! [`model::decision::DecisionRecord`] and documented in `docs/MODEL.md`), the steps inside a
//! sweep and a calibration, atomic writing and the CSV helpers, and the drawing of charts and
//! pages.
//!
//! # Features
//!
//! `charts` (on by default) adds [`report`] and the drawing step of the pipelines (plotters);
//! `cli` adds the `heartland` binary (clap, indicatif). With `--no-default-features` the
//! engine, the analyses, the result files and the pipelines build without them.
//!
//! # Invariants
//!
//! The engine ([`model`], [`simulation`], [`montecarlo`]) does no I/O, reads no clock or
//! environment, and holds no global state; randomness enters only as a ChaCha8 stream built
//! from (seed, run index) by [`simulation::run_stream`]. Aggregates are integer sums, so the
//! results do not depend on the number of threads. [`report`] draws only from the result
//! files, read back from disk.

#![warn(missing_docs)]

pub mod analysis;
pub mod budget;
pub mod english;
pub mod games;
pub mod input;
pub mod model;
pub mod montecarlo;
pub mod pipeline;
pub mod play;
pub mod printable;
#[cfg(feature = "charts")]
pub mod report;
pub mod results;
pub mod scaleout;
pub mod scenario;
#[cfg(feature = "serve")]
pub mod serve;
pub mod simd;
pub mod simulation;

pub use scenario::Scenario;
