//! `runs.csv`: one row per run of a scenario, or per replication of a sweep's points.
//!
//! A run's columns: `run` (its index, the random stream it used), then one per uncertain
//! parameter (its path; the value sampled), `outcome.ID` and `event.ID` (the ISO date the
//! outcome was first reached or the event first fired; empty for never), `final.PATH` (the
//! metric's value at the end, in its own units), `utility.ACTOR` (utility accumulated over
//! the run) and `decisions` (actor decisions taken). See [`runs_header`].
//!
//! A sweep's (with `--per-run`): `point`, `replication`, `run`, then the swept parameters'
//! values, `outcome.ID` dates and `output.PATH` final values.
//!
//! The file can be large: it is written as the runs finish and read back streamed, keeping
//! only the `outcome.ID` dates as counts per date, so memory does not grow with the runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::atomic::{AtomicFile, OutputError, commit_csv, create_csv, csv_err, date, num};
use super::date::Date;
use super::error::{self, ReadError, columns, csv_error};
use super::outcomes::OutcomeRow;
use crate::analysis::sweep::{PointResult, Sweep};
use crate::montecarlo::{RunRecord, final_metrics};
use crate::scenario::Scenario;

/// The run's index column.
pub const RUN: &str = "run";
/// A sweep's design-point column.
pub const POINT: &str = "point";
/// A sweep's replication column (the run's index within its point).
pub const REPLICATION: &str = "replication";
/// The actor-decisions column.
pub const DECISIONS: &str = "decisions";

/// The column of the date outcome `id` was first reached.
pub fn outcome_column(id: &str) -> String {
    format!("outcome.{id}")
}

fn event_column(id: &str) -> String {
    format!("event.{id}")
}

fn final_column(path: &str) -> String {
    format!("final.{path}")
}

fn utility_column(actor: &str) -> String {
    format!("utility.{actor}")
}

/// A sweep's column of output `path`'s final value.
fn output_column(path: &str) -> String {
    format!("output.{path}")
}

/// Column names of `runs.csv`.
pub fn runs_header(sc: &Scenario) -> Vec<String> {
    let mut h = vec![RUN.to_string()];
    h.extend(sc.params.uncertain().iter().map(|id| sc.params.get(*id).path.clone()));
    h.extend(sc.outcomes.iter().map(|o| outcome_column(&o.id)));
    h.extend(sc.events.iter().map(|e| event_column(&e.id)));
    h.extend(final_metrics(sc).iter().map(|m| final_column(&sc.metric_path(m))));
    h.extend(sc.actors.iter().map(|a| utility_column(&a.id)));
    h.push(DECISIONS.into());
    h
}

/// Streams `runs.csv`: one row per run.
pub struct RunsWriter<'s> {
    sc: &'s Scenario,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl<'s> RunsWriter<'s> {
    /// Creates `runs.csv` under a temporary name and writes its header.
    pub fn create(sc: &'s Scenario, path: &Path) -> Result<RunsWriter<'s>, OutputError> {
        let mut csv = create_csv(path)?;
        csv.write_record(runs_header(sc)).map_err(csv_err(path))?;
        Ok(RunsWriter { sc, path: path.to_path_buf(), csv })
    }

    /// Writes one row per record, in the order given (run order).
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

    /// Flushes the file and renames it into place.
    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
}

/// Streams a sweep's `runs.csv`: one row per replication of every point.
pub struct SweepRunsWriter<'s> {
    sweep: &'s Sweep,
    path: PathBuf,
    csv: csv::Writer<AtomicFile>,
}

