//! The result files of an output directory, read back into plain typed tables.
//!
//! Charts and the report are drawn from these tables, never from the engine's in-memory
//! aggregates, so `heartland run` (which writes the files, then draws) and `heartland plot DIR`
//! (which only draws) share one code path, and a chart shows exactly what the CSV files say.
//! `runs.csv` can be large: it is streamed, and only its `outcome.ID` date columns are kept,
//! as counts per date, so memory does not grow with the number of runs.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::results::write::OutcomeRow;

/// A calendar date as written in the result files (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses an ISO date `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let year: i32 = it.next()?.parse().ok()?;
        let month: u32 = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    /// The date as a fractional year (2016-07-01 → 2016.5), for time axes.
    pub fn year_fraction(self) -> f64 {
        self.year as f64 + (self.month - 1) as f64 / 12.0 + (self.day - 1) as f64 / 365.25
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One recorded quantity over time: its statistics across runs at each date.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub mean: Vec<f64>,
    pub p05: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

impl Band {
    fn new(n: usize) -> Band {
        Band { mean: vec![f64::NAN; n], p05: vec![f64::NAN; n], p50: vec![f64::NAN; n], p95: vec![f64::NAN; n] }
    }
}

/// `series.csv`: every metric path with its band at every date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The dates of the table, ascending.
    pub dates: Vec<Date>,
    /// By metric path (`variable.subject`), in the file's order.
    pub paths: IndexMap<String, Band>,
}

impl Series {
    pub fn get(&self, path: &str) -> Option<&Band> {
        self.paths.get(path)
    }

    /// The paths whose first part is `variable`, with the rest of each path split on dots.
    pub fn of<'a>(&'a self, variable: &'a str) -> impl Iterator<Item = (Vec<&'a str>, &'a Band)> + 'a {
        self.paths.iter().filter_map(move |(path, band)| {
            let mut parts = path.split('.');
            (parts.next() == Some(variable)).then(|| (parts.collect(), band))
        })
    }
}

/// `manifest.json`, the fields the report shows. Missing fields read as empty or zero.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct RunInfo {
    pub tool: String,
    pub version: String,
    pub scenario: ScenarioInfo,
    pub seed: u64,
    pub first_run: u64,
    pub runs: u64,
    pub threads: u64,
    pub wall_seconds: f64,
    pub turns_per_run: u64,
    pub actor_decisions: u64,
    /// The files the run wrote.
    pub files: Vec<String>,
    /// Empty in a manifest written before labels were recorded.
    pub labels: crate::results::labels::Labels,
    pub outcome_conditions: IndexMap<String, crate::results::labels::OutcomeRule>,
    /// 0 when the manifest does not say.
    pub cooperation_window: u32,
    pub comparison: Option<crate::results::comparison::ComparisonInfo>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    pub question: Option<String>,
    pub file: String,
    pub sha256: String,
}

/// When each outcome was first reached, from `runs.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reached {
    /// Rows of `runs.csv`.
    pub runs: u64,
    /// Per outcome (in `outcomes.csv` order): how many runs first reached it on each date.
    pub by_date: Vec<BTreeMap<Date, u64>>,
}

impl Reached {
    /// The share of runs that reached outcome `o` on or before each of `dates`.
    pub fn cumulative(&self, o: usize, dates: &[Date]) -> Vec<f64> {
        let counts = &self.by_date[o];
        let n = self.runs.max(1) as f64;
        dates.iter().map(|d| counts.range(..=*d).map(|(_, k)| *k).sum::<u64>() as f64 / n).collect()
    }
}

/// Everything the charts and the report need from an output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub info: RunInfo,
    pub series: Series,
    pub outcomes: Vec<OutcomeRow>,
    pub reached: Reached,
    /// `comparison.csv` of a variant's run, when the manifest lists one; else empty.
    pub comparison: Vec<crate::analysis::compare::OutcomeDiff>,
}

/// Why the result files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is missing or its content is not what heartland writes: bad input.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid { path: PathBuf, line: Option<u64>, message: String },
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub(super) fn invalid(path: &Path, line: Option<u64>, message: impl Into<String>) -> ReadError {
    ReadError::Invalid { path: path.to_path_buf(), line, message: message.into() }
}

