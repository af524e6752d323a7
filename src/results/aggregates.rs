//! `aggregates.json`: a shard's exact aggregates, the pieces a merge adds up.
//!
//! Format `heartland-aggregates`, version 1: one JSON object (compact, one line) with
//! `format`, `version` and `kind`, then for a run's shard (`"kind": "run"`):
//! - `runs` (runs aggregated), `turns` (turns per run), `decisions` (actor-decisions), `bins`
//!   (histogram bins per value range, [`BINS`]);
//! - `series`: per recorded metric, in the scenario's order: `metric` (its path), `low` and
//!   `high` (the histogram's range), `sums` (per turn, the exact sum of the runs' values in
//!   units of 2⁻³², as a decimal string since it may exceed 2⁵³) and `histograms` (per turn,
//!   the non-empty bins as a flat list `[bin, runs, bin, runs, …]`, bins ascending);
//! - `outcomes`: per outcome, in the scenario's order: `outcome` (its id) and `first` (per
//!   turn, the runs that first reached it then).
//!
//! and for a sweep's shard (`"kind": "sweep"`): `points`, one per design point of the shard in
//! order: `point` (its index), `reached` (per recorded outcome, replications that reached it)
//! and `outputs` (per output, the mean final value as the 16 hexadecimal digits of its IEEE 754
//! bits, so that it reads back exactly).
//!
//! These are the integer sums and histograms the Monte Carlo keeps
//! ([`crate::montecarlo::aggregate`]), so adding the shards' pieces gives bit for bit the
//! aggregate of one process, whatever the split.

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{AtomicFile, OutputError};
use super::error::{ReadError, invalid};
use crate::analysis::hindcast::{FactCounts, Observations, Split};
use crate::analysis::sweep::{PointResult, Sweep};
use crate::montecarlo::aggregate::{BINS, FixedSum};
use crate::montecarlo::{Collect, Standard, Summary};
use crate::scenario::Scenario;

/// The `format` field.
pub const FORMAT: &str = "heartland-aggregates";
/// The `version` field this heartland writes and reads.
pub const VERSION: u32 = 1;

/// `aggregates.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregates {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// What was aggregated.
    #[serde(flatten)]
    pub kind: AggregatesKind,
}

/// A run's or a sweep's pieces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AggregatesKind {
    /// A scenario's runs.
    Run(RunAggregates),
    /// A sweep's design points.
    Sweep(SweepAggregates),
    /// A hindcast's runs.
    Hindcast(HindcastAggregates),
    /// A calibration's design points.
    Calibration(CalibrationAggregates),
}

/// The counts of a block of a hindcast's runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HindcastAggregates {
    /// Runs aggregated.
    pub runs: u64,
    /// Actor-decisions over these runs.
    pub decisions: u64,
    /// Per fact of the observation file, in file order.
    pub facts: Vec<FactPart>,
}

/// One fact's count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactPart {
    /// The fact's id.
    pub id: String,
    /// Runs in which it held.
    pub held: u64,
}

/// The counts of a block of a calibration's design points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationAggregates {
    /// Runs per design point.
    pub runs_per_point: u64,
    /// The train facts' ids, in file order.
    pub facts: Vec<String>,
    /// One per point, in order.
    pub points: Vec<CalibrationPointPart>,
}

/// One design point's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationPointPart {
    /// The point's index in the design.
    pub point: usize,
    /// Per train fact: the point's runs in which it held.
    pub held: Vec<u64>,
}

/// The aggregates of a block of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunAggregates {
    /// Runs aggregated.
    pub runs: u64,
    /// Turns per run.
    pub turns: usize,
    /// Actor-decisions over these runs.
    pub decisions: u64,
    /// Histogram bins per value range.
    pub bins: usize,
    /// Per recorded metric, in the scenario's order.
    pub series: Vec<SeriesPart>,
    /// Per outcome, in the scenario's order.
    pub outcomes: Vec<OutcomePart>,
}

