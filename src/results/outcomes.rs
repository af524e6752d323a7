//! `outcomes.csv`: how often each outcome of the scenario was reached, and when.
//!
//! Columns ([`COLUMNS`]): `outcome` (its id), `label`, `runs` (the number of runs), `reached`
//! (runs that reached it), `probability` (`reached / runs`, in [0, 1]), `ci_low`, `ci_high`
//! (its 95% Wilson interval), `median_first_date` (ISO date by which half the runs that
//! reached it had first reached it; empty when none did). One row per outcome, in the
//! scenario's order.

use std::path::Path;

use serde::Serialize;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, date, num};
use super::error::{self, ReadError, columns, csv_error, invalid, open_csv, probability};
use crate::montecarlo::Summary;
use crate::montecarlo::aggregate::wilson;
use crate::scenario::Scenario;

/// The columns of `outcomes.csv`, in order.
pub const COLUMNS: [&str; 8] =
    ["outcome", "label", "runs", "reached", "probability", "ci_low", "ci_high", "median_first_date"];

/// One row of `outcomes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    /// The outcome's id.
    pub outcome: String,
    /// The outcome's display name.
    pub label: String,
    /// Runs played.
    pub runs: u64,
    /// Runs in which the outcome was reached.
    pub reached: u64,
    /// `reached / runs`, in [0, 1].
    pub probability: f64,
    /// Lower bound of the 95% Wilson interval of the probability.
    pub ci_low: f64,
    /// Upper bound of the 95% Wilson interval of the probability.
    pub ci_high: f64,
    /// ISO date; empty when never reached.
    pub median_first_date: String,
}

/// The rows of `outcomes.csv` from a Monte Carlo's summary, in the scenario's outcome order.
pub fn outcome_rows(sc: &Scenario, summary: &Summary) -> Vec<OutcomeRow> {
    let agg = &summary.outcomes;
    sc.outcomes
        .iter()
        .enumerate()
        .map(|(o, outcome)| {
            let (k, n) = (agg.reached(o), agg.runs());
            let (lo, hi) = wilson(k, n);
            OutcomeRow {
                outcome: outcome.id.clone(),
                label: outcome.label.clone(),
                runs: n,
                reached: k,
                probability: if n == 0 { 0.0 } else { k as f64 / n as f64 },
                ci_low: lo,
                ci_high: hi,
                median_first_date: date(sc, agg.median_turn(o)),
            }
        })
        .collect()
}

/// Writes `outcomes.csv`: each outcome's probability with its 95% Wilson interval and the
/// median date it was first reached.
pub fn write_outcomes(rows: &[OutcomeRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    for r in rows {
        csv.write_record([
            r.outcome.clone(),
            r.label.clone(),
            r.runs.to_string(),
            r.reached.to_string(),
            num(r.probability),
            num(r.ci_low),
            num(r.ci_high),
            r.median_first_date.clone(),
        ])
        .map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `outcomes.csv`.
pub fn read_outcomes(path: &Path) -> Result<Vec<OutcomeRow>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let count = |i: usize| {
            field(i).trim().parse::<u64>().map_err(|_| {
                invalid(path, Some(line), format!("`{}` in column `{}` is not a count", field(i), COLUMNS[i]))
            })
        };
        let median = field(7).trim();
        if !median.is_empty() {
            error::date(path, line, COLUMNS[7], median)?;
        }
        rows.push(OutcomeRow {
            outcome: field(0).to_string(),
            label: field(1).to_string(),
            runs: count(2)?,
            reached: count(3)?,
            probability: probability(path, line, COLUMNS[4], field(4))?,
            ci_low: probability(path, line, COLUMNS[5], field(5))?,
            ci_high: probability(path, line, COLUMNS[6], field(6))?,
            median_first_date: median.to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny, tiny_runs, written};

    #[test]
    fn written_outcomes_read_back() {
        let sc = tiny();
        let (_, summary) = tiny_runs(&sc);
        let rows = outcome_rows(&sc, &summary);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().any(|r| r.reached > 0), "the fixture reaches an outcome in 40 runs");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("outcomes.csv");
        write_outcomes(&rows, &p).unwrap();
        let expected: Vec<OutcomeRow> = rows
            .iter()
            .map(|r| OutcomeRow {
                probability: written(r.probability),
                ci_low: written(r.ci_low),
                ci_high: written(r.ci_high),
                ..r.clone()
            })
            .collect();
        assert_eq!(read_outcomes(&p).unwrap(), expected);
    }

    #[test]
    fn a_missing_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("outcomes.csv");
        std::fs::write(&p, "outcome,label\n").unwrap();
        assert!(read_outcomes(&p).unwrap_err().to_string().contains("outcomes.csv:1: no column `runs`"));
        std::fs::write(
            &p,
            "outcome,label,runs,reached,probability,ci_low,ci_high,median_first_date\nx,X,ten,0,0,0,0,\n",
        )
        .unwrap();
        let e = read_outcomes(&p).unwrap_err();
        assert!(e.to_string().contains("outcomes.csv:2: `ten` in column `runs` is not a count"), "{e}");
    }
}
