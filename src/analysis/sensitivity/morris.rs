//! Morris elementary effects: a cheap screening of which parameters matter at all.
//!
//! # Design (Morris 1991, as SALib's `morris.sample` without trajectory optimisation)
//!
//! On the p-level grid {0, 1/(p−1), …, 1} of the unit hypercube (p even), with step
//! Δ = p / (2(p − 1)) (p/2 levels: 2/3 for p = 4), each of r trajectories has k + 1 points. A
//! trajectory draws a base point x* with each coordinate among the levels from which a step of
//! Δ stays in [0, 1], a direction ±1 per parameter and an order of the parameters; it starts at
//! x* (or x* + Δ for the parameters that step down) and moves one parameter by ±Δ per step, in
//! that order, so that each parameter moves exactly once. Trajectories are independent.
//!
//! # Analysis
//!
//! The elementary effect of parameter i on trajectory t is EE = (f(x + Δe_i) − f(x)) / Δ, the
//! output at the upper point minus that at the lower point, per unit of the unit hypercube:
//! for a uniform parameter on [lo, hi] it is the change of f over the whole range if f were
//! linear. Over the r trajectories: μ = mean EE, μ* = mean |EE| (Campolongo et al. 2007), and
//! σ = standard deviation of EE (r − 1 denominator), as SALib's `morris.analyze`. A large μ*
//! marks an influential parameter, a large σ one that interacts or acts non-linearly, and
//! μ* = 0 an inert one. The interval of μ* resamples the trajectories.
//!
//! # Cost
//!
//! The design stores its r(k + 1) × k points (k + 1 times the runs it asks for); the analysis
//! is O(r·k) time and memory, times the bootstrap replicates for the interval.

use rand::RngExt;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{Bootstrap, Estimate, ParamSpace, SensitivityError, check_outputs};

/// One step of a trajectory: the parameter that moves, and whether it moves up by Δ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The parameter's index.
    pub param: usize,
    /// True if it moves up by Δ, false if down.
    pub up: bool,
}

/// A Morris design: r trajectories of k + 1 points in [0, 1]^k.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    params: usize,
    levels: usize,
    trajectories: usize,
    /// `points × params`, row-major, trajectory by trajectory.
    unit: Vec<f64>,
    /// `trajectories × params`: the move from point s to point s + 1 of each trajectory.
    moves: Vec<Move>,
}

impl MorrisDesign {
    /// `trajectories` (r) at least 2, `levels` (p) even and at least 2 (SALib's default is 4),
    /// `params` (k) at least 1. Draws from `rng` per trajectory: the order of the parameters, then
    /// their directions, then the base levels.
    pub fn new(
        params: usize,
        trajectories: usize,
        levels: usize,
        rng: &mut ChaCha8Rng,
    ) -> Result<MorrisDesign, SensitivityError> {
        if params == 0 {
            return Err(SensitivityError::NoParameters);
        }
        if trajectories < 2 {
            return Err(SensitivityError::TooFew { what: "a Morris design (trajectories)", min: 2, got: trajectories });
        }
        if levels < 2 || !levels.is_multiple_of(2) {
            return Err(SensitivityError::Levels(levels));
        }
        let k = params;
        let half = levels / 2;
        let scale = 1.0 / (levels - 1) as f64;
        let mut unit = Vec::with_capacity(trajectories * (k + 1) * k);
        let mut moves = Vec::with_capacity(trajectories * k);
        let mut order: Vec<usize> = (0..k).collect();
        let mut up = vec![false; k];
        let mut level = vec![0usize; k];
        for _ in 0..trajectories {
            order.shuffle(rng);
            for u in up.iter_mut() {
                *u = rng.random::<bool>();
            }
            // A parameter that steps down starts Δ = p/2 levels above its base level.
            for (l, &u) in level.iter_mut().zip(&up) {
                *l = rng.random_range(0..half) + if u { 0 } else { half };
            }
            unit.extend(level.iter().map(|&l| l as f64 * scale));
            for &i in &order {
                level[i] = if up[i] { level[i] + half } else { level[i] - half };
                unit.extend(level.iter().map(|&l| l as f64 * scale));
                moves.push(Move { param: i, up: up[i] });
            }
        }
        Ok(MorrisDesign { params, levels, trajectories, unit, moves })
    }

