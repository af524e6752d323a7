//! `points.csv`: a sweep's design points, one row each.
//!
//! Columns: `point` (its index in design order), then one per swept parameter (its path; the
//! point's value), then per recorded outcome `outcome.ID.probability`, `outcome.ID.ci_low`,
//! `outcome.ID.ci_high` (the share of the point's replications that reached it, in [0, 1],
//! with its 95% Wilson interval), then per output `output.PATH.mean` (its final value averaged
//! over the replications, in the metric's units).

use std::path::{Path, PathBuf};

use super::atomic::{AtomicFile, OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, number, open_csv};
use crate::analysis::sweep::{PointResult, Sweep};
use crate::montecarlo::aggregate::wilson;

/// The point's index column.
pub const POINT: &str = "point";
/// The statistics written per outcome, in order.
pub const OUTCOME_STATISTICS: [&str; 3] = ["probability", "ci_low", "ci_high"];
const OUTCOME_PREFIX: &str = "outcome.";
const OUTPUT_PREFIX: &str = "output.";
const OUTPUT_SUFFIX: &str = ".mean";

/// The column of `statistic` (one of [`OUTCOME_STATISTICS`]) of outcome `id`.
pub fn outcome_column(id: &str, statistic: &str) -> String {
    format!("{OUTCOME_PREFIX}{id}.{statistic}")
}

/// The column of output `path`'s mean.
pub fn output_column(path: &str) -> String {
    format!("{OUTPUT_PREFIX}{path}{OUTPUT_SUFFIX}")
}

/// Streams `points.csv`: one row per design point, with the swept values, each outcome's
/// probability and 95% interval, and each output's mean.
pub struct PointsWriter<'s> {
    sweep: &'s Sweep,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl<'s> PointsWriter<'s> {
    /// Creates `points.csv` under a temporary name and writes its header.
    pub fn create(sweep: &'s Sweep, path: &Path) -> Result<PointsWriter<'s>, OutputError> {
        let mut csv = create_csv(path)?;
        let mut header = vec![POINT.to_string()];
        header.extend(sweep.params.iter().map(|p| p.path.clone()));
        for &o in &sweep.outcomes {
            let id = &sweep.scenario.outcomes[o].id;
            header.extend(OUTCOME_STATISTICS.iter().map(|s| outcome_column(id, s)));
        }
        header.extend(sweep.outputs.iter().map(|m| output_column(&sweep.scenario.metric_path(m))));
        csv.write_record(&header).map_err(csv_err(path))?;
        Ok(PointsWriter { sweep, path: path.to_path_buf(), csv })
    }

    /// Writes one row per point, in the order given (design order).
    pub fn write(&mut self, points: &[PointResult]) -> Result<(), OutputError> {
        let n = self.sweep.replications;
        for p in points {
            let mut row = vec![p.point.to_string()];
            row.extend(p.values.iter().map(|x| num(*x)));
            for &k in &p.reached {
                let (lo, hi) = wilson(k, n);
                row.extend([num(k as f64 / n as f64), num(lo), num(hi)]);
            }
            row.extend(p.outputs.iter().map(|x| num(*x)));
            self.csv.write_record(&row).map_err(csv_err(&self.path))?;
        }
        Ok(())
    }

    /// Flushes the file and renames it into place.
    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
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

/// What `points.csv` holds: outcome ids, output paths, and the points.
pub type PointsTable = (Vec<String>, Vec<String>, Vec<Point>);

/// Reads `points.csv` given the swept parameters' paths.
pub fn read_points(path: &Path, params: &[String]) -> Result<PointsTable, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let param_at = columns(path, &header, params)?;
    let probability = format!(".{}", OUTCOME_STATISTICS[0]);
    let outcomes: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix(OUTCOME_PREFIX).and_then(|h| h.strip_suffix(&probability)).map(str::to_string))
        .collect();
    let outputs: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix(OUTPUT_PREFIX).and_then(|h| h.strip_suffix(OUTPUT_SUFFIX)).map(str::to_string))
        .collect();
    let names: Vec<String> = outcomes
        .iter()
        .flat_map(|o| OUTCOME_STATISTICS.map(|k| outcome_column(o, k)))
        .chain(outputs.iter().map(|o| output_column(o)))
        .collect();
    let at = columns(path, &header, &names)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny_sweep, written};

    #[test]
    fn written_points_read_back() {
        let (sw, points) = tiny_sweep();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("points.csv");
        let mut w = PointsWriter::create(&sw, &p).unwrap();
        w.write(&points[..2]).unwrap();
        w.write(&points[2..]).unwrap();
        w.finish().unwrap();
        let params: Vec<String> = sw.params.iter().map(|p| p.path.clone()).collect();
        let (outcomes, outputs, read) = read_points(&p, &params).unwrap();
        let ids: Vec<String> = sw.outcomes.iter().map(|&o| sw.scenario.outcomes[o].id.clone()).collect();
        let paths: Vec<String> = sw.outputs.iter().map(|m| sw.scenario.metric_path(m)).collect();
        assert_eq!((outcomes, outputs), (ids, paths));
        assert_eq!(read.len(), sw.points);
        let n = sw.replications;
        for (r, p) in read.iter().zip(&points) {
            assert_eq!(r.params, p.values.iter().map(|x| written(*x)).collect::<Vec<_>>());
            let expected: Vec<(f64, f64, f64)> = p
                .reached
                .iter()
                .map(|&k| {
                    let (lo, hi) = wilson(k, n);
                    (written(k as f64 / n as f64), written(lo), written(hi))
                })
                .collect();
            assert_eq!(r.outcomes, expected);
            assert_eq!(r.outputs, p.outputs.iter().map(|x| written(*x)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_missing_parameter_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("points.csv");
        std::fs::write(&p, "point,a.x,outcome.o.probability,outcome.o.ci_low\n0,1,0.5,0.2\n").unwrap();
        let e = read_points(&p, &["a.x".into(), "b.y".into()]).unwrap_err();
        assert!(e.to_string().contains("points.csv:1: no column `b.y`"), "{e}");
        let e = read_points(&p, &["a.x".into()]).unwrap_err();
        assert!(e.to_string().contains("points.csv:1: no column `outcome.o.ci_high`"), "{e}");
    }
}