pub(super) fn open_csv(path: &Path) -> Result<csv::Reader<std::fs::File>, ReadError> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland run` to write it)"),
        _ => ReadError::Io { path: path.to_path_buf(), source: e },
    })?;
    Ok(csv::ReaderBuilder::new().has_headers(true).from_reader(file))
}

pub(super) fn csv_error(path: &Path, e: csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ReadError::Io { path: path.to_path_buf(), source },
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let fields = |n: u64| crate::english::count(n, "field");
            invalid(path, line, format!("a row has {} where the header has {}", fields(len), fields(expected_len)))
        }
        csv::ErrorKind::Utf8 { .. } => invalid(path, line, "not UTF-8 text"),
        kind => invalid(path, line, format!("not a valid CSV file ({kind:?})")),
    }
}

/// The positions of `names` in the header, or an error naming the first missing column.
pub(super) fn columns(path: &Path, header: &csv::StringRecord, names: &[&str]) -> Result<Vec<usize>, ReadError> {
    names
        .iter()
        .map(|n| header.iter().position(|h| h == *n).ok_or_else(|| invalid(path, Some(1), format!("no column `{n}`"))))
        .collect()
}

pub(super) fn number(path: &Path, line: u64, column: &str, s: &str) -> Result<f64, ReadError> {
    s.trim().parse().map_err(|_| invalid(path, Some(line), format!("`{s}` in column `{column}` is not a number")))
}

fn date(path: &Path, line: u64, column: &str, s: &str) -> Result<Date, ReadError> {
    Date::parse(s).ok_or_else(|| invalid(path, Some(line), format!("`{s}` in column `{column}` is not a date")))
}

/// Reads `series.csv`.
pub fn read_series(path: &Path) -> Result<Series, ReadError> {
    const COLS: [&str; 7] = ["date", "variable", "subject", "mean", "p05", "p50", "p95"];
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLS)?;
    // Rows are few (series × turns): read them, then place them by date.
    let mut rows: Vec<(Date, String, [f64; 4])> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let d = date(path, line, COLS[0], field(0))?;
        let (variable, subject) = (field(1), field(2));
        if variable.is_empty() {
            return Err(invalid(path, Some(line), "empty `variable`"));
        }
        let metric = if subject.is_empty() { variable.to_string() } else { format!("{variable}.{subject}") };
        let mut v = [0.0; 4];
        for (k, x) in v.iter_mut().enumerate() {
            *x = number(path, line, COLS[3 + k], field(3 + k))?;
        }
        rows.push((d, metric, v));
    }
    let mut dates: Vec<Date> = rows.iter().map(|r| r.0).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut paths: IndexMap<String, Band> = IndexMap::new();
    for (d, metric, v) in rows {
        let t = dates.binary_search(&d).expect("collected above");
        let band = paths.entry(metric).or_insert_with(|| Band::new(dates.len()));
        band.mean[t] = v[0];
        band.p05[t] = v[1];
        band.p50[t] = v[2];
        band.p95[t] = v[3];
    }
    Ok(Series { dates, paths })
}

/// Reads `outcomes.csv`.
pub fn read_outcomes(path: &Path) -> Result<Vec<OutcomeRow>, ReadError> {
    const COLS: [&str; 8] =
        ["outcome", "label", "runs", "reached", "probability", "ci_low", "ci_high", "median_first_date"];
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let count = |i: usize| {
            field(i).trim().parse::<u64>().map_err(|_| {
                invalid(path, Some(line), format!("`{}` in column `{}` is not a count", field(i), COLS[i]))
            })
        };
        let median = field(7).trim();
        if !median.is_empty() {
            date(path, line, COLS[7], median)?;
        }
        rows.push(OutcomeRow {
            outcome: field(0).to_string(),
            label: field(1).to_string(),
            runs: count(2)?,
            reached: count(3)?,
            probability: number(path, line, COLS[4], field(4))?,
            ci_low: number(path, line, COLS[5], field(5))?,
            ci_high: number(path, line, COLS[6], field(6))?,
            median_first_date: median.to_string(),
        });
    }
    Ok(rows)
}

/// Streams `runs.csv`, keeping only when each of `outcomes` was first reached.
pub fn read_reached(path: &Path, outcomes: &[OutcomeRow]) -> Result<Reached, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let names: Vec<String> = outcomes.iter().map(|o| format!("outcome.{}", o.outcome)).collect();
    let at = columns(path, &header, &names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut reached = Reached { runs: 0, by_date: vec![BTreeMap::new(); outcomes.len()] };
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).map_err(|e| csv_error(path, e))? {
        let line = rec.position().map_or(0, |p| p.line());
        for (o, &i) in at.iter().enumerate() {
            let s = rec.get(i).unwrap_or("");
            if !s.is_empty() {
                *reached.by_date[o].entry(date(path, line, &names[o], s)?).or_insert(0) += 1;
            }
        }
        reached.runs += 1;
    }
    Ok(reached)
}

/// Reads `manifest.json`.
pub fn read_manifest(path: &Path) -> Result<RunInfo, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland run` to write it)"),
        std::io::ErrorKind::InvalidData => invalid(path, None, "not UTF-8 text"),
        _ => ReadError::Io { path: path.to_path_buf(), source: e },
    })?;
    serde_json::from_str(&text)
        .map_err(|e| invalid(path, Some(e.line() as u64), format!("not a heartland manifest: {e}")))
}

