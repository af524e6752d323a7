//! Classic games: heartland reproduces the axelrod library exactly (fixtures written by
//! `benches/peers/axelrod/make_fixtures.py` with axelrod 4.14), and the exact expectations of
//! memory-one strategies agree with the Monte Carlo.

use heartland::games::markov;
use heartland::games::play::{MatchRules, match_stream, play, play_with};
use heartland::games::{Action, Entrant, Game, Rule, Strategy, Tournament};
use serde::Deserialize;

use super::fixture;

#[derive(Deserialize)]
struct Fixture {
    axelrod_version: String,
    payoffs: Game,
    turns: u32,
    repetitions: u32,
    players: Vec<Strategy>,
    axelrod_names: Vec<String>,
    matches: Vec<Match>,
    tournament: Standings,
}

#[derive(Deserialize)]
struct Match {
    a: usize,
    b: usize,
    actions_a: String,
    actions_b: String,
    score_a: f64,
    score_b: f64,
}

#[derive(Deserialize)]
struct Standings {
    ranking: Vec<usize>,
    normalised_scores: Vec<Vec<f64>>,
    scores: Vec<Vec<f64>>,
    wins: Vec<Vec<u32>>,
    cooperating_rating: Vec<f64>,
    payoff_matrix: Vec<Vec<f64>>,
}

fn load(game: &str) -> Fixture {
    let text = std::fs::read_to_string(fixture(&format!("axelrod/{game}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

const GAMES: [&str; 3] = ["prisoners_dilemma", "stag_hunt", "chicken"];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

#[test]
fn every_deterministic_match_up_plays_move_for_move_as_in_axelrod() {
    for g in GAMES {
        let f = load(g);
        assert_eq!(f.axelrod_version, "4.14.0");
        let rules: Vec<Rule> = f.players.iter().map(|s| s.compile(&f.payoffs).unwrap()).collect();
        let n = f.players.len();
        assert_eq!(f.matches.len(), n * (n + 1) / 2);
        for m in &f.matches {
            let (mut xs, mut ys) = (String::new(), String::new());
            let match_rules = MatchRules { turns: f.turns, noise: 0.0, continuation: None };
            let s =
                play_with(&f.payoffs, &rules[m.a], &rules[m.b], &match_rules, &mut match_stream(0, 0, 0), |x, y| {
                    xs.push(x.letter());
                    ys.push(y.letter());
                });
            let who = format!("{g}: {} v {}", f.axelrod_names[m.a], f.axelrod_names[m.b]);
            assert_eq!((xs.as_str(), ys.as_str()), (m.actions_a.as_str(), m.actions_b.as_str()), "{who}");
            assert_eq!(s.score, [m.score_a, m.score_b], "{who}: exact totals");
        }
    }
}

#[test]
fn a_deterministic_tournament_ranks_and_scores_as_in_axelrod() {
    for g in GAMES {
        let f = load(g);
        let n = f.players.len();
        let t = Tournament {
            name: g.into(),
            game: f.payoffs,
            rules: MatchRules { turns: f.turns, noise: 0.0, continuation: None },
            repetitions: f.repetitions,
            seed: 1,
            players: f
                .players
                .iter()
                .enumerate()
                .map(|(i, s)| Entrant { name: format!("{i}"), strategy: s.clone() })
                .collect(),
        };
        let played = t.play();
        let standings = played.standings(n);
        let mut ranking: Vec<usize> = (0..n).collect();
        ranking.sort_by_key(|&i| standings[i].rank);
        let want = &f.tournament;
        assert_eq!(ranking, want.ranking, "{g}: ranking");
        for (i, s) in standings.iter().enumerate() {
            let who = format!("{g}: {}", f.axelrod_names[i]);
            assert_eq!(s.wins, want.wins[i], "{who}: wins");
            for r in 0..f.repetitions as usize {
                assert!(
                    close(s.scores[r], want.normalised_scores[i][r]),
                    "{who}: {} vs {}",
                    s.scores[r],
                    want.normalised_scores[i][r]
                );
                // Total score over the opponents, self-play left out: exact.
                let total: f64 = played
                    .pairs
                    .iter()
                    .zip(&played.scores)
                    .filter(|((a, b), _)| a != b && (*a == i || *b == i))
                    .map(|((a, _), ms)| ms[r].score[if *a == i { 0 } else { 1 }])
                    .sum();
                assert_eq!(total, want.scores[i][r], "{who}: total score");
            }
            assert!(close(s.cooperation_rate, want.cooperating_rating[i]), "{who}: cooperation");
            for j in 0..n {
                assert!(close(played.payoff(i, j), want.payoff_matrix[i][j]), "{who} v {j}: payoff matrix");
            }
        }
    }
}

/// The exact n-turn expectation of memory-one strategies with noise lies within the Monte
/// Carlo's interval (four standard errors) for several pairs and two games.
#[test]
fn memory_one_expectations_agree_with_the_monte_carlo() {
    let noise = 0.05;
    let turns = 50;
    let pairs = [
        (Strategy::TitForTat, Strategy::TitForTat),
        (Strategy::GTFT { p: Some(0.3) }, Strategy::WinStayLoseShift),
        (Strategy::Alternator, Strategy::Random { p: 0.7 }),
        (Strategy::MemoryOne { four: [0.9, 0.2, 0.6, 0.1], initial: Action::D }, Strategy::SuspiciousTitForTat),
    ];
    for game in [Game::PRISONERS_DILEMMA, Game::preset("chicken").unwrap()] {
        for (k, (a, b)) in pairs.iter().enumerate() {
            let (ra, rb) = (a.compile(&game).unwrap(), b.compile(&game).unwrap());
            let exact = markov::expected(&game, &ra, &rb, noise, turns).unwrap();
            let rules = MatchRules { turns, noise, continuation: None };
            let n = 4000;
            let xs: Vec<f64> = (0..n)
                .map(|i| play(&game, &ra, &rb, &rules, &mut match_stream(99, k, i)).score[0] / turns as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
            let se = sd / (n as f64).sqrt();
            assert!((mean - exact[0]).abs() < 4.0 * se, "{a:?} v {b:?}: Monte Carlo {mean} ± {se}, exact {}", exact[0]);
        }
    }
}

/// The random streams are pinned: a rand or rand_chacha release that changed the values would
/// change every noisy tournament, and this says so (lesson 3's numbers in docs/teaching.md).
#[test]
fn noisy_results_are_pinned() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/03_noise.toml");
    let f = heartland::games::file::TournamentFile::load(&path).unwrap();
    let t = &f.tournament;
    let played = t.play();
    let (gtft, tft) = (1, 0);
    assert!((played.payoff(gtft, gtft) - 2.843875).abs() < 1e-9, "{}", played.payoff(gtft, gtft));
    assert!((played.payoff(tft, tft) - 2.259875).abs() < 1e-9, "{}", played.payoff(tft, tft));
    let m = f.moran.as_ref().unwrap();
    let n = t.players.len();
    let payoff: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| played.payoff(i, j)).collect()).collect();
    assert_eq!(heartland::games::moran::fixations(&payoff, m.mutant, m.resident, m.population, m.runs, t.seed), 336);
}
