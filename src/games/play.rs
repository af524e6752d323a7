//! One match of the iterated game: two compiled rules, a number of turns (or a random length
//! from a continuation probability), noise, and the random stream the match owns.
//!
//! The order of random draws is fixed, so that a match is a function of its stream: at the
//! start, the length (only with a continuation probability); each turn, the first player's
//! decision, the second's (each only if it is random), then one 64-bit number for both noise
//! flips (only with noise): its low half decides the first move's, its high half the second's,
//! each flipped when below noise × 2³² (one draw instead of two: half the turn's cost). Noise changes the move as played: both players
//! remember the flipped move, as in the axelrod library.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::game::{Action, Game};
use super::strategy::{Memory, Rule};

/// How a match is played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchRules {
    /// Turns; with a continuation probability, the most a match can last. At least 1.
    pub turns: u32,
    /// Probability that a move is flipped after it is chosen, in [0, 0.5].
    pub noise: f64,
    /// Probability that the match goes on after each turn, in [0, 1); `None`: exactly
    /// `turns`. The length is geometric with mean 1/(1 − continuation), capped at `turns`
    /// (axelrod's `prob_end` is 1 − continuation).
    pub continuation: Option<f64>,
}

/// A match's totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchScore {
    /// Turns played.
    pub turns: u32,
    /// Each player's total payoff (game points).
    pub score: [f64; 2],
    /// Each player's cooperations, as played.
    pub cooperations: [u32; 2],
}

impl MatchScore {
    /// 0 or 1 for the player with the higher total, `None` for a tie (axelrod's winner).
    pub fn winner(&self) -> Option<usize> {
        if self.score[0] > self.score[1] {
            Some(0)
        } else if self.score[1] > self.score[0] {
            Some(1)
        } else {
            None
        }
    }
}

/// The random stream of a tournament's match `index` in repetition `repetition`: the same
/// whatever the order or the thread the matches are played in.
pub fn match_stream(seed: u64, index: usize, repetition: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((index as u64) << 32) | repetition as u64);
    rng
}

/// The length of a match: `turns`, or geometric by inverse transform as axelrod samples it,
/// ⌈ln(1 − u)/ln(continuation)⌉ turns, at least 1 and at most `turns`.
fn length(rules: &MatchRules, rng: &mut ChaCha8Rng) -> u32 {
    match rules.continuation {
        None => rules.turns,
        Some(c) if c <= 0.0 => 1,
        Some(c) => {
            let u: f64 = rng.random();
            let n = ((1.0 - u).ln() / c.ln()).ceil();
            if n.is_finite() { (n as u32).clamp(1, rules.turns) } else { rules.turns }
        }
    }
}

/// Both moves after noise: `threshold` is noise × 2³² (0: no draw).
#[inline]
fn noisy(x: Action, y: Action, threshold: u64, rng: &mut ChaCha8Rng) -> (Action, Action) {
    if threshold == 0 {
        return (x, y);
    }
    let u: u64 = rng.random();
    let flip = |a: Action, half: u64| if half < threshold { a.flip() } else { a };
    (flip(x, u & 0xffff_ffff), flip(y, u >> 32))
}

/// Plays a match between `a` and `b`, calling `each(move_a, move_b)` after every turn with
/// the moves as played.
pub fn play_with(
    game: &Game,
    a: &Rule,
    b: &Rule,
    rules: &MatchRules,
    rng: &mut ChaCha8Rng,
    mut each: impl FnMut(Action, Action),
) -> MatchScore {
    let turns = length(rules, rng);
    let (mut ma, mut mb) = (Memory::default(), Memory::default());
    let mut out = MatchScore { turns, score: [0.0; 2], cooperations: [0; 2] };
    // noise ≤ 0.5, so the threshold fits; noise 0 never draws.
    let threshold = (rules.noise * 4_294_967_296.0).round() as u64;
    for _ in 0..turns {
        let x = a.decide(&ma, rng);
        let y = b.decide(&mb, rng);
        let (x, y) = noisy(x, y, threshold, rng);
        ma.record(x, y);
        mb.record(y, x);
        out.score[0] += game.payoff(x, y);
        out.score[1] += game.payoff(y, x);
        out.cooperations[0] += (x == Action::C) as u32;
        out.cooperations[1] += (y == Action::C) as u32;
        each(x, y);
    }
    out
}

/// Plays a match between `a` and `b`.
pub fn play(game: &Game, a: &Rule, b: &Rule, rules: &MatchRules, rng: &mut ChaCha8Rng) -> MatchScore {
    play_with(game, a, b, rules, rng, |_, _| {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::games::strategy::Strategy;

    fn rule(s: Strategy) -> Rule {
        s.compile(&Game::PRISONERS_DILEMMA).unwrap()
    }

    #[test]
    fn tit_for_tat_against_a_defector_loses_the_first_turn_only() {
        let rules = MatchRules { turns: 10, noise: 0.0, continuation: None };
        let m = play(
            &Game::PRISONERS_DILEMMA,
            &rule(Strategy::TitForTat),
            &rule(Strategy::Defector),
            &rules,
            &mut match_stream(1, 0, 0),
        );
        assert_eq!(m.score, [9.0, 14.0]);
        assert_eq!(m.cooperations, [1, 0]);
        assert_eq!(m.winner(), Some(1));
    }

    #[test]
    fn noise_is_remembered_as_played() {
        // With certain noise every move is flipped: TitForTat copies the flipped moves.
        let rules = MatchRules { turns: 3, noise: 1.0, continuation: None };
        let mut moves = Vec::new();
        play_with(
            &Game::PRISONERS_DILEMMA,
            &rule(Strategy::TitForTat),
            &rule(Strategy::Cooperator),
            &rules,
            &mut match_stream(1, 0, 0),
            |x, y| moves.push((x, y)),
        );
        use Action::{C, D};
        assert_eq!(moves, vec![(D, D), (C, D), (C, D)]);
    }

    #[test]
    fn a_continuation_probability_gives_geometric_lengths_with_the_right_mean() {
        let rules = MatchRules { turns: 10_000, noise: 0.0, continuation: Some(0.9) };
        let n = 20_000;
        let total: u64 = (0..n).map(|i| length(&rules, &mut match_stream(3, i, 0)) as u64).sum();
        let mean = total as f64 / n as f64;
        // Mean 10, standard deviation sqrt(0.9)/0.1 ≈ 9.5: the mean's error is about 0.07.
        assert!((mean - 10.0).abs() < 0.3, "{mean}");
        let capped = MatchRules { turns: 5, ..rules };
        assert!((0..1000).all(|i| (1..=5).contains(&length(&capped, &mut match_stream(3, i, 0)))));
    }

    #[test]
    fn streams_differ_by_match_and_repetition() {
        let a: u64 = match_stream(1, 0, 1).random();
        let b: u64 = match_stream(1, 1, 0).random();
        let c: u64 = match_stream(1, 0, 1).random();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
