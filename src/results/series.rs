//! `series.csv`: every recorded metric's statistics across runs at every date.
//!
//! Columns ([`COLUMNS`]): `date` (ISO, the first day of the turn), `variable` (the metric's
//! kind: `state`, `influence`, `trust`, `coop`, `coop_rate`, `outcome`, `event`), then the rest
//! of its path, one part per typed column ([`crate::model::metric::Subject`]), empty where the
//! kind has none: `name` (a state variable's, outcome's or event's id), `issue` (`coop`,
//! `coop_rate`), `domain` (`influence`), `actor` (the participant of `coop.ISSUE.ACTOR`,
//! `coop_rate.ISSUE.ACTOR`), `from_actor` and `to_actor` (`trust.A.B`: A trusts B;
//! `influence.DOMAIN.CLIENT.PATRON`: from the patron to the client), then `mean`, `p05`, `p50`,
//! `p95` of its value across runs, in the metric's own units (state variables in their
//! `[min, max]`, shares and rates in [0, 1]). One row per metric and date, metric by metric.
//!
//! Reading puts the path back together ([`crate::model::metric::Subject::path`]), so readers
//! find a series by the path a scenario writes (`trust.russia.china`).

use std::path::Path;

use indexmap::IndexMap;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::date::Date;
use super::error::{ReadError, columns, csv_error, date, invalid, number, open_csv};
use crate::model::metric::Subject;
use crate::montecarlo::Summary;
use crate::scenario::Scenario;

/// The columns of `series.csv`, in order.
pub const COLUMNS: [&str; 12] =
    ["date", "variable", "name", "issue", "domain", "actor", "from_actor", "to_actor", "mean", "p05", "p50", "p95"];

/// The columns of the metric's subject, in order (after `variable`).
const SUBJECT: std::ops::Range<usize> = 2..8;
/// The first column of the statistics.
const STATS: usize = 8;

/// The most values (series × dates) a series file may lay out: 10 million, 320 MB of bands;
/// a scenario of 100 actors over 1,000 turns records fewer.
pub const MAX_CELLS: usize = 10_000_000;

