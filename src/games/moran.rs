//! The Moran process: a finite population of strategies, in which at each step one individual
//! reproduces with probability proportional to its fitness and one, chosen uniformly among
//! all, dies and is replaced by the offspring (Moran 1958; Nowak et al. 2004). Fitness is the
//! mean payoff per turn against every other member of the population, from a payoff matrix
//! (the tournament's, or exact expectations). The process runs until one strategy is left.
//!
//! For two strategies, the probability that a single mutant takes over a population of
//! residents has a closed form ([`fixation_exact`]), which checks the simulation.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The fitness of each type given the counts: mean payoff against the other N − 1 members.
fn fitness(payoff: &[Vec<f64>], counts: &[u32]) -> Vec<f64> {
    let n: u32 = counts.iter().sum();
    (0..counts.len())
        .map(|i| {
            if counts[i] == 0 {
                return 0.0;
            }
            let sum: f64 = counts.iter().enumerate().map(|(j, &c)| payoff[i][j] * (c - (i == j) as u32) as f64).sum();
            sum / (n - 1) as f64
        })
        .collect()
}

/// Picks an index with probability proportional to `weights` (all non-negative).
fn pick(weights: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// Runs one Moran process from `counts` (individuals per type; at least two in all) until
/// one type is left, and returns that type. `payoff[i][j]` is type i's payoff per turn
/// against type j; payoffs must be non-negative (shift the game's payoffs if they are not).
pub fn run(payoff: &[Vec<f64>], counts: &[u32], rng: &mut ChaCha8Rng) -> usize {
    let mut counts = counts.to_vec();
    let n: u32 = counts.iter().sum();
    loop {
        if let Some(winner) = counts.iter().position(|&c| c == n) {
            return winner;
        }
        let f = fitness(payoff, &counts);
        let births: Vec<f64> = counts.iter().zip(&f).map(|(&c, f)| c as f64 * f).collect();
        // Everyone with zero fitness: reproduction is uniform (a neutral step).
        let born = if births.iter().sum::<f64>() > 0.0 {
            pick(&births, rng)
        } else {
            pick(&counts.iter().map(|&c| c as f64).collect::<Vec<_>>(), rng)
        };
        let dies = pick(&counts.iter().map(|&c| c as f64).collect::<Vec<_>>(), rng);
        counts[born] += 1;
        counts[dies] -= 1;
    }
}

/// Simulated fixation of one `mutant` among `population − 1` residents: how many of `runs`
/// processes (run r on stream r of `seed`) end with the mutant's type alone.
pub fn fixations(payoff: &[Vec<f64>], mutant: usize, resident: usize, population: u32, runs: u64, seed: u64) -> u64 {
    let mut counts = vec![0; payoff.len()];
    counts[mutant] = 1;
    counts[resident] = population - 1;
    (0..runs)
        .filter(|&r| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(r);
            run(payoff, &counts, &mut rng) == mutant
        })
        .count() as u64
}

/// The exact fixation probability of one mutant among N − 1 residents in this process:
/// ρ = 1 / (1 + Σ_{k=1}^{N−1} Π_{j=1}^{k} g_j / f_j), where with j mutants the mutant's fitness
/// is f_j = ((j − 1)·a_mm + (N − j)·a_mr)/(N − 1) and the resident's g_j = (j·a_rm +
/// (N − j − 1)·a_rr)/(N − 1) (Nowak et al. 2004; Taylor et al. 2004). `a_xy` is x's payoff
/// against y.
pub fn fixation_exact(a_mm: f64, a_mr: f64, a_rm: f64, a_rr: f64, population: u32) -> f64 {
    let n = population as f64;
    let (mut sum, mut prod) = (1.0, 1.0);
    for j in 1..population {
        let j = j as f64;
        let f = ((j - 1.0) * a_mm + (n - j) * a_mr) / (n - 1.0);
        let g = (j * a_rm + (n - j - 1.0) * a_rr) / (n - 1.0);
        prod *= g / f;
        sum += prod;
    }
    1.0 / sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::aggregate::wilson;

    #[test]
    fn a_neutral_mutant_fixes_with_probability_one_over_n() {
        assert!((fixation_exact(1.0, 1.0, 1.0, 1.0, 10) - 0.1).abs() < 1e-12);
        // Constant fitness r: (1 − 1/r)/(1 − 1/r^N).
        let r: f64 = 1.5;
        let want = (1.0 - 1.0 / r) / (1.0 - r.powi(-10));
        assert!((fixation_exact(1.5, 1.5, 1.0, 1.0, 10) - want).abs() < 1e-12);
    }

    #[test]
    fn simulated_fixation_agrees_with_the_formula() {
        // Standard dilemma, 10 turns: TitForTat (mutant) against Defector (residents).
        let payoff = vec![vec![3.0, 0.9], vec![1.4, 1.0]];
        let exact = fixation_exact(3.0, 0.9, 1.4, 1.0, 8);
        let runs = 4000;
        let k = fixations(&payoff, 0, 1, 8, runs, 11);
        let (lo, hi) = wilson(k, runs);
        // A 95% interval, widened: this fixed seed is one draw.
        let slack = (hi - lo) / 2.0;
        assert!(lo - slack <= exact && exact <= hi + slack, "{k}/{runs} vs {exact}");
        assert!(exact > 1.0 / 8.0, "TitForTat is favoured in this game: {exact}");
    }
}
