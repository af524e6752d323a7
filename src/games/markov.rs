//! Exact expectations for two memory-one strategies: the match is a Markov chain on the four
//! states of the last turn (CC, CD, DC, DD, the first player's move first), so the expected
//! payoff of an n-turn match and the long-run (stationary) payoff are computed, not sampled.
//!
//! Noise ε turns a probability of cooperating q into q(1 − ε) + (1 − q)ε, because the move is
//! chosen and then flipped; the chain runs on the moves as played, which is what both players
//! remember (as in [`crate::games::play`]).

use super::game::{Action, Game};
use super::strategy::{FirstMove, Rule, state};

/// The chain of a match between two memory-one rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// Distribution of the first turn's state.
    pub start: [f64; 4],
    /// `m[s][s2]`: probability of state `s2` after state `s`.
    pub m: [[f64; 4]; 4],
}

fn with_noise(q: f64, noise: f64) -> f64 {
    q * (1.0 - noise) + (1.0 - q) * noise
}

fn first(f: FirstMove, noise: f64) -> f64 {
    with_noise(
        match f {
            FirstMove::Fixed(Action::C) => 1.0,
            FirstMove::Fixed(Action::D) => 0.0,
            FirstMove::Random(p) => p,
        },
        noise,
    )
}

/// The joint distribution of two independent moves, cooperating with `a` and `b`.
fn joint(a: f64, b: f64) -> [f64; 4] {
    [a * b, a * (1.0 - b), (1.0 - a) * b, (1.0 - a) * (1.0 - b)]
}

impl Chain {
    /// The chain of `a` against `b` with noise; `None` if either rule remembers more than one
    /// turn (Grudger, TitForTwoTats, TwoTitsForTat).
    pub fn new(a: &Rule, b: &Rule, noise: f64) -> Option<Chain> {
        let (fa, sa) = a.memory_one()?;
        let (fb, sb) = b.memory_one()?;
        let start = joint(first(sa, noise), first(sb, noise));
        let mut m = [[0.0; 4]; 4];
        for (x, own) in [Action::C, Action::D].into_iter().enumerate() {
            for (y, other) in [Action::C, Action::D].into_iter().enumerate() {
                let s = 2 * x + y;
                let qa = with_noise(fa[state(own, other)], noise);
                let qb = with_noise(fb[state(other, own)], noise);
                m[s] = joint(qa, qb);
            }
        }
        Some(Chain { start, m })
    }

    fn step(&self, v: &[f64; 4]) -> [f64; 4] {
        let mut out = [0.0; 4];
        for (s, vs) in v.iter().enumerate() {
            for (s2, o) in out.iter_mut().enumerate() {
                *o += vs * self.m[s][s2];
            }
        }
        out
    }

    /// The expected distribution of the states over the first `turns` turns (the mean of
    /// the turns' distributions).
    pub fn mean_distribution(&self, turns: u32) -> [f64; 4] {
        let mut v = self.start;
        let mut sum = [0.0; 4];
        for t in 0..turns {
            if t > 0 {
                v = self.step(&v);
            }
            for s in 0..4 {
                sum[s] += v[s];
            }
        }
        sum.map(|x| x / turns.max(1) as f64)
    }

    /// The stationary distribution: π = πM, Σπ = 1, by Gaussian elimination; `None` when it
    /// is not unique (a chain without noise may have several absorbing states).
    #[allow(clippy::needless_range_loop)] // index arithmetic reads as the algebra
    pub fn stationary(&self) -> Option<[f64; 4]> {
        // (Mᵀ − I)π = 0 with the last equation replaced by Σπ = 1.
        let mut a = [[0.0; 5]; 4];
        for i in 0..4 {
            for j in 0..4 {
                a[i][j] = self.m[j][i] - if i == j { 1.0 } else { 0.0 };
            }
        }
        a[3] = [1.0, 1.0, 1.0, 1.0, 1.0];
        for col in 0..4 {
            let pivot = (col..4).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
            if a[pivot][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, pivot);
            for row in 0..4 {
                if row != col {
                    let f = a[row][col] / a[col][col];
                    for k in col..5 {
                        a[row][k] -= f * a[col][k];
                    }
                }
            }
        }
        Some([0, 1, 2, 3].map(|i| a[i][4] / a[i][i]))
    }
}

/// Both players' expected payoffs per turn under a distribution of states.
pub fn payoffs(game: &Game, dist: &[f64; 4]) -> [f64; 2] {
    let own = game.by_state();
    // The second player sees CD as DC: its payoffs by the first player's states.
    let other = [game.r, game.t, game.s, game.p];
    let dot = |p: &[f64; 4]| dist.iter().zip(p).map(|(d, x)| d * x).sum::<f64>();
    [dot(&own), dot(&other)]
}

/// Expected payoffs per turn of an n-turn match of `a` against `b` with noise; `None` unless
/// both are memory-one.
pub fn expected(game: &Game, a: &Rule, b: &Rule, noise: f64, turns: u32) -> Option<[f64; 2]> {
    Chain::new(a, b, noise).map(|c| payoffs(game, &c.mean_distribution(turns)))
}

/// Long-run payoffs per turn (the limit of [`expected`] as the turns grow), when the chain
/// has a unique stationary distribution.
pub fn stationary(game: &Game, a: &Rule, b: &Rule, noise: f64) -> Option<[f64; 2]> {
    Chain::new(a, b, noise)?.stationary().map(|d| payoffs(game, &d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::games::Strategy;

    fn rule(s: Strategy) -> Rule {
        s.compile(&Game::PRISONERS_DILEMMA).unwrap()
    }

    #[test]
    fn without_noise_the_chain_replays_the_deterministic_match() {
        let g = Game::PRISONERS_DILEMMA;
        let e = expected(&g, &rule(Strategy::TitForTat), &rule(Strategy::Defector), 0.0, 10).unwrap();
        assert!((e[0] - 0.9).abs() < 1e-12 && (e[1] - 1.4).abs() < 1e-12, "{e:?}");
        let e = expected(&g, &rule(Strategy::Alternator), &rule(Strategy::Cooperator), 0.0, 4).unwrap();
        assert!((e[0] - 4.0).abs() < 1e-12 && (e[1] - 1.5).abs() < 1e-12, "{e:?}");
        assert_eq!(Chain::new(&rule(Strategy::Grudger), &rule(Strategy::Defector), 0.0), None);
    }

    #[test]
    fn tit_for_tat_with_noise_spends_equal_time_in_every_state() {
        let g = Game::PRISONERS_DILEMMA;
        let tft = rule(Strategy::TitForTat);
        let d = Chain::new(&tft, &tft, 0.05).unwrap().stationary().unwrap();
        for x in d {
            assert!((x - 0.25).abs() < 1e-12, "{d:?}");
        }
        let s = stationary(&g, &tft, &tft, 0.05).unwrap();
        assert!((s[0] - 2.25).abs() < 1e-12);
        // The n-turn expectation approaches the stationary payoff.
        let e = expected(&g, &tft, &tft, 0.05, 20_000).unwrap();
        assert!((e[0] - s[0]).abs() < 1e-3, "{e:?} {s:?}");
    }

    #[test]
    fn stationary_distributions_are_distributions_and_fixed_points() {
        let c = Chain::new(&rule(Strategy::GTFT { p: Some(0.3) }), &rule(Strategy::WinStayLoseShift), 0.02).unwrap();
        let pi = c.stationary().unwrap();
        assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let next = c.step(&pi);
        for s in 0..4 {
            assert!(pi[s] >= 0.0 && (next[s] - pi[s]).abs() < 1e-12);
        }
        for row in c.m {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}
