//! The result files: written atomically by the pipelines, read back by the report.
//!
//! A run's folder holds `runs.csv` (one row per run: sampled parameters, when each outcome
//! was reached and each event fired, final values, utilities), `series.csv` (every recorded
//! metric's mean and quantiles across runs at every date), `outcomes.csv` (each outcome's
//! probability, interval and median first date) and `manifest.json` (what was run, how).
//! A sweep's folder holds `points.csv` (one row per design point), `manifest.json`, and when
//! asked for `runs.csv` (one row per replication), `sensitivity.csv` (Sobol or Morris
//! statistics) and `discovery.csv` (the PRIM trajectory). A variant's run, and `heartland
//! compare … --out DIR`, also write `comparison.csv` (the variant against its base).
//!
//! A hindcast's folder holds `hindcast.csv` (one row per fact: forecast, scores,
//! references), `scores.csv` (per split and forecaster), `reliability.csv` (per split and
//! bin) and `manifest.json`; a calibration's, `design.csv` (every design point with its fit),
//! `posterior.csv` (the points kept), `calibrated.toml`, `comparison.csv` (prior and
//! posterior scored side by side), `prior/` and `posterior/` (each a hindcast's tables) and
//! `manifest.json`.
//!
//! Each file has one module here that declares its columns once and holds both its writer and
//! its reader, with a round-trip test. Every file is written under a temporary name in its
//! final directory and renamed into place once complete (`atomic.rs`), so an interrupted run
//! leaves the previous file or none, never half of one. Tables are tidy (one observation per
//! row) and read by pandas, polars and R without options: a header row, comma-separated,
//! numbers in their shortest form after rounding to 9 places, ISO dates, empty cells for
//! "never" or "none".
//!
//! Charts and the report are drawn from these files read back ([`Results::load`],
//! [`SweepResults::load`]), never from the engine's in-memory aggregates, so `heartland run`
//! (which writes the files, then draws) and `heartland plot DIR` (which only draws) share one
//! code path, and a chart shows exactly what the CSV files say. Readers name the file and line
//! of anything they cannot read ([`ReadError`]).

pub mod aggregates;
pub(crate) mod atomic;
pub mod comparison;
pub mod datapackage;
mod date;
pub mod design;
pub mod discovery;
mod error;
pub mod hindcast;
pub mod integrity;
pub mod labels;
pub mod manifest;
pub mod outcomes;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod points;
pub mod prior_posterior;
pub mod reliability;
pub mod runs;
pub mod scores;
pub mod sensitivity;
pub mod series;
mod set;
pub mod shard;
pub mod tournament;

#[cfg(test)]
pub(crate) mod fixtures;

pub(crate) use atomic::{AtomicFile, own_subfolder, remove_stale_temporaries};
pub use atomic::{OutputError, write_text};
pub use date::Date;
pub use design::{DesignTable, read_design, write_design, write_posterior};
pub use discovery::{PrimBox, read_discovery, write_discovery};
pub use error::ReadError;
pub use hindcast::{read_hindcast, write_hindcast};
pub use manifest::{
    CalibrationInfo, CalibrationManifest, HindcastInfo, HindcastManifest, Manifest, ManifestCalibration,
    ManifestObservations, ManifestScenario, RunInfo, ScenarioInfo, SweepInfo, SweepManifest, is_calibration,
    is_hindcast, is_sweep, read_calibration_manifest, read_hindcast_manifest, read_manifest, read_sweep_manifest,
    write_calibration_manifest, write_hindcast_manifest, write_manifest, write_sweep_manifest,
};
pub use outcomes::{OutcomeRow, outcome_rows, read_outcomes, write_outcomes};
pub use points::{Point, PointsTable, PointsWriter, read_points};
pub use prior_posterior::{PriorPosteriorRow, prior_posterior_rows, read_prior_posterior, write_prior_posterior};
pub use reliability::{read_reliability, write_reliability};
pub use runs::{Reached, RunsWriter, SweepRunsWriter, read_reached, runs_header};
pub use scores::{read_scores, write_scores};
pub use sensitivity::{Sensitivity, read_sensitivity, write_sensitivity};
pub use series::{Band, Series, read_series, write_series};
pub use set::{CalibrationResults, HindcastResults, HindcastTables, Results, SweepResults};
