//! `comparison.csv`: a variant against its base, outcome by outcome, on common random numbers.
//!
//! Written by `heartland compare … --out DIR` and by `heartland run` of a scenario that
//! `extends` another; read back by the report. One row per outcome, the largest changes
//! first: `outcome, label, base, variant, change, ci_low, ci_high, clear`, where `change` is
//! `variant − base` with its paired 95% interval and `clear` says whether that interval
//! excludes 0. A cell is empty where one of the two scenarios does not define the outcome.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, invalid, open_csv, optional_number};
use crate::analysis::compare::OutcomeDiff;

/// The columns of `comparison.csv`.
pub const COLUMNS: [&str; 8] = ["outcome", "label", "base", "variant", "change", "ci_low", "ci_high", "clear"];

/// What the manifest of a variant's run says about its comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComparisonInfo {
    /// The base scenario's file, as the variant names it.
    pub base_file: String,
    /// The base scenario's name.
    pub base_name: String,
    /// Paired runs of each scenario.
    pub runs: u64,
    /// The master seed of both scenarios' runs.
    pub seed: u64,
}

/// Writes `comparison.csv` atomically, rows in the order given.
pub fn write_comparison(rows: &[OutcomeDiff], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
    for r in rows {
        let d = r.difference;
        csv.write_record([
            r.outcome.clone(),
            r.label.clone(),
            opt(r.base),
            opt(r.variant),
            opt(d.map(|d| d.0)),
            opt(d.map(|d| d.1)),
            opt(d.map(|d| d.2)),
            if d.is_some() { r.is_clear().to_string() } else { String::new() },
        ])
        .map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `comparison.csv`.
pub fn read_comparison(path: &Path) -> Result<Vec<OutcomeDiff>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let value = |i: usize| optional_number(path, line, COLUMNS[i], field(i));
        let difference = match (value(4)?, value(5)?, value(6)?) {
            (Some(d), Some(lo), Some(hi)) => Some((d, lo, hi)),
            (None, None, None) => None,
            _ => {
                return Err(invalid(path, Some(line), "`change`, `ci_low` and `ci_high` must be all set or all empty"));
            }
        };
        rows.push(OutcomeDiff {
            outcome: field(0).to_string(),
            label: field(1).to_string(),
            base: value(2)?,
            variant: value(3)?,
            difference,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_with_empty_cells_for_undefined_outcomes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("comparison.csv");
        let rows = vec![
            OutcomeDiff {
                outcome: "rift".into(),
                label: "Russia–China rift, \"deep\"".into(),
                base: Some(0.1),
                variant: Some(0.5),
                difference: Some((0.4, 0.35, 0.45)),
            },
            OutcomeDiff {
                outcome: "same".into(),
                label: "Same".into(),
                base: Some(0.2),
                variant: Some(0.2),
                difference: Some((0.0, -0.01, 0.01)),
            },
            OutcomeDiff {
                outcome: "new".into(),
                label: "New".into(),
                base: None,
                variant: Some(0.3),
                difference: None,
            },
        ];
        write_comparison(&rows, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "outcome,label,base,variant,change,ci_low,ci_high,clear");
        assert_eq!(lines[1], "rift,\"Russia–China rift, \"\"deep\"\"\",0.1,0.5,0.4,0.35,0.45,true");
        assert_eq!(lines[2], "same,Same,0.2,0.2,0,-0.01,0.01,false");
        assert_eq!(lines[3], "new,New,,0.3,,,,");
        assert_eq!(read_comparison(&path).unwrap(), rows);
        std::fs::write(&path, "outcome,label,base,variant,change,ci_low,ci_high,clear\nx,X,0.1,0.2,0.1,,,\n").unwrap();
        let e = read_comparison(&path).unwrap_err().to_string();
        assert!(e.contains("comparison.csv:2:") && e.contains("all set or all empty"), "{e}");
    }
}
