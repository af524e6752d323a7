//! Parameter sweeps: a scenario run over a design of parameter values, with sensitivity
//! analysis and scenario discovery.
//!
//! A sweep file names a scenario, the parameters to vary (by their path in the scenario, e.g.
//! `actors.russia.behaviour.pressure`) with their ranges or values, a design (full grid, Latin
//! hypercube, Sobol/Saltelli, Morris), the replications per design point, and the outcomes and
//! outputs to record. Every point and every replication is a function of (sweep file, master
//! seed, index) alone: replication `r` of point `p` uses stream `p · replications + r`, and
//! the design draws from a stream of its own, so a sweep can be split across machines and
//! merged exactly.
//!
//! Here: the sweep file's format, the checked [`Sweep`] with its design, and the runner
//! ([`run`], [`run_point`]); the analyses of the points ([`sensitivity`], [`discovery`]) are in
//! `analyses.rs`.

use std::path::Path;

use indexmap::IndexMap;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use toml::de::DeTable;

use crate::analysis::sensitivity::{Marginal, MorrisDesign, ParamSpace, SaltelliDesign, SaltelliOptions};
use crate::model::metric::Metric;
use crate::model::param::ParamId;
use crate::scenario::diagnostic::{self, Diagnostic, Seg, SourceMap, did_you_mean, join};
use crate::scenario::{Scenario, ScenarioError, shipped};
use crate::simulation::{Simulation, run_stream};

mod analyses;
pub use analyses::{SensitivityRow, discovery, sensitivity};

/// The stream the design's own randomness comes from (run streams count up from 0).
const DESIGN_STREAM: u64 = u64::MAX;

/// Points per batch handed to the sink.
const BATCH: usize = 256;

// ------------------------------------------------------------------------------ file format

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepFile {
    pub sweep: SweepMeta,
    /// `"PARAMETER PATH" = { low, high }` or `{ values = [...] }`.
    pub parameters: IndexMap<String, RangeFile>,
    pub discovery: Option<DiscoveryFile>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepMeta {
    pub name: String,
    pub description: Option<String>,
    /// The scenario file, relative to the sweep file.
    pub scenario: String,
    pub design: DesignKind,
    /// Latin hypercube: the number of points; Sobol: the base rows N (points N·(k+2));
    /// Morris: the number of trajectories r (points r·(k+1)). Unused by the grid.
    pub points: Option<usize>,
    /// Morris grid levels (even, default 4).
    pub levels: Option<usize>,
    /// Runs per design point.
    pub replications: u64,
    pub seed: Option<u64>,
    /// Outcome IDs to record; all of the scenario's when absent.
    pub outcomes: Option<Vec<String>>,
    /// Metric paths whose final value is averaged per point (e.g. `state.afghan_threat`).
    #[serde(default)]
    pub outputs: Vec<String>,
    /// Bootstrap replicates for the sensitivity intervals (default 200).
    pub bootstrap: Option<usize>,
}

/// The kind of design a sweep file asks for (`[sweep] design`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DesignKind {
    /// Every combination of each parameter's listed values.
    Grid,
    /// A Latin hypercube of `points` points over the parameters' ranges.
    Latin,
    /// A Saltelli design for Sobol' indices: N·(k+2) points from N base rows.
    Sobol,
    /// Morris trajectories for elementary effects: r·(k+1) points.
    Morris,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RangeFile {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub values: Option<Vec<f64>>,
}

/// Scenario discovery: where in parameter space is an outcome likely?
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiscoveryFile {
    /// The outcome ID whose probability per point PRIM explains.
    pub outcome: String,
    /// The least density (mean probability inside the box) a chosen box must have.
    pub min_density: Option<f64>,
}

// --------------------------------------------------------------------------- checked sweep

/// A swept parameter.
#[derive(Debug, Clone)]
pub struct Swept {
    /// The parameter's path in the scenario.
    pub path: String,
    /// The parameter's id in the scenario's table.
    pub id: ParamId,
    /// `(low, high)` for sampled designs.
    pub range: (f64, f64),
    /// Grid values (grid design only).
    pub values: Vec<f64>,
}

/// A design's points, in design order.
#[derive(Debug, Clone)]
pub enum Design {
    /// The grid: point `i` is read off the parameters' values, the last parameter varying fastest.
    Grid,
    /// A Latin hypercube.
    Latin {
        /// `points × parameters`, row-major, in the unit hypercube.
        unit: Vec<f64>,
    },
    /// A Saltelli design.
    Sobol(SaltelliDesign),
    /// Morris trajectories.
    Morris(MorrisDesign),
}

/// A checked sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep's name.
    pub name: String,
    /// What it explores, if the file says.
    pub description: Option<String>,
    /// The scenario it varies.
    pub scenario: Scenario,
    /// The scenario's file as resolved from the sweep file, or `NAME (shipped)`.
    pub scenario_file: String,
    /// The swept parameters, in file order (the columns of `points.csv`).
    pub params: Vec<Swept>,
    /// The kind of design.
    pub kind: DesignKind,
    /// The design's points.
    pub design: Design,
    /// Number of design points.
    pub points: usize,
    /// Runs per point.
    pub replications: u64,
    /// The master seed.
    pub seed: u64,
    /// Indices into `scenario.outcomes`.
    pub outcomes: Vec<usize>,
    /// The metrics whose final values are averaged per point (`output.PATH` columns).
    pub outputs: Vec<Metric>,
    /// Bootstrap replicates of the sensitivity intervals.
    pub bootstrap: usize,
    /// Scenario discovery: the outcome's index in the scenario's outcomes, and the least
    /// density a chosen box must have (default 0.5).
    pub discovery: Option<(usize, f64)>,
}

