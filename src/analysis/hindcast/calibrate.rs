//! Calibration: the scenario's uncertain parameters fitted on the train facts, by ABC
//! rejection over a space-filling design of the priors.
//!
//! The parameters are those the scenario's `[calibration]` names, or else all its uncertain
//! ones (`ParamTable::calibrated`), their distributions the priors; the other uncertain
//! parameters keep their own draws in every run. A scrambled Sobol' sequence, drawn from the master seed's design
//! stream, gives `points` points of the unit cube (a Latin hypercube from the same stream when
//! there are more parameters than the Sobol' directions cover, as in a baseline whose every
//! judgement value has a range), each mapped through every prior's quantile function
//! ([`crate::model::param::Distribution::quantile`]). Replication `r` of point `p`
//! plays run `p · runs + r` of the master seed with the point's values in place of the sampled
//! ones (as a sweep's points do), and forecasts every train fact; the point's score is the
//! mean Brier score of those forecasts. The posterior keeps the best fraction `keep` of the
//! points (ties broken by point index).
//!
//! The test facts never enter the fit: the collector of a calibration is built from the
//! train facts alone, so a test fact's condition is not even evaluated, and nothing it says can
//! change a design point's score, the posterior or the calibrated scenario.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::collect::{FactCounts, FactScratch, Facts};
use super::observations::{Observations, Split};
use super::score;
use crate::analysis::sensitivity::SobolSequence;
use crate::analysis::sweep::{replication, run_points_in};
use crate::model::param::ParamId;
use crate::montecarlo::{Collect, play};
use crate::scenario::Scenario;
use crate::scenario::inherit::MAX_FILE_BYTES;

/// The stream the design's scrambling draws from (runs count up from 0).
const DESIGN_STREAM: u64 = u64::MAX;

/// Why a calibration cannot start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    /// The scenario has no uncertain parameter.
    #[error("the scenario has no uncertain parameters to calibrate (give some a `dist`)")]
    NoParameters,
    /// The observation file has no train fact.
    #[error("the observation file has no train facts to calibrate on")]
    NoTrainFacts,
    /// No design point, or no run per point.
    #[error("a calibration needs at least one design point and one run per point")]
    Empty,
    /// `keep` outside (0, 1].
    #[error("`keep` must lie in (0, 1], got {0}")]
    Keep(f64),
}

/// What a calibration is asked to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Design points.
    pub points: usize,
    /// Runs per point.
    pub runs: u64,
    /// The master seed (of the design's scrambling and of every run).
    pub seed: u64,
    /// Share of the points kept as the posterior, in (0, 1].
    pub keep: f64,
}

/// One design point and its fit to the train facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignPoint {
    /// Its index in the design.
    pub point: usize,
    /// Each calibrated parameter's value, in the order of the scenario's calibrated parameters
    /// ([`crate::model::param::ParamTable::calibrated`]).
    pub values: Vec<f64>,
    /// Mean Brier and log scores of the point's forecasts of the train facts.
    pub brier: f64,
    /// Mean log score of the point's forecasts of the train facts.
    pub log_score: f64,
}

/// The design: the calibrated parameters and the points of the unit cube, mapped through their
/// priors.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    pub params: Vec<ParamId>,
    /// Parameter paths, in order.
    pub paths: Vec<String>,
    points: Points,
}

/// The unit-cube points of a design.
#[derive(Debug, Clone)]
enum Points {
    /// Up to the Sobol' sequence's dimensions: scrambled Sobol' points, any number of them.
    Sobol(SobolSequence),
    /// Beyond them: a Latin hypercube of a fixed number of points, `points × params`.
    Latin { params: usize, unit: Vec<f64> },
}

