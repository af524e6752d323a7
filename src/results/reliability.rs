//! `reliability.csv`: the model's reliability diagram, per split.
//!
//! Columns ([`COLUMNS`]): `split` (`train`, `test`, `all`), `bin` (0–10), `low`, `high` (the
//! bin's forecasts lie in [low, high), the last bin closed: [0, 0.05), [0.05, 0.15), …,
//! [0.95, 1]), `n` (facts whose forecast falls in the bin), `mean_forecast` and
//! `observed_frequency` (share of them that held; both empty for an empty bin). A reliable
//! forecaster's points lie on the diagonal. One row per split and bin.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, invalid, open_csv, optional_probability, probability};
use crate::analysis::hindcast::BinRow;

/// The columns of `reliability.csv`, in order.
pub const COLUMNS: [&str; 7] = ["split", "bin", "low", "high", "n", "mean_forecast", "observed_frequency"];

/// Writes `reliability.csv`.
pub fn write_reliability(rows: &[BinRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
    for r in rows {
        csv.write_record([
            r.split.clone(),
            r.bin.to_string(),
            num(r.low),
            num(r.high),
            r.n.to_string(),
            opt(r.mean_forecast),
            opt(r.observed_frequency),
        ])
        .map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `reliability.csv`.
pub fn read_reliability(path: &Path) -> Result<Vec<BinRow>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let count = |i: usize| {
            field(i).trim().parse::<usize>().map_err(|_| {
                invalid(path, Some(line), format!("`{}` in column `{}` is not a count", field(i), COLUMNS[i]))
            })
        };
        rows.push(BinRow {
            split: field(0).to_string(),
            bin: count(1)?,
            low: probability(path, line, COLUMNS[2], field(2))?,
            high: probability(path, line, COLUMNS[3], field(3))?,
            n: count(4)?,
            mean_forecast: optional_probability(path, line, COLUMNS[5], field(5))?,
            observed_frequency: optional_probability(path, line, COLUMNS[6], field(6))?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny_assessment, written};

    #[test]
    fn written_bins_read_back() {
        let a = tiny_assessment();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("reliability.csv");
        write_reliability(&a.reliability, &p).unwrap();
        let expected: Vec<BinRow> = a
            .reliability
            .iter()
            .map(|r| BinRow {
                low: written(r.low),
                high: written(r.high),
                mean_forecast: r.mean_forecast.map(written),
                observed_frequency: r.observed_frequency.map(written),
                ..r.clone()
            })
            .collect();
        assert_eq!(read_reliability(&p).unwrap(), expected);
        assert!(expected.iter().any(|r| r.n == 0) && expected.iter().any(|r| r.n > 0));
    }
}