/// One metric's sums and histograms, per turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPart {
    /// The metric's path.
    pub metric: String,
    /// The lower end of its histogram's range.
    pub low: f64,
    /// The upper end.
    pub high: f64,
    /// Per turn: the exact sum in units of 2⁻³², in decimal.
    pub sums: Vec<String>,
    /// Per turn: non-empty bins as `[bin, runs, bin, runs, …]`.
    pub histograms: Vec<Vec<u64>>,
}

/// One outcome's first-reached counts, per turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomePart {
    /// The outcome's id.
    pub outcome: String,
    /// Per turn: runs that first reached it then.
    pub first: Vec<u64>,
}

/// The results of a block of design points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepAggregates {
    /// One per point, in order.
    pub points: Vec<PointPart>,
}

/// One design point's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointPart {
    /// The point's index in the design.
    pub point: usize,
    /// Per recorded outcome: replications that reached it.
    pub reached: Vec<u64>,
    /// Per output: the mean final value's IEEE 754 bits, 16 hexadecimal digits.
    pub outputs: Vec<String>,
}

impl Aggregates {
    /// The aggregates of a run's summary.
    pub fn of_run(sc: &Scenario, summary: &Summary) -> Aggregates {
        let agg = &summary.series;
        let series = sc
            .series
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let (low, high) = crate::montecarlo::metric_range(sc, m);
                let turns = 0..agg.turns();
                SeriesPart {
                    metric: sc.metric_path(m),
                    low,
                    high,
                    sums: turns.clone().map(|t| agg.sum(i, t).raw().to_string()).collect(),
                    histograms: turns
                        .map(|t| agg.bins(i, t).flat_map(|(b, k)| [b as u64, u64::from(k)]).collect())
                        .collect(),
                }
            })
            .collect();
        let outcomes = sc
            .outcomes
            .iter()
            .enumerate()
            .map(|(o, out)| OutcomePart { outcome: out.id.clone(), first: summary.outcomes.first(o).to_vec() })
            .collect();
        let run = RunAggregates {
            runs: summary.runs,
            turns: summary.turns_per_run,
            decisions: summary.decisions,
            bins: BINS,
            series,
            outcomes,
        };
        Aggregates { format: FORMAT.into(), version: VERSION, kind: AggregatesKind::Run(run) }
    }

    /// The aggregates of a sweep's design points.
    pub fn of_points(points: &[PointResult]) -> Aggregates {
        let points = points
            .iter()
            .map(|p| PointPart {
                point: p.point,
                reached: p.reached.clone(),
                outputs: p.outputs.iter().map(|x| format!("{:016x}", x.to_bits())).collect(),
            })
            .collect();
        Aggregates { format: FORMAT.into(), version: VERSION, kind: AggregatesKind::Sweep(SweepAggregates { points }) }
    }

    /// The aggregates of a hindcast's block of runs: `counts` of the facts of `obs`.
    pub fn of_hindcast(obs: &Observations, counts: &FactCounts, decisions: u64) -> Aggregates {
        let facts = obs.rows.iter().zip(&counts.held).map(|(o, &held)| FactPart { id: o.id.clone(), held }).collect();
        let kind = AggregatesKind::Hindcast(HindcastAggregates { runs: counts.runs, decisions, facts });
        Aggregates { format: FORMAT.into(), version: VERSION, kind }
    }

    /// The aggregates of a calibration's block of design points: per point, the counts of the
    /// train facts of `obs`.
    pub fn of_calibration(obs: &Observations, runs_per_point: u64, points: &[(usize, FactCounts)]) -> Aggregates {
        let facts = obs.in_split(Split::Train).map(|o| o.id.clone()).collect();
        let points =
            points.iter().map(|(point, c)| CalibrationPointPart { point: *point, held: c.held.clone() }).collect();
        let kind = AggregatesKind::Calibration(CalibrationAggregates { runs_per_point, facts, points });
        Aggregates { format: FORMAT.into(), version: VERSION, kind }
    }
}

