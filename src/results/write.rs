//! The result files: `runs.csv`, `series.csv`, `outcomes.csv` and `manifest.json`.
//!
//! Every file is written under a temporary name in its final directory and renamed into place
//! once complete, so an interrupted run leaves the previous file or none, never half of one.
//! Tables are tidy (one observation per row) and read by pandas, polars and R without
//! options: a header row, comma-separated, ISO dates, empty cells for "never".

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::montecarlo::aggregate::wilson;
use crate::montecarlo::{RunRecord, Summary, final_metrics};
use crate::scenario::Scenario;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
}

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place,
/// dropping it uncommitted deletes it.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile, OutputError> {
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|source| OutputError::Io { path: tmp.clone(), source })?;
        Ok(AtomicFile { tmp, dest: dest.to_path_buf(), file: Some(BufWriter::new(file)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("present until commit")
    }

    pub fn commit(mut self) -> Result<(), OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let file = self.file.take().expect("committed once");
        let file = file.into_inner().map_err(|e| OutputError::Io { path: self.tmp.clone(), source: e.into_error() })?;
        file.sync_all().map_err(io(&self.tmp))?;
        std::fs::rename(&self.tmp, &self.dest).map_err(io(&self.dest))?;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Flushes a CSV writer and renames its file into place.
pub(super) fn commit_csv(csv: csv::Writer<AtomicFile>, path: &Path) -> Result<(), OutputError> {
    let file = csv.into_inner().map_err(|e| OutputError::Io { path: path.to_path_buf(), source: e.into_error() })?;
    file.commit()
}

pub(super) fn csv_err(path: &Path) -> impl Fn(csv::Error) -> OutputError + '_ {
    move |source| OutputError::Csv { path: path.to_path_buf(), source }
}

/// Shortest decimal form after rounding to 9 places (hides binary noise such as
/// `0.35000000000000003`; far below Monte Carlo error).
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { "0".into() } else { r.to_string() }
}

fn date(sc: &Scenario, turn: Option<usize>) -> String {
    turn.map(|t| sc.calendar.period(t).iso_date()).unwrap_or_default()
}

