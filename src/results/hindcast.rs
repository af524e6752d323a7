//! `hindcast.csv`: each fact of an observation file with the model's forecast of it, its
//! scores and the references' forecasts.
//!
//! Columns ([`COLUMNS`]): `id`, `claim`, `quantity`, `mode`, `from`, `to` (as in the
//! observation file), `split` (`train`, `test`, or `forcing` for a fact about a forcing event,
//! which is never scored), `observed` (0 or 1), `probability` (share of runs in which the fact
//! held, in [0, 1]), `ci_low`, `ci_high` (its 95% Wilson interval), `brier`, `log_score` (the
//! model's scores on the fact; the log score on the forecast clipped to [0.01, 0.99]; empty
//! for a forcing fact), `status_quo` (1 if the condition holds at the start, else 0) and
//! `base_rate` (the share of the other facts of the split that held; empty for a forcing
//! fact). One row per fact, in file order.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, invalid, number, open_csv, optional_number, probability};
use crate::analysis::hindcast::FactRow;

/// The columns of `hindcast.csv`, in order.
pub const COLUMNS: [&str; 15] = [
    "id",
    "claim",
    "quantity",
    "mode",
    "from",
    "to",
    "split",
    "observed",
    "probability",
    "ci_low",
    "ci_high",
    "brier",
    "log_score",
    "status_quo",
    "base_rate",
];

/// Writes `hindcast.csv`.
pub fn write_hindcast(rows: &[FactRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
    for r in rows {
        csv.write_record([
            r.id.clone(),
            r.claim.clone(),
            r.quantity.clone(),
            r.mode.clone(),
            r.from.clone(),
            r.to.clone(),
            r.split.clone(),
            u8::from(r.observed).to_string(),
            num(r.probability),
            num(r.ci_low),
            num(r.ci_high),
            opt(r.brier),
            opt(r.log_score),
            num(r.status_quo),
            opt(r.base_rate),
        ])
        .map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// Reads `hindcast.csv`.
pub fn read_hindcast(path: &Path) -> Result<Vec<FactRow>, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let observed = match field(7).trim() {
            "0" => false,
            "1" => true,
            other => return Err(invalid(path, Some(line), format!("`{other}` in column `observed` is not 0 or 1"))),
        };
        rows.push(FactRow {
            id: field(0).to_string(),
            claim: field(1).to_string(),
            quantity: field(2).to_string(),
            mode: field(3).to_string(),
            from: field(4).to_string(),
            to: field(5).to_string(),
            split: field(6).to_string(),
            observed,
            probability: probability(path, line, COLUMNS[8], field(8))?,
            ci_low: probability(path, line, COLUMNS[9], field(9))?,
            ci_high: probability(path, line, COLUMNS[10], field(10))?,
            brier: optional_number(path, line, COLUMNS[11], field(11))?,
            log_score: optional_number(path, line, COLUMNS[12], field(12))?,
            status_quo: number(path, line, COLUMNS[13], field(13))?,
            base_rate: optional_number(path, line, COLUMNS[14], field(14))?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny_assessment, written};

    #[test]
    fn written_facts_read_back() {
        let a = tiny_assessment();
        assert!(a.facts.iter().any(|f| f.brier.is_none()), "the fixture has a forcing fact");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hindcast.csv");
        write_hindcast(&a.facts, &p).unwrap();
        let w = |x: Option<f64>| x.map(written);
        let expected: Vec<FactRow> = a
            .facts
            .iter()
            .map(|r| FactRow {
                probability: written(r.probability),
                ci_low: written(r.ci_low),
                ci_high: written(r.ci_high),
                brier: w(r.brier),
                log_score: w(r.log_score),
                base_rate: w(r.base_rate),
                ..r.clone()
            })
            .collect();
        assert_eq!(read_hindcast(&p).unwrap(), expected);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replacen(",train,1,", ",train,yes,", 1)).unwrap();
        let e = read_hindcast(&p).unwrap_err().to_string();
        assert!(e.contains("hindcast.csv:2: `yes` in column `observed` is not 0 or 1"), "{e}");
    }
}