impl Design {
    /// The design of `points` points over the parameters `sc` calibrates (its `[calibration]`,
    /// or every uncertain one) for master seed `seed`.
    pub fn new(sc: &Scenario, seed: u64, points: usize) -> Result<Design, CalibrationError> {
        let params = sc.params.calibrated();
        if params.is_empty() {
            return Err(CalibrationError::NoParameters);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        let k = params.len();
        let points = if k <= crate::analysis::sensitivity::sequence::MAX_DIMENSIONS {
            Points::Sobol(SobolSequence::scrambled(k, &mut rng).expect("dimensions checked"))
        } else {
            Points::Latin { params: k, unit: crate::analysis::sweep::latin_hypercube(points, k, &mut rng) }
        };
        let paths = params.iter().map(|id| sc.params.get(*id).path.clone()).collect();
        Ok(Design { params, paths, points })
    }

    /// The parameter values of point `index`: its unit coordinates through each prior's
    /// quantile function.
    pub fn point(&self, sc: &Scenario, index: usize) -> Vec<f64> {
        let coordinate = |d: usize| match &self.points {
            Points::Sobol(sequence) => sequence.coordinate(index as u64, d),
            Points::Latin { params, unit } => unit[index * params + d],
        };
        self.params.iter().enumerate().map(|(d, id)| sc.params.get(*id).dist.quantile(coordinate(d))).collect()
    }
}

/// Whether a calibration of `sc` on `obs` with `settings` can run (its parameters, its train
/// facts, its settings): what the fit checks first, for callers that check before writing.
pub fn check(sc: &Scenario, obs: &Observations, settings: Settings) -> Result<(), CalibrationError> {
    if settings.points == 0 || settings.runs == 0 {
        return Err(CalibrationError::Empty);
    }
    if !(settings.keep > 0.0 && settings.keep <= 1.0) {
        return Err(CalibrationError::Keep(settings.keep));
    }
    if obs.in_split(Split::Train).next().is_none() {
        return Err(CalibrationError::NoTrainFacts);
    }
    Design::new(sc, settings.seed, 1).map(|_| ())
}

/// Plays every design point on the current rayon pool and scores it on the train facts.
/// `progress` is called with 1 per finished point. Points come back in order.
pub(crate) fn fit(
    sc: &Scenario,
    obs: &Observations,
    settings: Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Design, Vec<DesignPoint>), CalibrationError> {
    let (design, counts) = count_points(sc, obs, settings, 0..settings.points, progress)?;
    let points = score_points(sc, obs, &design, &counts);
    Ok((design, points))
}

/// Plays the design points `range` (a shard's block of the `settings.points`) on the current
/// rayon pool: per point, in order, its index and the runs (of `settings.runs`) in which each
/// train fact held, in file order. These integer counts are all a point's fit depends on
/// ([`score_points`]), so the counts of shards give exactly the fit of one process.
pub(crate) fn count_points(
    sc: &Scenario,
    obs: &Observations,
    settings: Settings,
    range: std::ops::Range<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Design, Vec<(usize, FactCounts)>), CalibrationError> {
    check(sc, obs, settings)?;
    let design = Design::new(sc, settings.seed, settings.points)?;
    // Built from the train facts alone: the test facts are never evaluated.
    let facts = Facts::new(sc, obs.in_split(Split::Train));
    let one = |point: usize| {
        let values = design.point(sc, point);
        let mut counts = facts.aggregate();
        let mut scratch = FactScratch::default();
        for r in 0..settings.runs {
            let run = point as u64 * settings.runs + r;
            let fixed = design.params.iter().copied().zip(values.iter().copied());
            let mut sim = replication(sc, settings.seed, run, fixed);
            play(&facts, &mut sim, &mut scratch);
            facts.finish(&sim, run, &mut scratch, &mut counts);
        }
        (point, counts)
    };
    let mut points = Vec::with_capacity(range.len());
    run_points_in(
        range,
        one,
        |batch| {
            points.extend(batch);
            Ok::<(), std::convert::Infallible>(())
        },
        progress,
    )
    .unwrap_or_else(|never| match never {});
    Ok((design, points))
}

/// Each point of `counts` (from [`count_points`]) with its values and its mean scores on the
/// train facts of `obs`.
pub(crate) fn score_points(
    sc: &Scenario,
    obs: &Observations,
    design: &Design,
    counts: &[(usize, FactCounts)],
) -> Vec<DesignPoint> {
    let observed: Vec<bool> = obs.in_split(Split::Train).map(|o| o.observed).collect();
    counts
        .iter()
        .map(|(point, counts)| {
            let forecasts: Vec<f64> = counts.held.iter().map(|&k| k as f64 / counts.runs as f64).collect();
            let s = score::score(&forecasts, &observed).expect("train facts exist");
            DesignPoint { point: *point, values: design.point(sc, *point), brier: s.brier, log_score: s.log_score }
        })
        .collect()
}

/// ABC rejection: the indices of the best `keep` share of `points` by train Brier score (at
/// least one; ties broken by point index), best first.
pub(crate) fn keep_best(points: &[DesignPoint], keep: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].brier.total_cmp(&points[b].brier).then(points[a].point.cmp(&points[b].point)));
    let n = ((keep * points.len() as f64).round() as usize).clamp(1, points.len().max(1));
    order.truncate(n.min(points.len()));
    order
}