/// Writes `series.csv` ([`COLUMNS`]).
pub fn write_series(sc: &Scenario, summary: &Summary, path: &Path) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    csv.write_record(COLUMNS).map_err(&err)?;
    let names = sc.names();
    let agg = &summary.series;
    for (i, m) in sc.series.iter().enumerate() {
        let variable = m.split_path(&names).0;
        let s = m.subject(&names);
        for t in 0..agg.turns() {
            csv.write_record([
                sc.calendar.period(t).iso_date(),
                variable.to_string(),
                s.name.clone(),
                s.issue.clone(),
                s.domain.clone(),
                s.actor.clone(),
                s.from_actor.clone(),
                s.to_actor.clone(),
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

/// One recorded quantity over time: its statistics across runs at each date.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Mean across runs at each date (exact).
    pub mean: Vec<f64>,
    /// 5th percentile across runs at each date (to 0.1% of the metric's range).
    pub p05: Vec<f64>,
    /// Median across runs at each date.
    pub p50: Vec<f64>,
    /// 95th percentile across runs at each date.
    pub p95: Vec<f64>,
}

impl Band {
    fn new(n: usize) -> Band {
        Band { mean: vec![f64::NAN; n], p05: vec![f64::NAN; n], p50: vec![f64::NAN; n], p95: vec![f64::NAN; n] }
    }
}

/// `series.csv`: every metric path with its band at every date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The dates of the table, ascending.
    pub dates: Vec<Date>,
    /// By metric path (`variable.subject`), in the file's order.
    pub paths: IndexMap<String, Band>,
}

impl Series {
    /// The band of a metric path such as `trust.russia.china`.
    pub fn get(&self, path: &str) -> Option<&Band> {
        self.paths.get(path)
    }

    /// The paths whose first part is `variable`, with the rest of each path split on dots.
    pub fn of<'a>(&'a self, variable: &'a str) -> impl Iterator<Item = (Vec<&'a str>, &'a Band)> + 'a {
        self.paths.iter().filter_map(move |(path, band)| {
            let mut parts = path.split('.');
            (parts.next() == Some(variable)).then(|| (parts.collect(), band))
        })
    }
}

/// Reads `series.csv`.
pub fn read_series(path: &Path) -> Result<Series, ReadError> {
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &COLUMNS)?;
    // Rows are few (series × turns): read them, then place them by date.
    let mut rows: Vec<(Date, String, [f64; 4])> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let d = date(path, line, COLUMNS[0], field(0))?;
        let variable = field(1);
        if variable.is_empty() {
            return Err(invalid(path, Some(line), "empty `variable`"));
        }
        let part = |k: usize| field(SUBJECT.start + k).to_string();
        let subject = Subject {
            name: part(0),
            issue: part(1),
            domain: part(2),
            actor: part(3),
            from_actor: part(4),
            to_actor: part(5),
        };
        let metric = subject.path(variable).map_err(|why| invalid(path, Some(line), why))?;
        let mut v = [0.0; 4];
        for (k, x) in v.iter_mut().enumerate() {
            *x = number(path, line, COLUMNS[STATS + k], field(STATS + k))?;
        }
        rows.push((d, metric, v));
    }
    let mut dates: Vec<Date> = rows.iter().map(|r| r.0).collect();
    dates.sort_unstable();
    dates.dedup();
    // Each series holds a cell for every date: a file of new dates and new series on every row
    // would take memory quadratic in its size. Far more than any scenario records.
    let series = rows.iter().map(|r| r.1.as_str()).collect::<std::collections::HashSet<_>>().len();
    if series.saturating_mul(dates.len()) > MAX_CELLS {
        return Err(invalid(
            path,
            None,
            format!(
                "{series} series over {} dates: more than the {MAX_CELLS} values heartland reads (is this a series file of heartland's?)",
                dates.len()
            ),
        ));
    }
    let mut paths: IndexMap<String, Band> = IndexMap::new();
    for (d, metric, v) in rows {
        let t = dates.binary_search(&d).expect("collected above");
        let band = paths.entry(metric).or_insert_with(|| Band::new(dates.len()));
        band.mean[t] = v[0];
        band.p05[t] = v[1];
        band.p50[t] = v[2];
        band.p95[t] = v[3];
    }
    Ok(Series { dates, paths })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metric::Metric;
    use crate::results::fixtures::{tiny, tiny_runs, written};

    #[test]
    fn written_series_read_back() {
        let sc = tiny();
        let (_, summary) = tiny_runs(&sc);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("series.csv");
        write_series(&sc, &summary, &p).unwrap();
        let s = read_series(&p).unwrap();
        let turns = summary.series.turns();
        assert_eq!(s.dates.len(), turns);
        assert_eq!(s.dates[0].to_string(), "2014-01-01");
        assert_eq!(s.paths.len(), sc.series.len());
        let agg = &summary.series;
        for (i, m) in sc.series.iter().enumerate() {
            let band = s.get(&sc.metric_path(m)).unwrap_or_else(|| panic!("{}", sc.metric_path(m)));
            for t in 0..turns {
                assert_eq!(band.mean[t], written(agg.mean(i, t)));
                assert_eq!(band.p05[t], written(agg.quantile(i, t, 0.05)));
                assert_eq!(band.p50[t], written(agg.quantile(i, t, 0.5)));
                assert_eq!(band.p95[t], written(agg.quantile(i, t, 0.95)));
            }
        }
    }

    fn write(dir: &Path, text: &str) -> std::path::PathBuf {
        let p = dir.join("series.csv");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn series_are_placed_by_date_whatever_the_row_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n\
             2014-04-01,state,threat,,,,,,0.5,0.1,0.5,0.9\n\
             2014-01-01,state,threat,,,,,,0.4,0,0.4,0.8\n\
             2014-01-01,trust,,,,,a,b,0.3,0.2,0.3,0.4\n\
             2014-01-01,influence,,,security,,p,c,0.1,0,0.1,0.2\n\
             2014-01-01,coop_rate,,transit,,,,,0.5,0,0.5,1\n\
             2014-01-01,coop_rate,,water,,kaz,,,0.5,0,0.5,1\n\
             2014-01-01,outcome,never,,,,,,0,0,0,0\n",
        );
        let s = read_series(&p).unwrap();
        assert_eq!(s.dates, [Date::parse("2014-01-01").unwrap(), Date::parse("2014-04-01").unwrap()]);
        assert_eq!(s.get("state.threat").unwrap().mean, [0.4, 0.5]);
        let trust: Vec<_> = s.of("trust").collect();
        assert_eq!(trust.len(), 1);
        assert_eq!(trust[0].0, ["a", "b"]);
        assert!(trust[0].1.mean[1].is_nan());
        // The typed columns make the paths a scenario writes.
        let paths: Vec<&str> = s.paths.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "state.threat",
                "trust.a.b",
                "influence.security.c.p",
                "coop_rate.transit",
                "coop_rate.water.kaz",
                "outcome.never"
            ]
        );
    }

    /// Every kind of metric path the recorder writes goes out in its typed columns and comes
    /// back as the same path; a row missing a column its kind needs is refused, located.
    #[test]
    fn every_metric_kind_round_trips_through_its_typed_columns() {
        let sc = crate::Scenario::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml"),
        )
        .unwrap();
        let names = sc.names();
        let mut kinds = std::collections::BTreeSet::new();
        for m in &sc.series {
            let (variable, _) = m.split_path(&names);
            kinds.insert(variable);
            assert_eq!(m.subject(&names).path(variable).unwrap(), sc.metric_path(m));
        }
        assert!(kinds.len() >= 5, "{kinds:?}");
        for m in [Metric::Outcome(0), Metric::Event(0), Metric::CoopActor(0, 0)] {
            let variable = m.split_path(&names).0;
            assert_eq!(m.subject(&names).path(variable).unwrap(), m.path(&names));
        }
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n\
             2014-01-01,trust,,,,,a,,0.3,0.2,0.3,0.4\n",
        );
        let e = read_series(&p).unwrap_err().to_string();
        assert!(e.contains("series.csv:2") && e.contains("`trust` needs a `to_actor`"), "{e}");
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n\
             2014-01-01,state,x,,,,,,lots,0,0,0\n",
        );
        let e = read_series(&p).unwrap_err();
        assert!(matches!(e, ReadError::Invalid { .. }));
        assert!(e.to_string().contains("series.csv:2: `lots` in column `mean` is not a number"), "{e}");
        let e = read_series(&dir.path().join("nothing.csv")).unwrap_err();
        assert!(e.to_string().contains("nothing.csv: no such file"), "{e}");
    }
}