    /// Number of parameters, k.
    pub fn params(&self) -> usize {
        self.params
    }

    /// Number of grid levels, p.
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// Number of trajectories, r.
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// The step Δ = p / (2(p − 1)), in the unit hypercube.
    pub fn delta(&self) -> f64 {
        self.levels as f64 / (2.0 * (self.levels - 1) as f64)
    }

    /// Number of points (model runs): r(k + 1).
    pub fn len(&self) -> usize {
        self.trajectories * (self.params + 1)
    }

    /// Always false: a design has at least one trajectory.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Point `index` in the unit hypercube. Trajectory t holds points t(k+1) … t(k+1) + k.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    pub fn unit_point(&self, index: usize) -> &[f64] {
        &self.unit[index * self.params..(index + 1) * self.params]
    }

    /// Writes point `index` mapped to parameter values by `space` into `out` (length k).
    ///
    /// # Panics
    /// If `index >= self.len()` or `space` or `out` does not have k parameters.
    pub fn point(&self, index: usize, space: &ParamSpace, out: &mut [f64]) {
        assert_eq!(space.len(), self.params, "parameter space does not match the design");
        space.map(self.unit_point(index), out);
    }

    /// The move from point `step` to point `step + 1` of trajectory `trajectory` (`step < k`).
    pub fn step(&self, trajectory: usize, step: usize) -> Move {
        assert!(step < self.params, "a trajectory has {} steps", self.params);
        self.moves[trajectory * self.params + step]
    }
}

/// The elementary-effect statistics of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisEffect {
    /// Mean elementary effect: its sign is the direction of the effect where it has one.
    pub mu: f64,
    /// Mean absolute elementary effect, with its bootstrap interval.
    pub mu_star: Estimate,
    /// Standard deviation of the elementary effects (r − 1 denominator).
    pub sigma: f64,
}

