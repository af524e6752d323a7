//! `design.csv` and `posterior.csv`: a calibration's design points with their fit to the
//! train facts, and the points it kept.
//!
//! Columns of `design.csv` ([`DESIGN_COLUMNS`], then one per calibrated parameter): `point`
//! (its index in the design), `kept` (`true` if it is in the posterior), `train_brier` and
//! `train_log_score` (mean scores of its forecasts of the train facts), then each parameter's
//! value, the column named by the parameter's path. One row per point, in design order.
//! `posterior.csv` has the same columns without `kept`, one row per kept point, best first.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, csv_error, invalid, number, open_csv};
use crate::analysis::hindcast::calibrate::DesignPoint;

/// The first columns of `design.csv`; the parameters' paths follow.
pub const DESIGN_COLUMNS: [&str; 4] = ["point", "kept", "train_brier", "train_log_score"];

/// Writes `design.csv`: every point, `kept` marking those at the indices `kept`.
pub fn write_design(paths: &[String], points: &[DesignPoint], kept: &[usize], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    let mut header: Vec<String> = DESIGN_COLUMNS.iter().map(|s| s.to_string()).collect();
    header.extend(paths.iter().cloned());
    csv.write_record(&header).map_err(&err)?;
    let mut is_kept = vec![false; points.len()];
    for &i in kept {
        is_kept[i] = true;
    }
    for (p, k) in points.iter().zip(is_kept) {
        let mut row = vec![p.point.to_string(), k.to_string(), num(p.brier), num(p.log_score)];
        row.extend(p.values.iter().map(|x| num(*x)));
        csv.write_record(&row).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Writes `posterior.csv`: the kept points, in the order given (best first).
pub fn write_posterior(paths: &[String], kept: &[&DesignPoint], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    let mut header = vec!["point".to_string(), "train_brier".into(), "train_log_score".into()];
    header.extend(paths.iter().cloned());
    csv.write_record(&header).map_err(&err)?;
    for p in kept {
        let mut row = vec![p.point.to_string(), num(p.brier), num(p.log_score)];
        row.extend(p.values.iter().map(|x| num(*x)));
        csv.write_record(&row).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// `design.csv` read back.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignTable {
    /// The calibrated parameters' paths.
    pub paths: Vec<String>,
    /// The design points in design order, each with its values and train scores.
    pub points: Vec<DesignPoint>,
    /// Per point: whether it is in the posterior.
    pub kept: Vec<bool>,
}

/// Reads `design.csv`.
pub fn read_design(path: &Path) -> Result<DesignTable, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    if header.len() < DESIGN_COLUMNS.len() || header.iter().zip(DESIGN_COLUMNS).any(|(h, c)| h != c) {
        return Err(invalid(path, Some(1), format!("the header does not start with {}", DESIGN_COLUMNS.join(","))));
    }
    let paths: Vec<String> = header.iter().skip(DESIGN_COLUMNS.len()).map(str::to_string).collect();
    let mut table = DesignTable { paths, points: Vec::new(), kept: Vec::new() };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("");
        let point = field(0)
            .trim()
            .parse::<usize>()
            .map_err(|_| invalid(path, Some(line), format!("`{}` in column `point` is not an index", field(0))))?;
        let kept = match field(1).trim() {
            "true" => true,
            "false" => false,
            other => return Err(invalid(path, Some(line), format!("`{other}` in column `kept` is not true or false"))),
        };
        let values = (0..table.paths.len())
            .map(|i| number(path, line, &table.paths[i], field(DESIGN_COLUMNS.len() + i)))
            .collect::<Result<Vec<f64>, _>>()?;
        let brier = number(path, line, DESIGN_COLUMNS[2], field(2))?;
        let log_score = number(path, line, DESIGN_COLUMNS[3], field(3))?;
        table.points.push(DesignPoint { point, values, brier, log_score });
        table.kept.push(kept);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_design_reads_back_and_the_posterior_is_its_kept_rows() {
        let paths = vec!["a.x".to_string(), "b.y".to_string()];
        let points: Vec<DesignPoint> = (0..4)
            .map(|p| DesignPoint {
                point: p,
                values: vec![p as f64 * 0.25, 1.0 - p as f64 * 0.1],
                brier: 0.1 * p as f64,
                log_score: 0.5,
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        write_design(&paths, &points, &[2, 0], &dir.path().join("design.csv")).unwrap();
        let table = read_design(&dir.path().join("design.csv")).unwrap();
        assert_eq!(table.paths, paths);
        assert_eq!(table.kept, [true, false, true, false]);
        let back = table.points;
        let expected: Vec<DesignPoint> = points
            .iter()
            .map(|p| DesignPoint { brier: crate::results::fixtures::written(p.brier), ..p.clone() })
            .collect();
        assert_eq!(back, expected);
        write_posterior(&paths, &[&points[2], &points[0]], &dir.path().join("posterior.csv")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("posterior.csv")).unwrap();
        assert_eq!(text, "point,train_brier,train_log_score,a.x,b.y\n2,0.2,0.5,0.5,0.8\n0,0,0.5,0,1\n");
    }
}