/// The most design points a sweep may have (each holds a value per parameter and a row of
/// results): ten million.
pub const MAX_DESIGN_POINTS: usize = 10_000_000;

/// Largest sweep file read, in bytes: far above any real sweep (a few dozen lines), small
/// enough that a stray large file is refused before it is parsed.
pub const MAX_SWEEP_BYTES: u64 = 1 << 20;

impl Sweep {
    /// Reads and checks a sweep file and the scenario it names.
    pub fn load(path: &Path) -> Result<Sweep, ScenarioError> {
        let text = crate::input::read_text(path, MAX_SWEEP_BYTES)
            .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
        Sweep::parse(&text, &path.display().to_string())
    }

    /// Checks sweep text; `file` names it in messages and locates its scenario (a file
    /// relative to it, or else the shipped scenario of that file name).
    pub fn parse(text: &str, file: &str) -> Result<Sweep, ScenarioError> {
        Sweep::parse_with(text, file, &mut Scenario::load_or_shipped)
    }

    /// A shipped sweep by name (`veto_pressure`, with or without `.toml`), with its scenario
    /// among the shipped ones; `None` if no shipped sweep has that name.
    pub fn shipped(name: &str) -> Option<Result<Sweep, ScenarioError>> {
        let s = shipped::sweep(name)?;
        let mut load = |path: &Path| match shipped::at(path) {
            Some(sc) => Scenario::shipped(sc.name).expect("found by name"),
            None => Err(ScenarioError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no shipped scenario has that name"),
            }),
        };
        Some(Sweep::parse_with(s.text, &s.display_name(), &mut load))
    }

    /// As [`Sweep::parse`], loading the scenario (at its path, relative to `file`) with `load`.
    pub fn parse_with(
        text: &str,
        file: &str,
        load: &mut dyn FnMut(&Path) -> Result<Scenario, ScenarioError>,
    ) -> Result<Sweep, ScenarioError> {
        let invalid = |diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics };
        let map = SourceMap::new(text);
        let doc = DeTable::parse(text).map_err(|e| invalid(vec![located(&e, &map)]))?;
        let raw = SweepFile::deserialize(toml::de::Deserializer::from(doc.clone()))
            .map_err(|e| invalid(vec![located(&e, &map)]))?;
        let at = |path: &[Seg], d: Diagnostic| {
            let mut d = d;
            d.key = join(path);
            d.location = diagnostic::span_of(doc.get_ref(), path, false).map(|s| map.locate(s));
            d
        };
        let key = |parts: &[&str]| parts.iter().map(|p| Seg::Key((*p).to_string())).collect::<Vec<_>>();
        let scenario_path = Path::new(file).parent().unwrap_or(Path::new("")).join(&raw.sweep.scenario);
        // A scenario that cannot be read is a mistake in this file: point at its `scenario` key.
        let scenario = load(&scenario_path).map_err(|e| match e {
            ScenarioError::Io { path, source } => invalid(vec![at(
                &key(&["sweep", "scenario"]),
                Diagnostic::new("", format!("cannot read the scenario {}: {source}", path.display()))
                    .help("`scenario` is a path relative to the sweep file"),
            )]),
            e => e,
        })?;
        // As the scenario was found: its path, or `NAME (shipped)`.
        let scenario_file =
            scenario.files.first().map_or_else(|| scenario_path.display().to_string(), |f| f.name.clone());
        let mut diags = Vec::new();

        let mut params = Vec::new();
        for (p, r) in &raw.parameters {
            let k = key(&["parameters", p]);
            let Some(id) = scenario.params.find(p) else {
                let paths: Vec<&str> = scenario.params.iter().map(|(_, x)| x.path.as_str()).collect();
                diags.push(at(
                    &k,
                    Diagnostic::new("", format!("`{p}` is not a parameter of {scenario_file}"))
                        .expected("the path of a number in the scenario, e.g. actors.russia.behaviour.pressure")
                        .help_opt(did_you_mean(p, paths)),
                ));
                continue;
            };
            let domain = scenario.params.get(id).domain;
            let (range, values) = match (r.low, r.high, &r.values) {
                (Some(lo), Some(hi), None) if lo < hi && domain.contains(lo) && domain.contains(hi) => {
                    ((lo, hi), Vec::new())
                }
                (None, None, Some(v)) if !v.is_empty() && v.iter().all(|x| domain.contains(*x)) => {
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    ((lo, hi), v.clone())
                }
                _ => {
                    diags.push(at(
                        &k,
                        Diagnostic::new("", format!("`{p}` needs a range inside its domain, {}", domain.describe()))
                            .expected("{ low = ..., high = ... } with low < high, or { values = [...] }"),
                    ));
                    continue;
                }
            };
            params.push(Swept { path: p.clone(), id, range, values });
        }
        if raw.parameters.is_empty() {
            diags.push(at(&key(&["parameters"]), Diagnostic::new("", "a sweep varies at least one parameter")));
        }
        let meta = &raw.sweep;
        if meta.replications == 0 {
            diags.push(at(
                &key(&["sweep", "replications"]),
                Diagnostic::new("", "a sweep needs at least one replication per point"),
            ));
        }
        let outcomes: Vec<usize> = match &meta.outcomes {
            None => (0..scenario.outcomes.len()).collect(),
            Some(ids) => ids
                .iter()
                .enumerate()
                .filter_map(|(i, id)| {
                    let found = scenario.outcomes.iter().position(|o| &o.id == id);
                    if found.is_none() {
                        let ids: Vec<&str> = scenario.outcomes.iter().map(|o| o.id.as_str()).collect();
                        let mut k = key(&["sweep", "outcomes"]);
                        k.push(Seg::Index(i));
                        diags.push(at(
                            &k,
                            Diagnostic::new("", format!("unknown outcome `{id}`")).help_opt(did_you_mean(id, ids)),
                        ));
                    }
                    found
                })
                .collect(),
        };
        let outputs: Vec<Metric> = meta
            .outputs
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match Metric::parse(m, &scenario.names()) {
                Ok(x) => Some(x),
                Err(e) => {
                    let mut k = key(&["sweep", "outputs"]);
                    k.push(Seg::Index(i));
                    diags.push(at(
                        &k,
                        Diagnostic::new("", e.message)
                            .expected(e.expected)
                            .help_opt(e.suggestion.map(|s| format!("did you mean `{s}`?"))),
                    ));
                    None
                }
            })
            .collect();
        let discovery = raw.discovery.as_ref().and_then(|d| {
            let found = scenario.outcomes.iter().position(|o| o.id == d.outcome);
            if found.is_none() {
                let ids: Vec<&str> = scenario.outcomes.iter().map(|o| o.id.as_str()).collect();
                diags.push(at(
                    &key(&["discovery", "outcome"]),
                    Diagnostic::new("", format!("unknown outcome `{}`", d.outcome))
                        .help_opt(did_you_mean(&d.outcome, ids)),
                ));
            }
            found.map(|o| (o, d.min_density.unwrap_or(0.5)))
        });
        let seed = meta.seed.unwrap_or(0);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        let k = params.len();
        // The design's size, in checked arithmetic, before any design is built: a grid whose
        // product overflows or a design of billions of points is refused, never wrapped.
        let size = match meta.design {
            DesignKind::Grid => params.iter().try_fold(1usize, |n, p| n.checked_mul(p.values.len().max(1))),
            DesignKind::Latin => meta.points,
            DesignKind::Sobol => meta.points.and_then(|n| n.checked_mul(k.max(1) + 2)),
            DesignKind::Morris => meta.points.and_then(|r| r.checked_mul(k.max(1) + 1)),
        };
        if size.is_none_or(|n| n > MAX_DESIGN_POINTS) && (meta.points.is_some() || meta.design == DesignKind::Grid) {
            let at_key = if meta.design == DesignKind::Grid { key(&["parameters"]) } else { key(&["sweep", "points"]) };
            let size = size.map_or("more than 2^64".to_string(), |n| n.to_string());
            diags.push(at(
                &at_key,
                Diagnostic::new(
                    "",
                    format!("the design has {size} points, more than the {MAX_DESIGN_POINTS} a sweep may have"),
                ),
            ));
            return Err(invalid(diags));
        }
        let need_points = |diags: &mut Vec<Diagnostic>, what: &str| -> usize {
            match meta.points {
                Some(n) if n >= 2 => n,
                _ => {
                    diags.push(at(
                        &key(&["sweep", "points"]),
                        Diagnostic::new("", format!("a {what} design needs `points` >= 2")),
                    ));
                    2
                }
            }
        };
        let (design, points) = match meta.design {
            DesignKind::Grid => {
                let missing: Vec<&str> =
                    params.iter().filter(|p| p.values.is_empty()).map(|p| p.path.as_str()).collect();
                if !missing.is_empty() {
                    diags.push(at(
                        &key(&["parameters"]),
                        Diagnostic::new(
                            "",
                            format!("a grid needs `values` for every parameter; missing for {}", missing.join(", ")),
                        ),
                    ));
                }
                (Design::Grid, params.iter().map(|p| p.values.len().max(1)).product())
            }
            DesignKind::Latin => {
                let n = need_points(&mut diags, "Latin hypercube");
                (Design::Latin { unit: latin_hypercube(n, k, &mut rng) }, n)
            }
            DesignKind::Sobol => {
                let n = need_points(&mut diags, "Sobol");
                match SaltelliDesign::scrambled(k.max(1), n, SaltelliOptions::default(), &mut rng) {
                    Ok(d) => {
                        let len = d.len();
                        (Design::Sobol(d), len)
                    }
                    Err(e) => {
                        diags.push(at(&key(&["sweep", "points"]), Diagnostic::new("", e.to_string())));
                        (Design::Grid, 0)
                    }
                }
            }
            DesignKind::Morris => {
                let r = need_points(&mut diags, "Morris");
                match MorrisDesign::new(k.max(1), r, meta.levels.unwrap_or(4), &mut rng) {
                    Ok(d) => {
                        let len = d.len();
                        (Design::Morris(d), len)
                    }
                    Err(e) => {
                        diags.push(at(&key(&["sweep", "levels"]), Diagnostic::new("", e.to_string())));
                        (Design::Grid, 0)
                    }
                }
            }
        };
        if (points as u128) * u128::from(meta.replications) > u128::from(u64::MAX / 2) {
            diags.push(at(&key(&["sweep", "replications"]), Diagnostic::new("", "points × replications is too large")));
        }
        if !diags.is_empty() {
            return Err(invalid(diags));
        }
        Ok(Sweep {
            name: meta.name.clone(),
            description: meta.description.clone(),
            scenario,
            scenario_file,
            params,
            kind: meta.design,
            design,
            points,
            replications: meta.replications,
            seed,
            outcomes,
            outputs,
            bootstrap: meta.bootstrap.unwrap_or(200),
            discovery,
        })
    }

    /// The parameter values of design point `index`.
    pub fn point(&self, index: usize, out: &mut [f64]) {
        let k = self.params.len();
        match &self.design {
            Design::Grid => {
                let mut rest = index;
                for (i, p) in self.params.iter().enumerate().rev() {
                    out[i] = p.values[rest % p.values.len()];
                    rest /= p.values.len();
                }
            }
            Design::Latin { unit } => self.space().map(&unit[index * k..(index + 1) * k], out),
            Design::Sobol(d) => d.point(index, &self.space(), out),
            Design::Morris(d) => d.point(index, &self.space(), out),
        }
    }

    fn space(&self) -> ParamSpace {
        ParamSpace::new(
            self.params.iter().map(|p| (p.path.clone(), Marginal::Uniform { low: p.range.0, high: p.range.1 })),
        )
        .expect("checked ranges")
    }

    /// Total runs: points × replications.
    pub fn runs(&self) -> u64 {
        self.points as u64 * self.replications
    }
}

