//! `comparison.csv` of a calibration: its prior and posterior scenarios scored side by side
//! (a variant's run writes another `comparison.csv`, [`super::comparison`]: the two never share
//! a folder).
//!
//! Columns ([`COLUMNS`]): `split` (`train`, `test`, `all`), `forecaster` (`model`,
//! `always_0.5`, `base_rate`, `status_quo`), `scenario` (`prior`: the scenario as given;
//! `posterior`: the calibrated one), then the columns of `scores.csv` from `n` on. The test
//! rows of the posterior are the honest measure of the fit: those facts never entered it.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err};
use super::error::{ReadError, columns, csv_error, invalid, open_csv};
use crate::analysis::hindcast::ScoreRow;

/// The columns of `comparison.csv`, in order.
pub const COLUMNS: [&str; 11] = [
    "split",
    "forecaster",
    "scenario",
    "n",
    "brier",
    "log_score",
    "reliability",
    "resolution",
    "uncertainty",
    "wbv",
    "wbc",
];

/// One row: a forecaster's scores on a split under the prior or the posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorPosteriorRow {
    /// `prior` or `posterior`.
    pub scenario: String,
    /// The forecaster's scores on the split.
    pub scores: ScoreRow,
}

/// The rows of `comparison.csv` from the two assessments' scores: per split and forecaster,
/// prior then posterior.
pub fn prior_posterior_rows(prior: &[ScoreRow], posterior: &[ScoreRow]) -> Vec<PriorPosteriorRow> {
    prior
        .iter()
        .zip(posterior)
        .flat_map(|(a, b)| {
            [
                PriorPosteriorRow { scenario: "prior".into(), scores: a.clone() },
                PriorPosteriorRow { scenario: "posterior".into(), scores: b.clone() },
            ]
        })
        .collect()
}

/// Writes `comparison.csv`.
pub fn write_prior_posterior(rows: &[PriorPosteriorRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    for r in rows {
        let s = &r.scores;
        let mut row = vec![s.split.clone(), s.forecaster.clone(), r.scenario.clone(), s.n.to_string()];
        row.extend(super::scores::score_cells(s.scores.as_ref()));
        csv.write_record(&row).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `comparison.csv`.
pub fn read_prior_posterior(path: &Path) -> Result<Vec<PriorPosteriorRow>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let n = field(3)
            .trim()
            .parse::<usize>()
            .map_err(|_| invalid(path, Some(line), format!("`{}` in column `n` is not a count", field(3))))?;
        let scores = super::scores::read_score_cells(path, line, n, &COLUMNS[4..11], |i| field(4 + i))?;
        rows.push(PriorPosteriorRow {
            scenario: field(2).to_string(),
            scores: ScoreRow { split: field(0).to_string(), forecaster: field(1).to_string(), n, scores },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::tiny_assessment;

    #[test]
    fn a_written_prior_posterior_comparison_reads_back() {
        let a = tiny_assessment();
        let rows = prior_posterior_rows(&a.scores, &a.scores);
        assert_eq!(rows.len(), 24);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("comparison.csv");
        write_prior_posterior(&rows, &p).unwrap();
        let back = read_prior_posterior(&p).unwrap();
        assert_eq!(back.len(), 24);
        assert_eq!((back[1].scenario.as_str(), back[1].scores.split.as_str()), ("posterior", "train"));
        let (x, y) = (back[0].scores.scores.unwrap(), rows[0].scores.scores.unwrap());
        assert!((x.brier - y.brier).abs() < 1e-9 && x.n == y.n);
    }
}