impl Results {
    /// Reads `manifest.json`, `series.csv`, `outcomes.csv` and `runs.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<Results, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        let info = read_manifest(&dir.join("manifest.json"))?;
        let series = read_series(&dir.join("series.csv"))?;
        let outcomes = read_outcomes(&dir.join("outcomes.csv"))?;
        let reached = read_reached(&dir.join("runs.csv"), &outcomes)?;
        let comparison = match info.comparison {
            Some(_) => crate::results::comparison::read_comparison(&dir.join("comparison.csv"))?,
            None => Vec::new(),
        };
        Ok(Results { info, series, outcomes, reached, comparison })
    }
}

/// `manifest.json` of a sweep, the fields the report shows.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct SweepInfo {
    pub version: String,
    /// The sweep's name.
    pub sweep: String,
    pub sweep_file: String,
    pub scenario: ScenarioInfo,
    pub design: String,
    /// The swept parameters' paths, in `points.csv` order.
    pub parameters: Vec<String>,
    pub points: u64,
    pub replications: u64,
    pub runs: u64,
    pub seed: u64,
    pub threads: u64,
    pub wall_seconds: f64,
    /// Empty in a manifest written before labels were recorded.
    pub labels: crate::results::labels::Labels,
}

/// One design point of `points.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Value of each swept parameter.
    pub params: Vec<f64>,
    /// Per outcome: probability and its 95% interval.
    pub outcomes: Vec<(f64, f64, f64)>,
    /// Mean of each recorded output.
    pub outputs: Vec<f64>,
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// `outcome.ID` or `output.PATH`.
    pub output: String,
    pub parameter: String,
    /// `S1`, `ST`, `mu_star`…
    pub statistic: String,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// One box of the PRIM peeling trajectory in `discovery.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    pub chosen: bool,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Per swept parameter: the box's bounds.
    pub bounds: Vec<(f64, f64)>,
}

/// Everything the charts and the report need from a sweep's output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResults {
    pub info: SweepInfo,
    /// Outcome ids and output paths, in `points.csv` order.
    pub outcomes: Vec<String>,
    pub outputs: Vec<String>,
    pub points: Vec<Point>,
    /// Empty when the sweep wrote no `sensitivity.csv`.
    pub sensitivity: Vec<Sensitivity>,
    /// Empty when the sweep wrote no `discovery.csv`.
    pub discovery: Vec<PrimBox>,
}

/// Is `dir` the output of a sweep (its manifest names one)?
pub fn is_sweep(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else { return false };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("sweep").is_some_and(|s| s.is_string()))
}

pub(super) fn optional_number(path: &Path, line: u64, column: &str, s: &str) -> Result<Option<f64>, ReadError> {
    if s.trim().is_empty() { Ok(None) } else { number(path, line, column, s).map(Some) }
}

/// What `points.csv` holds: outcome ids, output paths, and the points.
pub type PointsTable = (Vec<String>, Vec<String>, Vec<Point>);

