//! `report.html` and the chart files of an output directory.
//!
//! [`publish`] reads an output directory's result files ([`Results::load`]), draws the charts
//! ([`crate::report::charts`]), writes them to `DIR/charts/` as PNG and SVG, and writes one
//! self-contained `DIR/report.html`: the scenario and its question, the run settings, a short
//! summary in words generated from the numbers, the outcome table and the charts as inline
//! SVG. The page loads nothing (no scripts, fonts, styles or images from elsewhere), so it
//! opens from a USB stick with no server and no network.
//!
//! Charts and report only read the result files: nothing here feeds back into results.
//! This module reads, draws and writes; the pages are in `html`, their words in `words`.

pub mod aar;
mod assessment;
pub mod charts;
mod html;
mod tournament;
mod words;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::results::{AtomicFile, OutputError};
use crate::results::{CalibrationResults, HindcastResults, ReadError, Results, SweepResults};
use charts::{ChartError, Drawn};

pub(crate) use assessment::{calibration_html, hindcast_html};
pub(crate) use html::{html, sweep_html};

/// Every chart file name [`charts::draw_all`] and [`charts::draw_sweep`] may write: only these
/// are ever removed as stale.
const CHART_NAMES: [&str; 14] = [
    "cooperation",
    "payoffs",
    "scores",
    "outcomes",
    "outcomes_over_time",
    "trust",
    "state",
    "influence",
    "sweep_grid",
    "sweep_points",
    "sensitivity",
    "discovery",
    "reliability",
    "worst_facts",
];

/// Why an output directory's charts and report could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A result file is missing or unreadable (a missing or malformed one is bad input).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Draw(#[from] ChartError),
    /// A chart or the report could not be written.
    #[error(transparent)]
    Write(#[from] OutputError),
}

/// What [`publish`] wrote.
#[derive(Debug, Clone)]
pub struct Published {
    /// `DIR/report.html`.
    pub report: PathBuf,
    /// Every chart file, PNG and SVG.
    pub charts: Vec<PathBuf>,
}

/// Draws the charts and the report of the output directory `dir` from its result files: a
/// run's, a sweep's (whose manifest names the sweep), a hindcast's (whose manifest names an
/// observation file) or a calibration's (whose manifest describes it).
pub fn publish(dir: &Path) -> Result<Published, PublishError> {
    if crate::results::tournament::is_tournament(dir) {
        let results = crate::results::tournament::TournamentResults::load(dir)?;
        let drawn = charts::draw_tournament(&results)?;
        return write_all(dir, &drawn, &tournament::tournament_html(&results, &drawn));
    }
    if crate::results::is_calibration(dir) {
        let results = CalibrationResults::load(dir)?;
        let drawn = charts::draw_calibration(&results)?;
        return write_all(dir, &drawn, &calibration_html(&results, &drawn));
    }
    if crate::results::is_hindcast(dir) {
        let results = HindcastResults::load(dir)?;
        let drawn = charts::draw_hindcast(&results)?;
        return write_all(dir, &drawn, &hindcast_html(&results, &drawn));
    }
    if crate::results::is_sweep(dir) {
        let results = SweepResults::load(dir)?;
        let drawn = charts::draw_sweep(&results)?;
        return write_all(dir, &drawn, &sweep_html(&results, &drawn));
    }
    let results = Results::load(dir)?;
    let drawn = charts::draw_all(&results)?;
    write_all(dir, &drawn, &html(&results, &drawn))
}

/// The hidden file in `charts/` that lists the chart files heartland wrote there last, one
/// name a line: its bookkeeping, so that it deletes only charts it drew itself.
const WRITTEN: &str = ".heartland-charts";

/// Writes the charts into `dir/charts/` and the page into `dir/report.html`.
fn write_all(dir: &Path, drawn: &[Drawn], page: &str) -> Result<Published, PublishError> {
    // A `charts` that is a symbolic link would have charts written into, and deleted from,
    // another folder: refused.
    let chart_dir = crate::results::own_subfolder(dir, "charts")?;
    // A run killed while writing charts leaves hidden temporaries here: clear them.
    crate::results::remove_stale_temporaries(&chart_dir)?;
    let earlier = written_before(&chart_dir);
    let mut files = Vec::new();
    let mut names = String::new();
    for d in drawn {
        let png = chart_dir.join(format!("{}.png", d.name));
        write_atomic(&png, &d.png)?;
        let svg = chart_dir.join(format!("{}.svg", d.name));
        write_atomic(&svg, d.svg.as_bytes())?;
        names.push_str(&format!("{}.png\n{}.svg\n", d.name, d.name));
        files.extend([png, svg]);
    }
    write_atomic(&chart_dir.join(WRITTEN), names.as_bytes())?;
    // Charts an earlier run drew but this one has no data for would mislead: remove them, but
    // only those heartland's list says it wrote (a user's file of the same name stays).
    for name in earlier.iter().filter(|n| !files.iter().any(|f| f.file_name().is_some_and(|f| f == n.as_str()))) {
        let stale = chart_dir.join(name);
        let is_file = std::fs::symlink_metadata(&stale).is_ok_and(|m| m.file_type().is_file());
        if is_file {
            std::fs::remove_file(&stale).map_err(|source| OutputError::Io { path: stale.clone(), source })?;
        }
    }
    let report = dir.join("report.html");
    write_atomic(&report, page.as_bytes())?;
    Ok(Published { report, charts: files })
}

/// The chart files the list in `chart_dir` names, among those heartland may draw; none when
/// there is no list or it cannot be read.
fn written_before(chart_dir: &Path) -> Vec<String> {
    let Ok(text) = crate::input::read_text(&chart_dir.join(WRITTEN), 64 * 1024) else { return Vec::new() };
    text.lines()
        .filter(|l| {
            let stem = l.strip_suffix(".png").or_else(|| l.strip_suffix(".svg"));
            stem.is_some_and(|s| CHART_NAMES.contains(&s))
        })
        .map(str::to_string)
        .collect()
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(bytes).map_err(|source| OutputError::Io { path: path.to_path_buf(), source })?;
    f.commit()
}