impl<'s> SweepRunsWriter<'s> {
    /// Creates a sweep's `runs.csv` under a temporary name and writes its header.
    pub fn create(sweep: &'s Sweep, path: &Path) -> Result<SweepRunsWriter<'s>, OutputError> {
        let mut csv = create_csv(path)?;
        let mut header: Vec<String> = [POINT, REPLICATION, RUN].iter().map(|s| s.to_string()).collect();
        header.extend(sweep.params.iter().map(|p| p.path.clone()));
        header.extend(sweep.outcomes.iter().map(|&o| outcome_column(&sweep.scenario.outcomes[o].id)));
        header.extend(sweep.outputs.iter().map(|m| output_column(&sweep.scenario.metric_path(m))));
        csv.write_record(&header).map_err(csv_err(path))?;
        Ok(SweepRunsWriter { sweep, path: path.to_path_buf(), csv })
    }

    /// Writes one row per replication of each point, in the order given.
    pub fn write(&mut self, points: &[PointResult]) -> Result<(), OutputError> {
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

    /// Flushes the file and renames it into place.
    pub fn finish(self) -> Result<(), OutputError> {
        commit_csv(self.csv, &self.path)
    }
}

/// When each outcome was first reached, from `runs.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reached {
    /// Rows of `runs.csv`.
    pub runs: u64,
    /// Per outcome (in `outcomes.csv` order): how many runs first reached it on each date.
    pub by_date: Vec<BTreeMap<Date, u64>>,
}

impl Reached {
    /// The share of runs that reached outcome `o` on or before each of `dates`.
    pub fn cumulative(&self, o: usize, dates: &[Date]) -> Vec<f64> {
        let counts = &self.by_date[o];
        let n = self.runs.max(1) as f64;
        dates.iter().map(|d| counts.range(..=*d).map(|(_, k)| *k).sum::<u64>() as f64 / n).collect()
    }
}

/// Streams `runs.csv`, keeping only when each of `outcomes` was first reached: memory does
/// not grow with the file, so any number of runs is read (up to 1 TiB, against an endless file).
pub fn read_reached(path: &Path, outcomes: &[OutcomeRow]) -> Result<Reached, ReadError> {
    let mut rdr = error::open_csv_capped(path, error::MAX_STREAMED_BYTES)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let names: Vec<String> = outcomes.iter().map(|o| outcome_column(&o.outcome)).collect();
    let at = columns(path, &header, &names)?;
    let mut reached = Reached { runs: 0, by_date: vec![BTreeMap::new(); outcomes.len()] };
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).map_err(|e| csv_error(path, e))? {
        let line = rec.position().map_or(0, |p| p.line());
        for (o, &i) in at.iter().enumerate() {
            let s = rec.get(i).unwrap_or("");
            if !s.is_empty() {
                *reached.by_date[o].entry(error::date(path, line, &names[o], s)?).or_insert(0) += 1;
            }
        }
        reached.runs += 1;
    }
    Ok(reached)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::fixtures::{tiny, tiny_runs, tiny_sweep};
    use crate::results::outcomes::outcome_rows;