/// Reads `points.csv` given the swept parameters' paths.
pub fn read_points(path: &Path, params: &[String]) -> Result<PointsTable, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let param_at = columns(path, &header, &params.iter().map(String::as_str).collect::<Vec<_>>())?;
    let outcomes: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix("outcome.").and_then(|h| h.strip_suffix(".probability")).map(str::to_string))
        .collect();
    let outputs: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix("output.").and_then(|h| h.strip_suffix(".mean")).map(str::to_string))
        .collect();
    let names: Vec<String> = outcomes
        .iter()
        .flat_map(|o| ["probability", "ci_low", "ci_high"].map(|k| format!("outcome.{o}.{k}")))
        .chain(outputs.iter().map(|o| format!("output.{o}.mean")))
        .collect();
    let at = columns(path, &header, &names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut points = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize, name: &str| number(path, line, name, rec.get(i).unwrap_or(""));
        let params = param_at.iter().zip(params).map(|(&i, n)| get(i, n)).collect::<Result<Vec<_>, _>>()?;
        let values = at.iter().zip(&names).map(|(&i, n)| get(i, n)).collect::<Result<Vec<_>, _>>()?;
        let k = outcomes.len() * 3;
        let outcomes = values[..k].chunks(3).map(|c| (c[0], c[1], c[2])).collect();
        points.push(Point { params, outcomes, outputs: values[k..].to_vec() });
    }
    Ok((outcomes, outputs, points))
}

/// Reads `sensitivity.csv`.
pub fn read_sensitivity(path: &Path) -> Result<Vec<Sensitivity>, ReadError> {
    const COLS: [&str; 6] = ["output", "parameter", "statistic", "value", "low", "high"];
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        rows.push(Sensitivity {
            output: field(0).to_string(),
            parameter: field(1).to_string(),
            statistic: field(2).to_string(),
            value: number(path, line, COLS[3], field(3))?,
            low: optional_number(path, line, COLS[4], field(4))?,
            high: optional_number(path, line, COLS[5], field(5))?,
        });
    }
    Ok(rows)
}

/// Reads `discovery.csv` given the swept parameters' paths.
pub fn read_discovery(path: &Path, params: &[String]) -> Result<Vec<PrimBox>, ReadError> {
    let mut names: Vec<String> = ["chosen", "coverage", "density", "mass"].iter().map(|s| s.to_string()).collect();
    for p in params {
        names.push(format!("{p}.low"));
        names.push(format!("{p}.high"));
    }
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let mut boxes = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let chosen = match field(0) {
            "true" => true,
            "false" => false,
            other => {
                return Err(invalid(path, Some(line), format!("`{other}` in column `chosen` is not true or false")));
            }
        };
        let num = |i: usize| number(path, line, &names[i], field(i));
        let bounds =
            (0..params.len()).map(|d| Ok((num(4 + 2 * d)?, num(5 + 2 * d)?))).collect::<Result<Vec<_>, _>>()?;
        boxes.push(PrimBox { chosen, coverage: num(1)?, density: num(2)?, mass: num(3)?, bounds });
    }
    Ok(boxes)
}

