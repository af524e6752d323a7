//! `discovery.csv`: the PRIM peeling trajectory of a sweep that asks for scenario discovery,
//! one row per box, from the whole design space to the last peel.
//!
//! Columns: `box` (its index along the trajectory), `chosen` (`true` for the box selected at
//! the sweep's minimum density, else `false`), `coverage` (share of all cases of interest in
//! the box), `density` (share of the box's points that are cases), `mass` (share of all points
//! in the box), all in [0, 1]; then per swept parameter `PATH.low` and `PATH.high`, the box's
//! bounds in the parameter's units.

use std::path::Path;

use super::atomic::{OutputError, commit_csv, create_csv, csv_err, num};
use super::error::{ReadError, columns, csv_error, invalid, number, open_csv};
use crate::analysis::prim::Trajectory;
use crate::analysis::sweep::Sweep;

/// The columns before the bounds, in order.
pub const COLUMNS: [&str; 5] = ["box", "chosen", "coverage", "density", "mass"];

/// The columns of swept parameter `path`'s lower and upper bound.
pub fn bound_columns(path: &str) -> [String; 2] {
    [format!("{path}.low"), format!("{path}.high")]
}

/// Writes `discovery.csv`: the PRIM peeling trajectory, one row per box, with its coverage,
/// density, mass, bounds per swept parameter, and whether it is the chosen box.
pub fn write_discovery(
    sweep: &Sweep,
    trajectory: &Trajectory,
    chosen: Option<usize>,
    path: &Path,
) -> Result<(), OutputError> {
    let mut csv = create_csv(path)?;
    let err = csv_err(path);
    let mut header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    for p in &sweep.params {
        header.extend(bound_columns(&p.path));
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

/// One box of the PRIM peeling trajectory in `discovery.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Whether this is the box selected at the sweep's minimum density.
    pub chosen: bool,
    /// Share of all cases of interest inside the box, in [0, 1].
    pub coverage: f64,
    /// Share of the box's points that are cases of interest, in [0, 1].
    pub density: f64,
    /// Share of all points inside the box, in [0, 1].
    pub mass: f64,
    /// Per swept parameter: the box's bounds.
    pub bounds: Vec<(f64, f64)>,
}

/// Reads `discovery.csv` given the swept parameters' paths.
pub fn read_discovery(path: &Path, params: &[String]) -> Result<Vec<PrimBox>, ReadError> {
    // The box index is not needed: rows are in trajectory order.
    let mut names: Vec<String> = COLUMNS[1..].iter().map(|s| s.to_string()).collect();
    for p in params {
        names.extend(bound_columns(p));
    }
    let mut rdr = open_csv(path)?;
    let header = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let at = columns(path, &header, &names)?;
    let mut boxes = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(at[i]).unwrap_or("");
        let chosen = match field(0) {
            "true" => true,
            "false" => false,
            other => {
                return Err(invalid(path, Some(line), format!("`{other}` in column `chosen` is not true or false")));
            }
        };
        let num = |i: usize| number(path, line, &names[i], field(i));
        let bounds =
            (0..params.len()).map(|d| Ok((num(4 + 2 * d)?, num(5 + 2 * d)?))).collect::<Result<Vec<_>, _>>()?;
        boxes.push(PrimBox { chosen, coverage: num(1)?, density: num(2)?, mass: num(3)?, bounds });
    }
    Ok(boxes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sweep;
    use crate::results::fixtures::{tiny_sweep, written};

    #[test]
    fn a_written_trajectory_reads_back() {
        let (sw, points) = tiny_sweep();
        let (trajectory, chosen) = sweep::discovery(&sw, &points).expect("the tiny sweep asks for discovery");
        assert!(trajectory.boxes.len() > 1);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("discovery.csv");
        write_discovery(&sw, &trajectory, chosen, &p).unwrap();
        let params: Vec<String> = sw.params.iter().map(|p| p.path.clone()).collect();
        let read = read_discovery(&p, &params).unwrap();
        let expected: Vec<PrimBox> = trajectory
            .boxes
            .iter()
            .enumerate()
            .map(|(i, b)| PrimBox {
                chosen: chosen == Some(i),
                coverage: written(b.coverage),
                density: written(b.density),
                mass: written(b.mass),
                bounds: b.lower.iter().zip(&b.upper).map(|(lo, hi)| (written(*lo), written(*hi))).collect(),
            })
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn chosen_must_be_true_or_false() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("discovery.csv");
        std::fs::write(&p, "box,chosen,coverage,density,mass,a.x.low,a.x.high\n0,yes,1,0.3,1,0,1\n").unwrap();
        let e = read_discovery(&p, &["a.x".into()]).unwrap_err();
        assert!(e.to_string().contains("discovery.csv:2: `yes` in column `chosen` is not true or false"), "{e}");
        let e = read_discovery(&p, &["b.y".into()]).unwrap_err();
        assert!(e.to_string().contains("discovery.csv:1: no column `b.y.low`"), "{e}");
    }
}
