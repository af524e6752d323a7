//! A result set: everything the charts and the report need, read from one output folder.

use std::path::Path;

use super::discovery::{PrimBox, read_discovery};
use super::error::{ReadError, invalid};
use super::manifest::{RunInfo, SweepInfo, read_manifest, read_sweep_manifest};
use super::outcomes::{OutcomeRow, read_outcomes};
use super::points::{Point, read_points};
use super::runs::{Reached, read_reached};
use super::sensitivity::{Sensitivity, read_sensitivity};
use super::series::{Series, read_series};

/// Everything the charts and the report need from an output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// `manifest.json`.
    pub info: RunInfo,
    /// `series.csv`.
    pub series: Series,
    /// `outcomes.csv`.
    pub outcomes: Vec<OutcomeRow>,
    /// From `runs.csv`: how many runs first reached each outcome at each date.
    pub reached: Reached,
    /// `comparison.csv` of a variant's run, when the manifest lists one; else empty.
    pub comparison: Vec<crate::analysis::compare::OutcomeDiff>,
}

impl Results {
    /// Reads `manifest.json`, `series.csv`, `outcomes.csv` and `runs.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<Results, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        super::integrity::present(dir)?;
        let info = read_manifest(&dir.join("manifest.json"))?;
        let series = read_series(&dir.join("series.csv"))?;
        let outcomes = read_outcomes(&dir.join("outcomes.csv"))?;
        let reached = read_reached(&dir.join("runs.csv"), &outcomes)?;
        let comparison = match info.comparison {
            Some(_) => super::comparison::read_comparison(&dir.join("comparison.csv"))?,
            None => Vec::new(),
        };
        // Read first, so that a malformed file is located; then the set must be one.
        super::integrity::check(dir)?;
        Ok(Results { info, series, outcomes, reached, comparison })
    }
}

/// Everything the charts and the report need from a sweep's output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResults {
    /// `manifest.json`.
    pub info: SweepInfo,
    /// Outcome ids, in `points.csv` order.
    pub outcomes: Vec<String>,
    /// Output paths (`output.PATH` columns), in `points.csv` order.
    pub outputs: Vec<String>,
    /// `points.csv`, one point per row.
    pub points: Vec<Point>,
    /// Empty when the sweep wrote no `sensitivity.csv`.
    pub sensitivity: Vec<Sensitivity>,
    /// Empty when the sweep wrote no `discovery.csv`.
    pub discovery: Vec<PrimBox>,
}

impl SweepResults {
    /// Reads `manifest.json` and `points.csv` from `dir`, and `sensitivity.csv` and
    /// `discovery.csv` when present.
    pub fn load(dir: &Path) -> Result<SweepResults, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        super::integrity::present(dir)?;
        let info = read_sweep_manifest(&dir.join("manifest.json"))?;
        let (outcomes, outputs, points) = read_points(&dir.join("points.csv"), &info.parameters)?;
        let optional = |name: &str| dir.join(name).exists().then(|| dir.join(name));
        let sensitivity = optional("sensitivity.csv").map(|p| read_sensitivity(&p)).transpose()?.unwrap_or_default();
        let discovery =
            optional("discovery.csv").map(|p| read_discovery(&p, &info.parameters)).transpose()?.unwrap_or_default();
        super::integrity::check(dir)?;
        Ok(SweepResults { info, outcomes, outputs, points, sensitivity, discovery })
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::results::is_sweep;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_run_folder_reads_back_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = Results::load(&dir.path().join("absent")).unwrap_err();
        assert!(e.to_string().ends_with("absent: no such directory"), "{e}");
        write(dir.path(), "manifest.json", r#"{"runs": 2, "scenario": {"name": "S"}}"#);
        write(
            dir.path(),
            "series.csv",
            "date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n2014-01-01,state,t,,,,,,0.5,0,0.5,1\n",
        );
        write(
            dir.path(),
            "outcomes.csv",
            "outcome,label,runs,reached,probability,ci_low,ci_high,median_first_date\no,O,2,1,0.5,0.1,0.9,2014-01-01\n",
        );
        let e = Results::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("runs.csv: no such file (run `heartland run` to write it)"), "{e}");
        write(dir.path(), "runs.csv", "run,outcome.o,decisions\n0,2014-01-01,3\n1,,3\n");
        let r = Results::load(dir.path()).unwrap();
        assert_eq!((r.info.runs, r.info.scenario.name.as_str()), (2, "S"));
        assert_eq!(r.series.get("state.t").unwrap().p95, [1.0]);
        assert_eq!(r.outcomes[0].median_first_date, "2014-01-01");
        assert_eq!((r.reached.runs, r.reached.by_date[0].values().sum::<u64>()), (2, 1));
    }

    #[test]
    fn sweep_files_read_back() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "manifest.json",
            r#"{"sweep": "S", "design": "grid", "parameters": ["a.x", "b.y"], "points": 2, "runs": 20}"#,
        );
        write(
            dir.path(),
            "points.csv",
            "point,a.x,b.y,outcome.o.probability,outcome.o.ci_low,outcome.o.ci_high,output.state.t.mean\n\
             0,1,2,0.5,0.3,0.7,0.25\n1,3,4,0.1,0,0.2,0.5\n",
        );
        write(
            dir.path(),
            "discovery.csv",
            "box,chosen,coverage,density,mass,a.x.low,a.x.high,b.y.low,b.y.high\n0,false,1,0.3,1,1,3,2,4\n1,true,0.8,0.6,0.5,1,2,2,4\n",
        );
        assert!(is_sweep(dir.path()));
        let r = SweepResults::load(dir.path()).unwrap();
        assert_eq!(
            (r.outcomes.as_slice(), r.outputs.as_slice()),
            (&["o".to_string()][..], &["state.t".to_string()][..])
        );
        assert_eq!(r.points[1], Point { params: vec![3.0, 4.0], outcomes: vec![(0.1, 0.0, 0.2)], outputs: vec![0.5] });
        assert!(r.sensitivity.is_empty());
        assert_eq!(r.discovery[1].bounds, [(1.0, 2.0), (2.0, 4.0)]);
        assert!(r.discovery[1].chosen);
        write(dir.path(), "sensitivity.csv", "output,parameter,statistic,value,low,high\noutcome.o,a.x,ST,0.5,,\n");
        let r = SweepResults::load(dir.path()).unwrap();
        assert_eq!(r.sensitivity[0].low, None);
        write(dir.path(), "points.csv", "point,a.x\n");
        let e = SweepResults::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("points.csv:1: no column `b.y`"), "{e}");
    }
}

