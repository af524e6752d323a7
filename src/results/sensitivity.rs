//! `sensitivity.csv`: how much each swept parameter drives each output (Sobol and Morris
//! designs only).
//!
//! Columns ([`COLUMNS`]): `output` (`outcome.ID`, its probability per point, or `output.PATH`,
//! its mean per point), `parameter` (the swept path), `statistic` (`S1`, `ST` for Sobol
//! indices, shares of variance; `mu`, `mu_star`, `sigma` for Morris elementary effects, in the
//! output's units per unit of the parameter's range), `value`, and `low`, `high` (its 95%
//! bootstrap interval; empty where there is none).

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, number, open_csv, optional_number};
use crate::analysis::sweep::SensitivityRow;

/// The columns of `sensitivity.csv`, in order.
pub const COLUMNS: [&str; 6] = ["output", "parameter", "statistic", "value", "low", "high"];

/// Writes `sensitivity.csv`: `output, parameter, statistic, value, low, high`.
pub fn write_sensitivity(rows: &[SensitivityRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    for r in rows {
        let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
        csv.write_record([
            r.output.clone(),
            r.parameter.clone(),
            r.statistic.to_string(),
            num(r.value),
            opt(r.low),
            opt(r.high),
        ])
        .map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// `outcome.ID` or `output.PATH`.
    pub output: String,
    /// The swept parameter's path.
    pub parameter: String,
    /// `S1`, `ST`, `mu_star`…
    pub statistic: String,
    /// The statistic's estimate.
    pub value: f64,
    /// Lower bound of its bootstrap interval, when the analysis gives one.
    pub low: Option<f64>,
    /// Upper bound of its bootstrap interval, when the analysis gives one.
    pub high: Option<f64>,
}

/// Reads `sensitivity.csv`.
pub fn read_sensitivity(path: &Path) -> Result<Vec<Sensitivity>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        rows.push(Sensitivity {
            output: field(0).to_string(),
            parameter: field(1).to_string(),
            statistic: field(2).to_string(),
            value: number(path, line, COLUMNS[3], field(3))?,
            low: optional_number(path, line, COLUMNS[4], field(4))?,
            high: optional_number(path, line, COLUMNS[5], field(5))?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_sensitivity_reads_back() {
        let row = |output: &str, statistic: &'static str, value: f64, ci: Option<(f64, f64)>| SensitivityRow {
            output: output.into(),
            parameter: "actors.russia.behaviour.pressure".into(),
            statistic,
            value,
            low: ci.map(|c| c.0),
            high: ci.map(|c| c.1),
        };
        let rows = [
            row("outcome.transit_deal", "S1", 0.1 + 0.2, Some((-0.05, 0.6))),
            row("output.state.threat", "mu_star", 1.0 / 3.0, None),
        ];
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sensitivity.csv");
        write_sensitivity(&rows, &p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.ends_with(",mu_star,0.333333333,,\n"), "{text}");
        let read = read_sensitivity(&p).unwrap();
        let expected = [
            Sensitivity {
                output: "outcome.transit_deal".into(),
                parameter: "actors.russia.behaviour.pressure".into(),
                statistic: "S1".into(),
                value: 0.3,
                low: Some(-0.05),
                high: Some(0.6),
            },
            Sensitivity {
                output: "output.state.threat".into(),
                parameter: "actors.russia.behaviour.pressure".into(),
                statistic: "mu_star".into(),
                value: 0.333333333,
                low: None,
                high: None,
            },
        ];
        assert_eq!(read, expected);
    }

    #[test]
    fn a_bad_interval_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sensitivity.csv");
        std::fs::write(&p, "output,parameter,statistic,value,low,high\noutcome.o,a.x,ST,0.5,,\no,a,S1,0.1,low,\n")
            .unwrap();
        let e = read_sensitivity(&p).unwrap_err();
        assert!(e.to_string().contains("sensitivity.csv:3: `low` in column `low` is not a number"), "{e}");
    }
}
