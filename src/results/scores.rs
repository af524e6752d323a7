//! `scores.csv`: each forecaster's scores on each split of the facts.
//!
//! Columns ([`COLUMNS`]): `split` (`train`, `test`, or `all` for both), `forecaster`
//! (`model`, `always_0.5`, `base_rate`, `status_quo`), `n` (facts scored), `brier` (mean
//! Brier score), `log_score` (mean log score, natural log, forecasts clipped to [0.01, 0.99]),
//! and the Murphy decomposition with its within-bin terms on 11 bins of width 0.1 centred on
//! 0, 0.1, …, 1: `reliability`, `resolution`, `uncertainty`, `wbv`, `wbc`, with
//! brier = reliability − resolution + uncertainty + wbv − wbc. Scores are empty for a split
//! without facts. One row per split and forecaster.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, invalid, open_csv, optional_number};
use crate::analysis::hindcast::{ScoreRow, Scores};

/// The columns of `scores.csv`, in order.
pub const COLUMNS: [&str; 10] =
    ["split", "forecaster", "n", "brier", "log_score", "reliability", "resolution", "uncertainty", "wbv", "wbc"];

/// The seven score cells of a row (Brier, log score, reliability, resolution, uncertainty,
/// WBV, WBC), empty when the split has no facts: shared by `scores.csv` and `comparison.csv`.
pub(super) fn score_cells(scores: Option<&Scores>) -> [String; 7] {
    match scores {
        Some(s) => [s.brier, s.log_score, s.reliability, s.resolution, s.uncertainty, s.wbv, s.wbc].map(num),
        None => Default::default(),
    }
}

/// Reads the seven score cells written by [`score_cells`]: `names` are their columns, `field(i)`
/// the i-th cell; all seven numbers or none.
pub(super) fn read_score_cells<'a>(
    path: &Path,
    line: u64,
    n: usize,
    names: &[&str],
    field: impl Fn(usize) -> &'a str,
) -> Result<Option<Scores>, ReadError> {
    let v: Vec<Option<f64>> =
        (0..7).map(|i| optional_number(path, line, names[i], field(i))).collect::<Result<_, _>>()?;
    Ok(match v[..] {
        [
            Some(brier),
            Some(log_score),
            Some(reliability),
            Some(resolution),
            Some(uncertainty),
            Some(wbv),
            Some(wbc),
        ] => Some(Scores { n, brier, log_score, reliability, resolution, uncertainty, wbv, wbc }),
        _ => None,
    })
}

/// Writes `scores.csv`.
pub fn write_scores(rows: &[ScoreRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    for r in rows {
        let mut row = vec![r.split.clone(), r.forecaster.clone(), r.n.to_string()];
        row.extend(score_cells(r.scores.as_ref()));
        csv.write_record(&row).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `scores.csv`.
pub fn read_scores(path: &Path) -> Result<Vec<ScoreRow>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let n = field(2)
            .trim()
            .parse::<usize>()
            .map_err(|_| invalid(path, Some(line), format!("`{}` in column `n` is not a count", field(2))))?;
        let scores = read_score_cells(path, line, n, &COLUMNS[3..10], |i| field(3 + i))?;
        rows.push(ScoreRow { split: field(0).to_string(), forecaster: field(1).to_string(), n, scores });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny_assessment, written};

    #[test]
    fn written_scores_read_back() {
        let a = tiny_assessment();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("scores.csv");
        write_scores(&a.scores, &p).unwrap();
        let expected: Vec<ScoreRow> = a
            .scores
            .iter()
            .map(|r| ScoreRow {
                scores: r.scores.map(|s| Scores {
                    brier: written(s.brier),
                    log_score: written(s.log_score),
                    reliability: written(s.reliability),
                    resolution: written(s.resolution),
                    uncertainty: written(s.uncertainty),
                    wbv: written(s.wbv),
                    wbc: written(s.wbc),
                    ..s
                }),
                ..r.clone()
            })
            .collect();
        assert_eq!(read_scores(&p).unwrap(), expected);
        assert_eq!(expected.len(), 12);
    }
}