/// The text of a calibrated scenario: it `extends` the original (`extends`, as the file will
/// read it) and draws `paths` jointly from the kept points' values. `observations` names the
/// observation file in comments and the description (its name, not its folder, so that the
/// text depends on the fit alone). When the kept points would make the file larger than a
/// scenario may be ([`MAX_FILE_BYTES`]), as with hundreds of parameters, it holds every k-th
/// of them by rank instead, the smallest k that fits: an even thinning of the posterior,
/// stated in the file's comment (`posterior.csv` keeps them all).
pub(crate) fn calibrated_toml(
    sc: &Scenario,
    extends: &str,
    observations: &str,
    paths: &[String],
    kept: &[&DesignPoint],
    settings: Settings,
    total: usize,
) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let rows: Vec<String> = kept
        .iter()
        .map(|p| {
            let row: Vec<String> = p.values.iter().map(|v| format!("{v:?}")).collect();
            format!("  [{}],\n", row.join(", "))
        })
        .collect();
    // Room for everything but the samples: the paths twice over is ample.
    let budget = MAX_FILE_BYTES - 4096 - 2 * paths.iter().map(|p| p.len() + 4).sum::<usize>();
    let bytes: usize = rows.iter().map(String::len).sum();
    let step = bytes.div_ceil(budget.max(1)).max(1);
    let thinned = if step > 1 {
        format!(
            " To fit a scenario file, it holds one row in {step} of them, by rank\n\
             # ({} rows); posterior.csv holds them all.",
            rows.len().div_ceil(step)
        )
    } else {
        String::new()
    };
    let mut t = String::new();
    t.push_str(&format!(
        "# Written by heartland calibrate: the {} best of {} design points by their mean Brier\n\
         # score on the train facts of {} (ABC rejection, keep = {},\n\
         # {} runs per point, seed {}).{thinned} Each run draws one row of [posterior] samples.\n\
         # Regenerate rather than edit.\n\n",
        kept.len(),
        total,
        observations.replace('\n', " "),
        settings.keep,
        settings.runs,
        settings.seed
    ));
    t.push_str("[scenario]\n");
    t.push_str(&format!("extends = {}\n", quote(extends)));
    t.push_str(&format!("name = {}\n", quote(&format!("{} (calibrated)", sc.name))));
    t.push_str(&format!(
        "description = {}\n\n",
        quote(&format!("{} Parameters calibrated on the train facts of {}.", sc.description.trim(), observations))
    ));
    t.push_str("[posterior]\n");
    let list: Vec<String> = paths.iter().map(|p| quote(p)).collect();
    t.push_str(&format!("parameters = [{}]\n", list.join(", ")));
    t.push_str(&format!("source = {}\n", quote(&format!("heartland calibrate on {observations}"))));
    t.push_str("samples = [\n");
    for row in rows.iter().step_by(step) {
        t.push_str(row);
    }
    t.push_str("]\n");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(point: usize, brier: f64) -> DesignPoint {
        DesignPoint { point, values: vec![point as f64], brier, log_score: 0.0 }
    }

    #[test]
    fn a_posterior_too_large_for_a_scenario_file_is_thinned_evenly() {
        let sc =
            Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap();
        let paths: Vec<String> = (0..800).map(|i| format!("p.{i}")).collect();
        let settings = Settings { points: 5000, runs: 20, keep: 0.1, seed: 1 };
        let wide = |n: usize| {
            (0..n).map(|i| DesignPoint { point: i, values: vec![0.123456789; 800], brier: 0.1, log_score: 0.3 })
        };
        let few: Vec<DesignPoint> = wide(10).collect();
        let text =
            calibrated_toml(&sc, "tiny.toml", "facts.csv", &paths, &few.iter().collect::<Vec<_>>(), settings, 100);
        assert_eq!(text.matches("  [0.123456789").count(), 10, "a small posterior is written whole");
        assert!(!text.contains("one row in"));
        let many: Vec<DesignPoint> = wide(500).collect();
        let text =
            calibrated_toml(&sc, "tiny.toml", "facts.csv", &paths, &many.iter().collect::<Vec<_>>(), settings, 5000);
        assert!(text.len() <= MAX_FILE_BYTES, "{} bytes", text.len());
        let rows = text.matches("  [0.123456789").count();
        assert!((125..500).contains(&rows), "{rows} rows");
        assert!(text.contains(&format!("({rows} rows); posterior.csv holds them all")), "the thinning is stated");
    }

    #[test]
    fn rejection_keeps_the_best_share_ties_by_index() {
        let points = [point(0, 0.3), point(1, 0.1), point(2, 0.2), point(3, 0.1), point(4, 0.5)];
        assert_eq!(keep_best(&points, 0.4), [1, 3]);
        assert_eq!(keep_best(&points, 0.01), [1]);
        assert_eq!(keep_best(&points, 1.0), [1, 3, 2, 0, 4]);
    }

    #[test]
    fn design_points_follow_the_priors() {
        let sc =
            Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap();
        let design = Design::new(&sc, 3, 64).unwrap();
        assert_eq!(design.paths.len(), sc.params.uncertain().len());
        let k = design.paths.iter().position(|p| p == "actors.kazakhstan.capability").unwrap();
        // Sobol' points stratify: 64 points put exactly 8 in each eighth of the prior's range.
        let mut strata = [0; 8];
        for p in 0..64 {
            let x = design.point(&sc, p)[k];
            assert!((0.04..=0.06).contains(&x));
            strata[((x - 0.04) / 0.02 * 8.0) as usize] += 1;
        }
        assert_eq!(strata, [8; 8]);
        assert_eq!(design.point(&sc, 5), Design::new(&sc, 3, 64).unwrap().point(&sc, 5), "a function of the seed");
        assert_ne!(design.point(&sc, 5), Design::new(&sc, 4, 64).unwrap().point(&sc, 5));
    }

    #[test]
    fn beyond_the_sobol_dimensions_the_design_is_a_latin_hypercube() {
        let sc = Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline_2014.toml"))
            .unwrap();
        let k = sc.params.uncertain().len();
        assert!(k > crate::analysis::sensitivity::sequence::MAX_DIMENSIONS, "the baseline has {k} uncertain values");
        let n = 40;
        let design = Design::new(&sc, 3, n).unwrap();
        let points: Vec<Vec<f64>> = (0..n).map(|i| design.point(&sc, i)).collect();
        // Every parameter's prior is cut into n equal-probability strata; each holds one point.
        for (d, id) in design.params.iter().enumerate() {
            let dist = &sc.params.get(*id).dist;
            let mut strata = vec![0; n];
            for p in &points {
                let below = (0..=n).filter(|j| dist.quantile(*j as f64 / n as f64) <= p[d]).count();
                strata[below.clamp(1, n) - 1] += 1;
            }
            assert_eq!(strata, vec![1; n], "{}", design.paths[d]);
        }
    }
}