/// The tables of one hindcast: `hindcast.csv`, `scores.csv`, `reliability.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct HindcastTables {
    /// `hindcast.csv`, one row per fact.
    pub facts: Vec<crate::analysis::hindcast::FactRow>,
    /// `scores.csv`, per split and forecaster.
    pub scores: Vec<crate::analysis::hindcast::ScoreRow>,
    /// `reliability.csv`, per split and bin.
    pub reliability: Vec<crate::analysis::hindcast::BinRow>,
}

impl HindcastTables {
    /// Reads the three tables from `dir`.
    pub fn load(dir: &Path) -> Result<HindcastTables, ReadError> {
        Ok(HindcastTables {
            facts: super::hindcast::read_hindcast(&dir.join("hindcast.csv"))?,
            scores: super::scores::read_scores(&dir.join("scores.csv"))?,
            reliability: super::reliability::read_reliability(&dir.join("reliability.csv"))?,
        })
    }
}

/// Everything the charts and the report need from a hindcast's output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct HindcastResults {
    /// `manifest.json`.
    pub info: super::manifest::HindcastInfo,
    /// `hindcast.csv`, `scores.csv` and `reliability.csv`.
    pub tables: HindcastTables,
}

impl HindcastResults {
    /// Reads `manifest.json` and the hindcast's tables from `dir`.
    pub fn load(dir: &Path) -> Result<HindcastResults, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        super::integrity::present(dir)?;
        let info = super::manifest::read_hindcast_manifest(&dir.join("manifest.json"))?;
        let tables = HindcastTables::load(dir)?;
        super::integrity::check(dir)?;
        Ok(HindcastResults { info, tables })
    }
}

/// Everything the charts and the report need from a calibration's output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationResults {
    /// `manifest.json`.
    pub info: super::manifest::CalibrationInfo,
    /// `comparison.csv`: the prior's and the posterior's scores side by side.
    pub comparison: Vec<super::prior_posterior::PriorPosteriorRow>,
    /// `design.csv`.
    pub design: super::design::DesignTable,
    /// The hindcasts of the scenario as given (`prior/`) and of the calibrated one
    /// (`posterior/`).
    pub prior: HindcastTables,
    /// The posterior's hindcast tables (`posterior/`).
    pub posterior: HindcastTables,
}

impl CalibrationResults {
    /// Reads `manifest.json`, `comparison.csv`, `design.csv`, `prior/` and `posterior/`.
    pub fn load(dir: &Path) -> Result<CalibrationResults, ReadError> {
        if !dir.is_dir() {
            return Err(invalid(dir, None, "no such directory"));
        }
        super::integrity::present(dir)?;
        let results = CalibrationResults {
            info: super::manifest::read_calibration_manifest(&dir.join("manifest.json"))?,
            comparison: super::prior_posterior::read_prior_posterior(&dir.join("comparison.csv"))?,
            design: super::design::read_design(&dir.join("design.csv"))?,
            prior: HindcastTables::load(&dir.join("prior"))?,
            posterior: HindcastTables::load(&dir.join("posterior"))?,
        };
        super::integrity::check(dir)?;
        Ok(results)
    }
}