/// The fact counts of a hindcast's shard of `runs` runs, checked against `obs`; `Err` says
/// what does not fit.
pub fn fact_counts(obs: &Observations, part: &HindcastAggregates, runs: u64) -> Result<FactCounts, String> {
    if part.runs != runs {
        return Err(format!("{} runs, the shard's range has {runs}", part.runs));
    }
    let ids: Vec<&str> = part.facts.iter().map(|f| f.id.as_str()).collect();
    let want: Vec<&str> = obs.rows.iter().map(|o| o.id.as_str()).collect();
    if ids != want {
        return Err(format!("facts {ids:?}, the observation file's are {want:?}"));
    }
    if let Some(f) = part.facts.iter().find(|f| f.held > runs) {
        return Err(format!("fact `{}` held in {} of {runs} runs", f.id, f.held));
    }
    Ok(FactCounts { runs, held: part.facts.iter().map(|f| f.held).collect() })
}

/// The design points of a calibration's shard, `first..end` in order, as (index, counts),
/// checked against `obs` and the runs per point; `Err` says what does not fit.
pub fn point_counts(
    obs: &Observations,
    part: &CalibrationAggregates,
    runs_per_point: u64,
    (first, end): (u64, u64),
) -> Result<Vec<(usize, FactCounts)>, String> {
    if part.runs_per_point != runs_per_point {
        return Err(format!("`runs_per_point` is {}, the shards ran {runs_per_point}", part.runs_per_point));
    }
    let want: Vec<String> = obs.in_split(Split::Train).map(|o| o.id.clone()).collect();
    if part.facts != want {
        return Err(format!("train facts {:?}, the observation file's are {want:?}", part.facts));
    }
    let indices: Vec<u64> = part.points.iter().map(|p| p.point as u64).collect();
    if indices != (first..end).collect::<Vec<_>>() {
        return Err(format!("its points are not {first}..{end} in order"));
    }
    part.points
        .iter()
        .map(|p| {
            if p.held.len() != want.len() || p.held.iter().any(|&h| h > runs_per_point) {
                return Err(format!(
                    "point {} does not have one count of at most {runs_per_point} per train fact",
                    p.point
                ));
            }
            Ok((p.point, FactCounts { runs: runs_per_point, held: p.held.clone() }))
        })
        .collect()
}

/// An empty summary of `sc`'s runs, to add shards' pieces to with [`add_run`].
pub fn empty_summary(sc: &Scenario) -> Summary {
    let agg = Standard::new(sc).aggregate();
    Summary { runs: 0, turns_per_run: sc.calendar.turns(), decisions: 0, series: agg.series, outcomes: agg.outcomes }
}