/// Deletes temporary files that an interrupted run (killed before it could rename them)
/// left in `dir`: hidden files named `.<file>.<pid>.tmp`. Returns how many it removed.
pub fn remove_stale_temporaries(dir: &Path) -> Result<usize, OutputError> {
    let io = |source| OutputError::Io { path: dir.to_path_buf(), source };
    let mut removed = 0;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") && entry.file_type().map_err(io)?.is_file() {
            std::fs::remove_file(entry.path()).map_err(io)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Streams `runs.csv`: one row per run.
pub struct RunsWriter<'s> {
    sc: &'s Scenario,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

impl<'s> RunsWriter<'s> {
    pub fn create(sc: &'s Scenario, path: &Path) -> Result<RunsWriter<'s>, OutputError> {
        let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
        csv.write_record(runs_header(sc)).map_err(csv_err(path))?;
        Ok(RunsWriter { sc, path: path.to_path_buf(), csv })
    }

    pub fn write(&mut self, records: &[RunRecord]) -> Result<(), OutputError> {
        for r in records {
            let mut row: Vec<String> = Vec::with_capacity(1 + r.sampled.len() + r.reached.len() + r.finals.len());
            row.push(r.run.to_string());
            row.extend(r.sampled.iter().map(|x| num(*x)));
            row.extend(r.reached.iter().map(|t| date(self.sc, *t)));
            row.extend(r.fired.iter().map(|t| date(self.sc, *t)));
            row.extend(r.finals.iter().map(|x| num(*x)));
            row.extend(r.utility.iter().map(|x| num(*x)));
            row.push(r.decisions.to_string());
            self.csv.write_record(&row).map_err(csv_err(&self.path))?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
}

/// Column names of `runs.csv`.
pub fn runs_header(sc: &Scenario) -> Vec<String> {
    let mut h = vec!["run".to_string()];
    h.extend(sc.params.uncertain().iter().map(|id| sc.params.get(*id).path.clone()));
    h.extend(sc.outcomes.iter().map(|o| format!("outcome.{}", o.id)));
    h.extend(sc.events.iter().map(|e| format!("event.{}", e.id)));
    h.extend(final_metrics(sc).iter().map(|m| format!("final.{}", sc.metric_path(m))));
    h.extend(sc.actors.iter().map(|a| format!("utility.{}", a.id)));
    h.push("decisions".into());
    h
}

/// Writes `series.csv`: `date, variable, subject, mean, p05, p50, p95`.
pub fn write_series(sc: &Scenario, summary: &Summary, path: &Path) -> Result<(), OutputError> {
    let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
    let err = csv_err(path);
    csv.write_record(["date", "variable", "subject", "mean", "p05", "p50", "p95"]).map_err(&err)?;
    let names = sc.names();
    let agg = &summary.series;
    for (i, m) in sc.series.iter().enumerate() {
        let (variable, subject) = m.split_path(&names);
        for t in 0..agg.turns() {
            csv.write_record([
                sc.calendar.period(t).iso_date(),
                variable.to_string(),
                subject.clone(),
                num(agg.mean(i, t)),
                num(agg.quantile(i, t, 0.05)),
                num(agg.quantile(i, t, 0.5)),
                num(agg.quantile(i, t, 0.95)),
            ])
            .map_err(&err)?;
        }
    }
    commit_csv(csv, path)
}

/// One row of `outcomes.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    pub outcome: String,
    pub label: String,
    pub runs: u64,
    pub reached: u64,
    pub probability: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// ISO date; empty when never reached.
    pub median_first_date: String,
}

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
    let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
    let err = csv_err(path);
    csv.write_record(["outcome", "label", "runs", "reached", "probability", "ci_low", "ci_high", "median_first_date"])
        .map_err(&err)?;
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

/// `manifest.json`: what was run, how, and how much work it was.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    pub scenario: ManifestScenario,
    pub seed: u64,
    pub first_run: u64,
    pub runs: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    pub turns_per_run: usize,
    pub turns_simulated: u64,
    pub actor_decisions: u64,
    pub files: Vec<&'static str>,
    /// The scenario's own names for the ids in the tables, and its scheduled events.
    pub labels: crate::results::labels::Labels,
    /// What each outcome requires, by id, in file order.
    pub outcome_conditions: indexmap::IndexMap<String, crate::results::labels::OutcomeRule>,
    /// Turns averaged by the `coop_rate` series.
    pub cooperation_window: u32,
    /// The base a variant was compared with in `comparison.csv`, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<crate::results::comparison::ComparisonInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestScenario {
    /// Every file the scenario was read from (the base of any `extends` chain first).
    pub sources: Vec<crate::scenario::SourceDigest>,
    pub name: String,
    pub description: String,
    /// The question the scenario answers, if it states one.
    pub question: Option<String>,
    pub file: String,
    pub sha256: String,
}

pub fn write_manifest(manifest: &Manifest, path: &Path) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    let io = |source| OutputError::Io { path: path.to_path_buf(), source };
    serde_json::to_writer_pretty(f.writer(), manifest).map_err(|e| io(e.into()))?;
    f.writer().write_all(b"\n").map_err(io)?;
    f.commit()
}

/// Hex SHA-256 of a file's bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_binary_noise() {
        assert_eq!(num(0.35000000000000003), "0.35");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1.0 / 3.0), "0.333333333");
    }

    #[test]
    fn uncommitted_files_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create(&dest).unwrap();
        f.writer().write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

// ----------------------------------------------------------------------------------- sweeps