fn located(e: &toml::de::Error, map: &SourceMap<'_>) -> Diagnostic {
    let mut d = Diagnostic::new("", e.message().lines().next().unwrap_or("invalid sweep file").trim().to_string());
    d.location = e.span().map(|s| map.locate(s));
    d
}

/// `n` points of a Latin hypercube in `[0, 1]^k`, row-major: in each dimension every one of
/// the `n` strata holds exactly one point, placed uniformly within it.
pub(crate) fn latin_hypercube(n: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    use rand::RngExt;
    let mut unit = vec![0.0; n * k];
    let mut perm: Vec<usize> = (0..n).collect();
    for d in 0..k {
        for i in (1..n).rev() {
            perm.swap(i, rng.random_range(0..=i as u64) as usize);
        }
        for (p, &stratum) in perm.iter().enumerate() {
            unit[p * k + d] = (stratum as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    unit
}

// ------------------------------------------------------------------------------- running

/// The results of one design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointResult {
    /// The point's index in the design.
    pub point: usize,
    /// The swept parameters' values.
    pub values: Vec<f64>,
    /// Per recorded outcome: replications that reached it.
    pub reached: Vec<u64>,
    /// Per output: mean final value over replications.
    pub outputs: Vec<f64>,
    /// Each replication, when the sweep keeps per-run rows (empty otherwise).
    pub runs: Vec<SweepRun>,
}

/// One replication of a design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepRun {
    /// The replication's index within its point.
    pub replication: u64,
    /// The run's stream index: `point · replications + replication`.
    pub run: u64,
    /// Per recorded outcome: the turn first reached.
    pub reached: Vec<Option<usize>>,
    /// Per output: its final value.
    pub outputs: Vec<f64>,
}

/// Runs every point × replication on the current rayon pool. Points come back to `sink` in
/// design order, a batch at a time, with their per-run rows when `per_run`; `progress` is
/// called with 1 per finished point. The returned results keep no per-run rows, so memory
/// grows with the points only by their few summary numbers.
pub fn run<E>(
    sweep: &Sweep,
    per_run: bool,
    mut sink: impl FnMut(&[PointResult]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<PointResult>, E> {
    let mut all = Vec::with_capacity(sweep.points);
    let store = |batch: Vec<PointResult>| {
        sink(&batch)?;
        all.extend(batch.into_iter().map(|r| PointResult { runs: Vec::new(), ..r }));
        Ok(())
    };
    run_points(sweep.points, |p| run_point(sweep, p, per_run), store, progress)?;
    Ok(all)
}

/// [`run`] for the design points `points` alone (a shard of the design): each point's
/// result is the one [`run`] gives it.
pub fn run_range<E>(
    sweep: &Sweep,
    points: std::ops::Range<usize>,
    per_run: bool,
    mut sink: impl FnMut(&[PointResult]) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<PointResult>, E> {
    let mut all = Vec::with_capacity(points.len());
    let store = |batch: Vec<PointResult>| {
        sink(&batch)?;
        all.extend(batch.into_iter().map(|r| PointResult { runs: Vec::new(), ..r }));
        Ok(())
    };
    run_points_in(points, |p| run_point(sweep, p, per_run), store, progress)?;
    Ok(all)
}

/// Runs `one` for every design point `0..points` on the current rayon pool, points in
/// parallel, in batches that reach `sink` in point order; `progress` is called with 1 per
/// finished point. The runner of sweeps and of calibrations: whatever a point computes, its
/// result depends on its index alone, never on which worker took it.
pub(crate) fn run_points<R: Send, E>(
    points: usize,
    one: impl Fn(usize) -> R + Sync,
    sink: impl FnMut(Vec<R>) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), E> {
    run_points_in(0..points, one, sink, progress)
}

/// [`run_points`] for the points `range` alone (a shard's block).
pub(crate) fn run_points_in<R: Send, E>(
    range: std::ops::Range<usize>,
    one: impl Fn(usize) -> R + Sync,
    mut sink: impl FnMut(Vec<R>) -> Result<(), E>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), E> {
    let (mut start, points) = (range.start, range.end);
    while start < points {
        let stop = (start + BATCH).min(points);
        let batch: Vec<R> = (start..stop)
            .into_par_iter()
            .map(|p| {
                let result = one(p);
                progress(1);
                result
            })
            .collect();
        sink(batch)?;
        start = stop;
    }
    Ok(())
}

/// Run `run` of a design point: every parameter sampled from the run's stream as usual, then
/// those of `fixed` set to the point's values, so everything not swept varies as in a plain
/// run, on the same random numbers.
pub(crate) fn replication<'s>(
    sc: &'s Scenario,
    seed: u64,
    run: u64,
    fixed: impl IntoIterator<Item = (ParamId, f64)>,
) -> Simulation<'s> {
    let mut sampled = sc.params.sample(&mut run_stream(seed, run));
    for (id, v) in fixed {
        sampled.set(id, v);
    }
    Simulation::with_values(sc, sampled, seed, run)
}

/// One design point: its replications, in order, each kept as a row when `per_run`.
pub fn run_point(sweep: &Sweep, point: usize, per_run: bool) -> PointResult {
    let sc = &sweep.scenario;
    let mut values = vec![0.0; sweep.params.len()];
    sweep.point(point, &mut values);
    let mut reached = vec![0u64; sweep.outcomes.len()];
    let mut sums = vec![crate::montecarlo::aggregate::FixedSum::default(); sweep.outputs.len()];
    let mut runs = Vec::new();
    for r in 0..sweep.replications {
        let run = point as u64 * sweep.replications + r;
        let fixed = sweep.params.iter().map(|p| p.id).zip(values.iter().copied());
        let mut sim = replication(sc, sweep.seed, run, fixed);
        sim.run_to_end();
        for (count, &o) in reached.iter_mut().zip(&sweep.outcomes) {
            *count += u64::from(sim.state().reached[o].is_some());
        }
        let finals: Vec<f64> = sweep.outputs.iter().map(|m| sim.metric(m)).collect();
        for (sum, x) in sums.iter_mut().zip(&finals) {
            sum.add(*x);
        }
        if per_run {
            let reached = sweep.outcomes.iter().map(|&o| sim.state().reached[o]).collect();
            runs.push(SweepRun { replication: r, run, reached, outputs: finals });
        }
    }
    let outputs = sums.iter().map(|s| s.mean(sweep.replications)).collect();
    PointResult { point, values, reached, outputs, runs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_fills_every_stratum_once() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (n, k) = (50, 3);
        let unit = latin_hypercube(n, k, &mut rng);
        for d in 0..k {
            let mut strata: Vec<usize> = (0..n).map(|p| (unit[p * k + d] * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }
}
