//! The round robin: every player against every other and against a copy of itself, each
//! match played `repetitions` times, on rayon; then the tables, with the axelrod library's
//! conventions.
//!
//! - A match's random stream is fixed by (seed, match index, repetition) ([`match_stream`]),
//!   so the results are the same at any thread count.
//! - Self-play is played (and is in the payoff matrix) but left out of a player's score,
//!   wins and cooperation rate.
//! - A player's score in a repetition is its mean, over its opponents, of its score per turn
//!   in the match against each (axelrod's `normalised_scores`); players are ranked by the
//!   median of that score over repetitions, highest first, equal medians (within 1e-12,
//!   relative) in the order of the file.
//! - Wins count the matches a player ended with the higher total; a tie is no one's win.
//! - The cooperation rate is cooperations over turns, across every match but self-play
//!   (axelrod's `cooperating_rating`).

use rayon::prelude::*;

use super::game::Game;
use super::play::{MatchRules, MatchScore, match_stream, play};
use super::strategy::{Rule, Strategy};

/// A player of a tournament.
#[derive(Debug, Clone, PartialEq)]
pub struct Entrant {
    /// Its name in the tables (unique within the tournament).
    pub name: String,
    /// Its strategy.
    pub strategy: Strategy,
}

/// A checked tournament: what a tournament file describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tournament {
    /// A title for the report.
    pub name: String,
    /// The game.
    pub game: Game,
    /// Turns, noise and the continuation probability of every match.
    pub rules: MatchRules,
    /// How many times each match is played (at least 1).
    pub repetitions: u32,
    /// Master seed.
    pub seed: u64,
    /// The players, in the file's order (at least 2).
    pub players: Vec<Entrant>,
}

/// The pairs (i, j), i ≤ j, in the order the matches are indexed.
pub fn pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n).flat_map(|i| (i..n).map(move |j| (i, j))).collect()
}

/// Every match of a tournament: `scores[k][rep]` for the pair `pairs[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    /// The pairs of players, i ≤ j, self-play included.
    pub pairs: Vec<(usize, usize)>,
    /// Per pair, per repetition.
    pub scores: Vec<Vec<MatchScore>>,
}

/// One player's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Index in the file's order.
    pub player: usize,
    /// 1 for the best median score.
    pub rank: usize,
    /// Per repetition: mean over opponents of the score per turn.
    pub scores: Vec<f64>,
    /// The median of `scores` (the ranking key).
    pub median_score: f64,
    /// The mean of `scores`.
    pub mean_score: f64,
    /// Per repetition: matches won.
    pub wins: Vec<u32>,
    /// Cooperations over turns, self-play left out.
    pub cooperation_rate: f64,
}

impl Tournament {
    /// The compiled rules, in player order.
    pub fn rules(&self) -> Vec<Rule> {
        self.players.iter().map(|p| p.strategy.compile(&self.game).expect("checked when the file was read")).collect()
    }

    /// Plays every match on the current rayon pool.
    pub fn play(&self) -> Played {
        let rules = self.rules();
        let pairs = pairs(self.players.len());
        let reps = self.repetitions;
        let jobs: Vec<(usize, u32)> = (0..pairs.len()).flat_map(|k| (0..reps).map(move |r| (k, r))).collect();
        let flat: Vec<MatchScore> = jobs
            .par_iter()
            .map(|&(k, r)| {
                let (i, j) = pairs[k];
                play(&self.game, &rules[i], &rules[j], &self.rules, &mut match_stream(self.seed, k, r))
            })
            .collect();
        let scores = flat.chunks(reps as usize).map(<[MatchScore]>::to_vec).collect();
        Played { pairs, scores }
    }
}