/// Streams `points.csv`: one row per design point, with the swept values, each outcome's
/// probability and 95% interval, and each output's mean.
pub struct PointsWriter<'s> {
    sweep: &'s crate::analysis::sweep::Sweep,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl<'s> PointsWriter<'s> {
    pub fn create(sweep: &'s crate::analysis::sweep::Sweep, path: &Path) -> Result<PointsWriter<'s>, OutputError> {
        let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
        let mut header = vec!["point".to_string()];
        header.extend(sweep.params.iter().map(|p| p.path.clone()));
        for &o in &sweep.outcomes {
            let id = &sweep.scenario.outcomes[o].id;
            header.extend(["probability", "ci_low", "ci_high"].iter().map(|s| format!("outcome.{id}.{s}")));
        }
        header.extend(sweep.outputs.iter().map(|m| format!("output.{}.mean", sweep.scenario.metric_path(m))));
        csv.write_record(&header).map_err(csv_err(path))?;
        Ok(PointsWriter { sweep, path: path.to_path_buf(), csv })
    }

    pub fn write(&mut self, points: &[crate::analysis::sweep::PointResult]) -> Result<(), OutputError> {
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

    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
}

/// Streams a sweep's `runs.csv`: one row per replication of every point.
pub struct SweepRunsWriter<'s> {
    sweep: &'s crate::analysis::sweep::Sweep,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl<'s> SweepRunsWriter<'s> {
    pub fn create(sweep: &'s crate::analysis::sweep::Sweep, path: &Path) -> Result<SweepRunsWriter<'s>, OutputError> {
        let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
        let mut header: Vec<String> = ["point", "replication", "run"].iter().map(|s| s.to_string()).collect();
        header.extend(sweep.params.iter().map(|p| p.path.clone()));
        header.extend(sweep.outcomes.iter().map(|&o| format!("outcome.{}", sweep.scenario.outcomes[o].id)));
        header.extend(sweep.outputs.iter().map(|m| format!("output.{}", sweep.scenario.metric_path(m))));
        csv.write_record(&header).map_err(csv_err(path))?;
        Ok(SweepRunsWriter { sweep, path: path.to_path_buf(), csv })
    }

    pub fn write(&mut self, points: &[crate::analysis::sweep::PointResult]) -> Result<(), OutputError> {
        for p in points {
            for r in &p.runs {
                let mut row = vec![p.point.to_string(), r.replication.to_string(), r.run.to_string()];
                row.extend(p.values.iter().map(|x| num(*x)));
                row.extend(r.reached.iter().map(|t| date(&self.sweep.scenario, *t)));
                row.extend(r.outputs.iter().map(|x| num(*x)));
                self.csv.write_record(&row).map_err(csv_err(&self.path))?;
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
}

/// Writes `sensitivity.csv`: `output, parameter, statistic, value, low, high`.
pub fn write_sensitivity(rows: &[crate::analysis::sweep::SensitivityRow], path: &Path) -> Result<(), OutputError> {
    let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
    let err = csv_err(path);
    csv.write_record(["output", "parameter", "statistic", "value", "low", "high"]).map_err(&err)?;
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

/// Writes `discovery.csv`: the PRIM peeling trajectory, one row per box, with its coverage,
/// density, mass, bounds per swept parameter, and whether it is the chosen box.
pub fn write_discovery(
    sweep: &crate::analysis::sweep::Sweep,
    trajectory: &crate::analysis::prim::Trajectory,
    chosen: Option<usize>,
    path: &Path,
) -> Result<(), OutputError> {
    let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
    let err = csv_err(path);
    let mut header: Vec<String> =
        ["box", "chosen", "coverage", "density", "mass"].iter().map(|s| s.to_string()).collect();
    for p in &sweep.params {
        header.push(format!("{}.low", p.path));
        header.push(format!("{}.high", p.path));
    }
    csv.write_record(&header).map_err(&err)?;
    for (i, b) in trajectory.boxes.iter().enumerate() {
        let mut row =
            vec![i.to_string(), (chosen == Some(i)).to_string(), num(b.coverage), num(b.density), num(b.mass)];
        for d in 0..sweep.params.len() {
            row.push(num(b.lower[d]));
            row.push(num(b.upper[d]));
        }
        csv.write_record(&row).map_err(&err)?;
    }
    commit_csv(csv, path)
}

/// `manifest.json` of a sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepManifest {
    pub tool: &'static str,
    pub version: &'static str,
    pub sweep: String,
    pub sweep_file: String,
    pub sweep_sha256: String,
    pub scenario: ManifestScenario,
    pub design: String,
    pub parameters: Vec<String>,
    pub points: usize,
    pub replications: u64,
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    pub files: Vec<&'static str>,
    /// The scenario's own names for the ids in the tables.
    pub labels: crate::results::labels::Labels,
}

pub fn write_sweep_manifest(manifest: &SweepManifest, path: &Path) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    let io = |source| OutputError::Io { path: path.to_path_buf(), source };
    serde_json::to_writer_pretty(f.writer(), manifest).map_err(|e| io(e.into()))?;
    f.writer().write_all(b"\n").map_err(io)?;
    f.commit()
}