/// Adds a shard's run aggregates to `summary`; `Err` says which field does not fit `sc`.
pub fn add_run(sc: &Scenario, summary: &mut Summary, part: &RunAggregates) -> Result<(), String> {
    if part.turns != summary.turns_per_run {
        return Err(format!("`turns` is {}, the scenario has {}", part.turns, summary.turns_per_run));
    }
    if part.bins != BINS {
        return Err(format!("`bins` is {}, this heartland uses {BINS}", part.bins));
    }
    if part.series.len() != sc.series.len() {
        return Err(format!("{} series, the scenario records {}", part.series.len(), sc.series.len()));
    }
    for (i, (s, m)) in part.series.iter().zip(&sc.series).enumerate() {
        let path = sc.metric_path(m);
        if s.metric != path {
            return Err(format!("series {i} is `{}`, the scenario's is `{path}`", s.metric));
        }
        if s.sums.len() != part.turns || s.histograms.len() != part.turns {
            return Err(format!("series `{path}` does not have one sum and one histogram per turn"));
        }
        for t in 0..part.turns {
            let sum: i128 = s.sums[t].parse().map_err(|_| format!("series `{path}`: `{}` is not a sum", s.sums[t]))?;
            let h = &s.histograms[t];
            let pairs: Option<Vec<(usize, u32)>> = h
                .chunks(2)
                .map(|c| match c {
                    [b, k] => Some((usize::try_from(*b).ok()?, u32::try_from(*k).ok()?)),
                    _ => None,
                })
                .collect();
            let pairs = pairs.ok_or_else(|| format!("series `{path}`: a histogram is not bin, runs pairs"))?;
            if pairs.iter().map(|p| u64::from(p.1)).sum::<u64>() != part.runs {
                return Err(format!("series `{path}`: a histogram does not count {} runs", part.runs));
            }
            if !summary.series.add_cell(i, t, &pairs, FixedSum::from_raw(sum)) {
                return Err(format!("series `{path}`: a bin outside 0..{BINS}"));
            }
        }
    }
    summary.series.add_runs(part.runs);
    let ids: Vec<&str> = part.outcomes.iter().map(|o| o.outcome.as_str()).collect();
    let want: Vec<&str> = sc.outcomes.iter().map(|o| o.id.as_str()).collect();
    if ids != want {
        return Err(format!("outcomes {ids:?}, the scenario's are {want:?}"));
    }
    let first: Vec<Vec<u64>> = part.outcomes.iter().map(|o| o.first.clone()).collect();
    if !summary.outcomes.add_part(&first, part.runs) {
        return Err("an outcome does not have one count per turn".into());
    }
    summary.runs += part.runs;
    summary.decisions += part.decisions;
    Ok(())
}

/// The design points of a sweep's shard, with their values recomputed from the design;
/// `Err` says what does not fit the sweep.
pub fn points(sweep: &Sweep, part: &SweepAggregates) -> Result<Vec<PointResult>, String> {
    part.points
        .iter()
        .map(|p| {
            if p.point >= sweep.points {
                return Err(format!("point {} is outside the design's {} points", p.point, sweep.points));
            }
            if p.reached.len() != sweep.outcomes.len() || p.outputs.len() != sweep.outputs.len() {
                return Err(format!("point {} does not have the sweep's outcomes and outputs", p.point));
            }
            let outputs = p.outputs.iter().map(|h| u64::from_str_radix(h, 16).map(f64::from_bits));
            let outputs: Result<Vec<f64>, _> = outputs.collect();
            let outputs = outputs.map_err(|_| format!("point {}: an output is not 16 hexadecimal digits", p.point))?;
            let mut values = vec![0.0; sweep.params.len()];
            sweep.point(p.point, &mut values);
            Ok(PointResult { point: p.point, values, reached: p.reached.clone(), outputs, runs: Vec::new() })
        })
        .collect()
}

/// Writes `aggregates.json` atomically.
pub fn write_aggregates(aggregates: &Aggregates, path: &Path) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    let io = |source| OutputError::Io { path: path.to_path_buf(), source };
    serde_json::to_writer(f.writer(), aggregates).map_err(|e| io(e.into()))?;
    f.writer().write_all(b"\n").map_err(io)?;
    f.commit()
}

/// Reads `aggregates.json`, checking its format and version.
pub fn read_aggregates(path: &Path) -> Result<Aggregates, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file"),
        _ => ReadError::Io { path: path.to_path_buf(), source: e },
    })?;
    let head: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(path, Some(e.line() as u64), format!("not JSON: {e}")))?;
    if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(invalid(path, None, format!("not a `{FORMAT}` file")));
    }
    if head.get("version").and_then(|v| v.as_u64()) != Some(u64::from(VERSION)) {
        return Err(invalid(
            path,
            None,
            format!("version {} of `{FORMAT}`; this heartland reads {VERSION}", head["version"]),
        ));
    }
    serde_json::from_value(head).map_err(|e| invalid(path, None, format!("not a valid `{FORMAT}` file: {e}")))
}