impl Played {
    /// The standings, in player order (not rank order).
    pub fn standings(&self, players: usize) -> Vec<Standing> {
        let reps = self.scores.first().map_or(0, Vec::len);
        let mut per_turn = vec![vec![vec![0.0; players]; players]; reps];
        let mut wins = vec![vec![0u32; reps]; players];
        let mut coop = vec![(0u64, 0u64); players];
        for (k, &(i, j)) in self.pairs.iter().enumerate() {
            if i == j {
                continue;
            }
            for (r, m) in self.scores[k].iter().enumerate() {
                let t = m.turns as f64;
                per_turn[r][i][j] = m.score[0] / t;
                per_turn[r][j][i] = m.score[1] / t;
                match m.winner() {
                    Some(0) => wins[i][r] += 1,
                    Some(_) => wins[j][r] += 1,
                    None => {}
                }
                coop[i].0 += m.cooperations[0] as u64;
                coop[j].0 += m.cooperations[1] as u64;
                coop[i].1 += m.turns as u64;
                coop[j].1 += m.turns as u64;
            }
        }
        let mut out: Vec<Standing> = (0..players)
            .map(|i| {
                let scores: Vec<f64> = (0..reps)
                    .map(|r| {
                        let row = &per_turn[r][i];
                        row.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, x)| x).sum::<f64>()
                            / (players - 1) as f64
                    })
                    .collect();
                let median_score = median(&scores);
                let mean_score = scores.iter().sum::<f64>() / reps as f64;
                let (c, t) = coop[i];
                Standing {
                    player: i,
                    rank: 0,
                    scores,
                    median_score,
                    mean_score,
                    wins: wins[i].clone(),
                    cooperation_rate: if t == 0 { 0.0 } else { c as f64 / t as f64 },
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..players).collect();
        // A stable insertion sort, so that equal medians keep the file's order.
        for a in 1..order.len() {
            let mut b = a;
            while b > 0 && better(out[order[b]].median_score, out[order[b - 1]].median_score) {
                order.swap(b, b - 1);
                b -= 1;
            }
        }
        for (rank, &i) in order.iter().enumerate() {
            out[i].rank = rank + 1;
        }
        out
    }

    /// Mean score per turn of player `i` against player `j` over the repetitions (the payoff
    /// matrix; on the diagonal, the mean of the two copies).
    pub fn payoff(&self, i: usize, j: usize) -> f64 {
        let (k, swap) = self.index(i, j);
        let ms = &self.scores[k];
        let per = |m: &MatchScore| {
            let own = if i == j { (m.score[0] + m.score[1]) / 2.0 } else { m.score[swap as usize] };
            own / m.turns as f64
        };
        ms.iter().map(per).sum::<f64>() / ms.len() as f64
    }

    /// The index of the pair {i, j} and whether `i` is its second player.
    fn index(&self, i: usize, j: usize) -> (usize, bool) {
        let (a, b) = if i <= j { (i, j) } else { (j, i) };
        (self.pairs.iter().position(|&p| p == (a, b)).expect("every pair is played"), i > j)
    }
}

/// Whether `a` ranks strictly before `b`: higher by more than a rounding error.
fn better(a: f64, b: f64) -> bool {
    a - b > 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entrant(name: &str, strategy: Strategy) -> Entrant {
        Entrant { name: name.into(), strategy }
    }

    fn three(noise: f64) -> Tournament {
        Tournament {
            name: "t".into(),
            game: Game::PRISONERS_DILEMMA,
            rules: MatchRules { turns: 50, noise, continuation: None },
            repetitions: 5,
            seed: 4,
            players: vec![
                entrant("tft", Strategy::TitForTat),
                entrant("all-d", Strategy::Defector),
                entrant("random", Strategy::Random { p: 0.5 }),
            ],
        }
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let t = three(0.05);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| t.play());
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap().install(|| t.play());
        assert_eq!(one, two);
        assert_ne!(one, Tournament { seed: 5, ..t.clone() }.play(), "the seed matters");
    }

    #[test]
    fn standings_leave_self_play_out_and_rank_by_median() {
        let t = three(0.0);
        let played = t.play();
        assert_eq!(played.pairs, vec![(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]);
        let s = played.standings(3);
        // The defector beats TitForTat (1 turn of 5, then 49 of 1) and never loses.
        assert!((played.payoff(1, 0) - (5.0 + 49.0) / 50.0).abs() < 1e-12);
        assert!((played.payoff(0, 1) - 49.0 / 50.0).abs() < 1e-12);
        assert_eq!(played.payoff(0, 0), 3.0);
        assert_eq!(s[1].wins, vec![2; 5]);
        assert_eq!(s[0].wins, vec![0; 5], "TitForTat never wins a match");
        assert_eq!(s[1].cooperation_rate, 0.0);
        let ranks: Vec<usize> = s.iter().map(|x| x.rank).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 2, 3]);
        for a in &s {
            for b in &s {
                if a.rank < b.rank {
                    assert!(a.median_score >= b.median_score);
                }
            }
        }
    }

    #[test]
    fn equal_medians_keep_the_files_order() {
        assert!(!better(1.0, 1.0 + 1e-15));
        assert!(better(1.0 + 1e-9, 1.0));
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