impl SweepResults {
    /// Reads `manifest.json` and `points.csv` from `dir`, and `sensitivity.csv` and
    /// `discovery.csv` when present.
    pub fn load(dir: &Path) -> Result<SweepResults, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => invalid(&path, None, "no such file (run `heartland sweep` to write it)"),
            _ => ReadError::Io { path: path.clone(), source: e },
        })?;
        let info: SweepInfo = serde_json::from_str(&text)
            .map_err(|e| invalid(&path, Some(e.line() as u64), format!("not a heartland sweep manifest: {e}")))?;
        let (outcomes, outputs, points) = read_points(&dir.join("points.csv"), &info.parameters)?;
        let optional = |name: &str| dir.join(name).exists().then(|| dir.join(name));
        let sensitivity = optional("sensitivity.csv").map(|p| read_sensitivity(&p)).transpose()?.unwrap_or_default();
        let discovery =
            optional("discovery.csv").map(|p| read_discovery(&p, &info.parameters)).transpose()?.unwrap_or_default();
        Ok(SweepResults { info, outcomes, outputs, points, sensitivity, discovery })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn dates_parse_and_place_on_a_time_axis() {
        let d = Date::parse("2016-07-01").unwrap();
        assert_eq!(d.to_string(), "2016-07-01");
        assert_eq!(d.year_fraction(), 2016.5);
        assert!(Date::parse("2016-13-01").is_none() && Date::parse("soon").is_none());
    }

    #[test]
    fn series_are_placed_by_date_whatever_the_row_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "series.csv",
            "date,variable,subject,mean,p05,p50,p95\n\
             2014-04-01,state,threat,0.5,0.1,0.5,0.9\n\
             2014-01-01,state,threat,0.4,0,0.4,0.8\n\
             2014-01-01,trust,a.b,0.3,0.2,0.3,0.4\n",
        );
        let s = read_series(&p).unwrap();
        assert_eq!(s.dates, [Date::parse("2014-01-01").unwrap(), Date::parse("2014-04-01").unwrap()]);
        assert_eq!(s.get("state.threat").unwrap().mean, [0.4, 0.5]);
        let trust: Vec<_> = s.of("trust").collect();
        assert_eq!(trust.len(), 1);
        assert_eq!(trust[0].0, ["a", "b"]);
        assert!(trust[0].1.mean[1].is_nan());
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p =
            write(dir.path(), "series.csv", "date,variable,subject,mean,p05,p50,p95\n2014-01-01,state,x,lots,0,0,0\n");
        let e = read_series(&p).unwrap_err();
        assert!(matches!(e, ReadError::Invalid { .. }));
        assert!(e.to_string().contains("series.csv:2: `lots` in column `mean` is not a number"), "{e}");
        let p = write(dir.path(), "outcomes.csv", "outcome,label\n");
        assert!(read_outcomes(&p).unwrap_err().to_string().contains("outcomes.csv:1: no column `runs`"));
        let e = read_series(&dir.path().join("nothing.csv")).unwrap_err();
        assert!(e.to_string().contains("nothing.csv: no such file"), "{e}");
        let p = write(dir.path(), "manifest.json", "{\"runs\": \"many\"}");
        assert!(read_manifest(&p).unwrap_err().to_string().contains("manifest.json:1: not a heartland manifest"));
    }

    #[test]
    fn sweep_files_read_back() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "manifest.json",
            r#"{"sweep": "S", "design": "grid", "parameters": ["a.x", "b.y"], "points": 2, "runs": 20}"#,
        );
        write(
            dir.path(),
            "points.csv",
            "point,a.x,b.y,outcome.o.probability,outcome.o.ci_low,outcome.o.ci_high,output.state.t.mean\n\
             0,1,2,0.5,0.3,0.7,0.25\n1,3,4,0.1,0,0.2,0.5\n",
        );
        write(
            dir.path(),
            "discovery.csv",
            "box,chosen,coverage,density,mass,a.x.low,a.x.high,b.y.low,b.y.high\n0,false,1,0.3,1,1,3,2,4\n1,true,0.8,0.6,0.5,1,2,2,4\n",
        );
        assert!(is_sweep(dir.path()));
        let r = SweepResults::load(dir.path()).unwrap();
        assert_eq!(
            (r.outcomes.as_slice(), r.outputs.as_slice()),
            (&["o".to_string()][..], &["state.t".to_string()][..])
        );
        assert_eq!(r.points[1], Point { params: vec![3.0, 4.0], outcomes: vec![(0.1, 0.0, 0.2)], outputs: vec![0.5] });
        assert!(r.sensitivity.is_empty());
        assert_eq!(r.discovery[1].bounds, [(1.0, 2.0), (2.0, 4.0)]);
        assert!(r.discovery[1].chosen);
        write(dir.path(), "sensitivity.csv", "output,parameter,statistic,value,low,high\noutcome.o,a.x,ST,0.5,,\n");
        let r = SweepResults::load(dir.path()).unwrap();
        assert_eq!(r.sensitivity[0].low, None);
        write(dir.path(), "points.csv", "point,a.x\n");
        let e = SweepResults::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("points.csv:1: no column `b.y`"), "{e}");
    }

    #[test]
    fn first_dates_become_cumulative_shares() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "runs.csv",
            "run,outcomes.x,outcome.a,outcome.b,decisions\n0,1,2015-01-01,,9\n1,2,2014-01-01,,9\n2,3,,,9\n3,4,2015-01-01,,9\n",
        );
        let row = |id: &str| OutcomeRow {
            outcome: id.into(),
            label: id.into(),
            runs: 4,
            reached: 0,
            probability: 0.0,
            ci_low: 0.0,
            ci_high: 0.0,
            median_first_date: String::new(),
        };
        let r = read_reached(&p, &[row("a"), row("b")]).unwrap();
        assert_eq!(r.runs, 4);
        let dates: Vec<Date> =
            ["2013-01-01", "2014-01-01", "2014-07-01", "2016-01-01"].iter().map(|s| Date::parse(s).unwrap()).collect();
        assert_eq!(r.cumulative(0, &dates), [0.0, 0.25, 0.25, 0.75]);
        assert_eq!(r.cumulative(1, &dates), [0.0; 4]);
        let e = read_reached(&p, &[row("c")]).unwrap_err();
        assert!(e.to_string().contains("runs.csv:1: no column `outcome.c`"), "{e}");
    }
}