/// The statistics of each parameter from `outputs`, the model's output at each point of
/// `design` in design order, with bootstrap intervals of μ* drawn from `rng`.
///
/// Errors if `outputs` does not have one finite value per point.
pub fn morris_effects(
    design: &MorrisDesign,
    outputs: &[f64],
    bootstrap: &Bootstrap,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<MorrisEffect>, SensitivityError> {
    check_outputs(outputs, design.len())?;
    let (k, r) = (design.params, design.trajectories);
    let delta = design.delta();
    // ee[t * k + i]: the effect of parameter i on trajectory t.
    let mut ee = vec![0.0; r * k];
    for t in 0..r {
        let y = &outputs[t * (k + 1)..(t + 1) * (k + 1)];
        for s in 0..k {
            let mv = design.step(t, s);
            let rise = y[s + 1] - y[s];
            ee[t * k + mv.param] = if mv.up { rise } else { -rise } / delta;
        }
    }
    let rows = || ee.chunks_exact(k);
    let n = r as f64;
    let mut mu = vec![0.0; k];
    let mut mu_star = vec![0.0; k];
    for row in rows() {
        for ((m, ms), &e) in mu.iter_mut().zip(&mut mu_star).zip(row) {
            *m += e / n;
            *ms += e.abs() / n;
        }
    }
    let mut sigma = vec![0.0; k];
    for row in rows() {
        for ((s, m), &e) in sigma.iter_mut().zip(&mu).zip(row) {
            *s += (e - m) * (e - m) / (n - 1.0);
        }
    }
    let replicates = bootstrap.run(
        rng,
        k,
        || (),
        |_, stream, out| {
            out.fill(0.0);
            for _ in 0..r {
                let row = &ee[stream.random_range(0..r) * k..][..k];
                for (o, &e) in out.iter_mut().zip(row) {
                    *o += e.abs();
                }
            }
            out.iter_mut().for_each(|o| *o /= n);
        },
    );
    let stars = bootstrap.summarize(&mu_star, &replicates);
    Ok((0..k).map(|i| MorrisEffect { mu: mu[i], mu_star: stars[i], sigma: sigma[i].sqrt() }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sensitivity::Marginal;
    use rand::SeedableRng;

    fn evaluate(design: &MorrisDesign, space: &ParamSpace, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        let mut x = vec![0.0; design.params()];
        (0..design.len())
            .map(|p| {
                design.point(p, space, &mut x);
                f(&x)
            })
            .collect()
    }

    fn analyse(k: usize, r: usize, space: &ParamSpace, f: impl Fn(&[f64]) -> f64) -> Vec<MorrisEffect> {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let design = MorrisDesign::new(k, r, 4, &mut rng).unwrap();
        let y = evaluate(&design, space, f);
        morris_effects(&design, &y, &Bootstrap::new(200, 0.95).unwrap(), &mut rng).unwrap()
    }

    /// Every trajectory moves each parameter exactly once by ±Δ along the grid, and stays in
    /// [0, 1]; the design is a function of the seed. k = 5, r = 40, p = 4 (Δ = 2/3) and p = 6
    /// (Δ = 3/5).
    #[test]
    fn trajectories_move_each_parameter_once_by_delta() {
        for levels in [4, 6] {
            let (k, r) = (5, 40);
            let design = MorrisDesign::new(k, r, levels, &mut ChaCha8Rng::seed_from_u64(3)).unwrap();
            assert_eq!(design.len(), r * (k + 1));
            let grid = (levels - 1) as f64;
            for t in 0..r {
                let mut moved = vec![false; k];
                for s in 0..k {
                    let (x0, x1) = (design.unit_point(t * (k + 1) + s), design.unit_point(t * (k + 1) + s + 1));
                    let mv = design.step(t, s);
                    assert!(!moved[mv.param]);
                    moved[mv.param] = true;
                    for i in 0..k {
                        assert!((0.0..=1.0).contains(&x1[i]) && ((x1[i] * grid).round() - x1[i] * grid).abs() < 1e-12);
                        let change = x1[i] - x0[i];
                        let want = if i != mv.param {
                            0.0
                        } else if mv.up {
                            design.delta()
                        } else {
                            -design.delta()
                        };
                        assert!((change - want).abs() < 1e-12, "trajectory {t} step {s} parameter {i}");
                    }
                }
            }
            let again = MorrisDesign::new(k, r, levels, &mut ChaCha8Rng::seed_from_u64(3)).unwrap();
            assert_eq!(again, design);
        }
    }

    /// f = 3x₀ − 2x₁ + 0.5x₂ with x₀ ∈ [0, 1], x₁ ∈ [−1, 1], x₂ ∈ [10, 30]: every elementary
    /// effect is c_i·(hi − lo), so μ = c_i·(hi − lo), μ* = |μ| and σ = 0, to 1e-9 (r = 20).
    #[test]
    fn linear_function_has_exact_effects() {
        let space = ParamSpace::new([
            ("a".to_string(), Marginal::uniform(0.0, 1.0).unwrap()),
            ("b".to_string(), Marginal::uniform(-1.0, 1.0).unwrap()),
            ("c".to_string(), Marginal::uniform(10.0, 30.0).unwrap()),
        ])
        .unwrap();
        let effects = analyse(3, 20, &space, |x| 3.0 * x[0] - 2.0 * x[1] + 0.5 * x[2]);
        for (e, want) in effects.iter().zip([3.0, -4.0, 10.0]) {
            assert!((e.mu - want).abs() < 1e-9, "{e:?}");
            assert!((e.mu_star.value - f64::abs(want)).abs() < 1e-9, "{e:?}");
            assert!(e.sigma < 1e-9, "{e:?}");
            assert!((e.mu_star.high - e.mu_star.low) < 1e-9, "constant effects have a point interval");
        }
    }

    /// An inert parameter has μ* = 0 and σ = 0 exactly, whatever the others do:
    /// f = sin(2πx₀) + x₁² on [0, 1]³ with x₂ inert (r = 30).
    #[test]
    fn inert_parameter_has_no_effect() {
        let effects =
            analyse(3, 30, &ParamSpace::unit(3).unwrap(), |x| (std::f64::consts::TAU * x[0]).sin() + x[1] * x[1]);
        assert_eq!((effects[2].mu_star.value, effects[2].sigma), (0.0, 0.0));
        assert!(effects[0].mu_star.value > 0.1 && effects[1].mu_star.value > 0.1);
    }

    /// f = x₀ + 4x₁x₂ on [0, 1]⁴ (x₃ inert), r = 100: the effect of x₁ is 4x₂ where x₁ moves,
    /// which varies over trajectories, so σ > 0.5 for x₁ and x₂; x₀ is additive (σ = 0, μ* = 1).
    /// By symmetry of the grid, E[4x₂] = 2, and μ*'s interval for x₁ and x₂ covers 2.
    #[test]
    fn interaction_gives_spread_effects() {
        let effects = analyse(4, 100, &ParamSpace::unit(4).unwrap(), |x| x[0] + 4.0 * x[1] * x[2]);
        assert!((effects[0].mu_star.value - 1.0).abs() < 1e-9 && effects[0].sigma < 1e-9);
        for e in &effects[1..3] {
            assert!(e.sigma > 0.5, "{e:?}");
            assert!(e.mu_star.covers(2.0), "{e:?}");
        }
        assert_eq!(effects[3].mu_star.value, 0.0);
    }

    /// Same design, same outputs, same statistics as SALib: Ishigami (a = 7, b = 0.1) on
    /// [−π, π]³ at the 200 points of this design (r = 50, p = 4, seed 4), written out and
    /// passed to SALib 1.6's `morris.analyze(problem, X, Y, num_levels=4)`, gave these μ, μ*
    /// and σ; they agree to 1e-9, which pins the sign and scale of the effects.
    #[test]
    fn ishigami_effects_match_salib() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let design = MorrisDesign::new(3, 50, 4, &mut rng).unwrap();
        let pi = std::f64::consts::PI;
        let space = ParamSpace::new((0..3).map(|i| (format!("x{i}"), Marginal::uniform(-pi, pi).unwrap()))).unwrap();
        let y = evaluate(&design, &space, |x| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin());
        let effects = morris_effects(&design, &y, &Bootstrap::none(), &mut rng).unwrap();
        let salib = [
            (9.203765176393, 9.203765176393, 6.127748817848),
            (-0.630000000000, 7.875000000000, 7.929454584018),
            (2.249566597200, 6.248796103333, 8.632777806710),
        ];
        for (e, (mu, mu_star, sigma)) in effects.iter().zip(salib) {
            assert!(
                (e.mu - mu).abs() < 1e-9 && (e.mu_star.value - mu_star).abs() < 1e-9 && (e.sigma - sigma).abs() < 1e-9,
                "{e:?}"
            );
        }
    }

    #[test]
    fn rejects_bad_designs_and_outputs() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        assert_eq!(MorrisDesign::new(3, 10, 5, &mut rng), Err(SensitivityError::Levels(5)));
        assert_eq!(MorrisDesign::new(3, 10, 0, &mut rng), Err(SensitivityError::Levels(0)));
        assert!(matches!(MorrisDesign::new(3, 1, 4, &mut rng), Err(SensitivityError::TooFew { .. })));
        assert_eq!(MorrisDesign::new(0, 10, 4, &mut rng), Err(SensitivityError::NoParameters));
        let design = MorrisDesign::new(2, 4, 4, &mut rng).unwrap();
        let err = morris_effects(&design, &[0.0; 3], &Bootstrap::none(), &mut rng);
        assert_eq!(err, Err(SensitivityError::OutputCount { expected: 12, got: 3 }));
    }
}