    #[test]
    fn written_runs_read_back() {
        let sc = tiny();
        let (records, summary) = tiny_runs(&sc);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("runs.csv");
        let mut w = RunsWriter::create(&sc, &p).unwrap();
        w.write(&records[..15]).unwrap();
        w.write(&records[15..]).unwrap();
        w.finish().unwrap();

        let mut rdr = csv::Reader::from_path(&p).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, runs_header(&sc));
        assert_eq!(header.first().map(String::as_str), Some(RUN));
        assert!(header.contains(&outcome_column("transit_deal")) && header.contains(&"event.drawdown".to_string()));
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), records.len());
        let decisions = header.iter().position(|h| h == DECISIONS).unwrap();
        for (row, r) in rows.iter().zip(&records) {
            assert_eq!(row[0], r.run.to_string());
            assert_eq!(row[decisions], r.decisions.to_string());
        }

        let outcomes = outcome_rows(&sc, &summary);
        let reached = read_reached(&p, &outcomes).unwrap();
        assert_eq!(reached.runs, records.len() as u64);
        for (o, row) in outcomes.iter().enumerate() {
            let mut expected: BTreeMap<Date, u64> = BTreeMap::new();
            for t in records.iter().filter_map(|r| r.reached[o]) {
                *expected.entry(Date::parse(&sc.calendar.period(t).iso_date()).unwrap()).or_insert(0) += 1;
            }
            assert_eq!(reached.by_date[o], expected, "{}", row.outcome);
            assert_eq!(reached.by_date[o].values().sum::<u64>(), row.reached);
        }
    }

    #[test]
    fn a_sweeps_runs_have_a_row_per_replication() {
        let (sw, points) = tiny_sweep();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("runs.csv");
        let mut w = SweepRunsWriter::create(&sw, &p).unwrap();
        w.write(&points).unwrap();
        w.finish().unwrap();
        let mut rdr = csv::Reader::from_path(&p).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "point",
                "replication",
                "run",
                "actors.russia.behaviour.pressure",
                "issues.transit.payoffs.kazakhstan.economy.reward",
                "outcome.transit_deal",
                "outcome.china_leads_economy",
                "outcome.destabilized",
                "output.state.threat",
                "output.influence.security.kazakhstan.nato",
            ]
        );
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(rows.len() as u64, sw.runs());
        let last = &points[points.len() - 1];
        let run = &last.runs[last.runs.len() - 1];
        let row = &rows[rows.len() - 1];
        assert_eq!(
            (&row[0], &row[1], &row[2]),
            (&*last.point.to_string(), &*run.replication.to_string(), &*run.run.to_string())
        );
        assert_eq!(row[9].parse::<f64>().unwrap(), crate::results::fixtures::written(run.outputs[1]));
    }

    #[test]
    fn first_dates_become_cumulative_shares() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("runs.csv");
        std::fs::write(
            &p,
            "run,outcomes.x,outcome.a,outcome.b,decisions\n0,1,2015-01-01,,9\n1,2,2014-01-01,,9\n2,3,,,9\n3,4,2015-01-01,,9\n",
        )
        .unwrap();
        let row = |id: &str| OutcomeRow {
            outcome: id.into(),
            label: id.into(),
            runs: 4,
            reached: 0,
            probability: 0.0,
            ci_low: 0.0,
            ci_high: 0.0,
            median_first_date: String::new(),
        };
        let r = read_reached(&p, &[row("a"), row("b")]).unwrap();
        assert_eq!(r.runs, 4);
        let dates: Vec<Date> =
            ["2013-01-01", "2014-01-01", "2014-07-01", "2016-01-01"].iter().map(|s| Date::parse(s).unwrap()).collect();
        assert_eq!(r.cumulative(0, &dates), [0.0, 0.25, 0.25, 0.75]);
        assert_eq!(r.cumulative(1, &dates), [0.0; 4]);
        let e = read_reached(&p, &[row("c")]).unwrap_err();
        assert!(e.to_string().contains("runs.csv:1: no column `outcome.c`"), "{e}");
    }

    /// `runs.csv` grows with the runs (136 MB for 12,000 of the baseline) and is streamed, so it
    /// is read past the 64 MiB that files read whole may hold.
    #[test]
    fn a_runs_file_beyond_the_whole_file_cap_is_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("runs.csv");
        let pad = "x".repeat(1000);
        let mut text = String::from("run,outcome.a,note\n");
        let rows = (crate::input::MAX_INPUT_BYTES as usize / 1000) + 10;
        for run in 0..rows {
            let reached = if run % 2 == 0 { "2015-01-01" } else { "" };
            text.push_str(&format!("{run},{reached},{pad}\n"));
        }
        assert!(text.len() as u64 > crate::input::MAX_INPUT_BYTES);
        std::fs::write(&p, text).unwrap();
        let row = OutcomeRow {
            outcome: "a".into(),
            label: "a".into(),
            runs: rows as u64,
            reached: 0,
            probability: 0.0,
            ci_low: 0.0,
            ci_high: 0.0,
            median_first_date: String::new(),
        };
        let r = read_reached(&p, &[row]).unwrap();
        assert_eq!(r.runs, rows as u64);
        assert_eq!(r.by_date[0].values().sum::<u64>(), rows.div_ceil(2) as u64);
    }
}
