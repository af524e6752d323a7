//! The strategy library: the classic rules of the iterated 2×2 game, as written in a
//! tournament file, and the compiled [`Rule`] a match plays.
//!
//! Each strategy does exactly what the axelrod library's class of that name does (its
//! version 4.14; the differences of naming are in `docs/teaching.md`):
//! - `Cooperator`, `Defector`: always C, always D.
//! - `TitForTat`: C first, then the opponent's last move. `SuspiciousTitForTat`: the same
//!   with D first.
//! - `Grudger`: C until the opponent has defected once, then D for ever (axelrod's Grudger
//!   looks at the opponent's moves only: its own noisy defections do not trigger it).
//! - `TitForTwoTats` (axelrod: `TitFor2Tats`): D only if the opponent's last two moves were
//!   both D. `TwoTitsForTat`: D if either of the opponent's last two moves was D.
//! - `WinStayLoseShift` (Pavlov): C first, then C after (C, C) or (D, D), else D.
//! - `GTFT`: generous TitForTat, memory-one (1, p, 1, p); without `p`, axelrod's default for
//!   the game, min(1 − (T − R)/(R − S), (R − P)/(T − P)) (1/3 in the standard dilemma).
//! - `Random`: C with probability `p` (default 0.5) every turn, the first included.
//! - `Alternator`: C first, then the opposite of its own last move (its own move as played,
//!   after noise, as axelrod records it).
//! - `MemoryOne`: C with probability `four[k]` after the state k of the last turn, in the
//!   order (CC, CD, DC, DD) with its own move first; `initial` (default C) on the first turn.
//!
//! As in axelrod, a probability of exactly 0 or 1 draws no random number: a deterministic
//! strategy uses no randomness at all, and a probability strictly between draws one uniform
//! number per decision, C when it falls below the probability.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::game::{Action, Game};

/// A strategy as a tournament file (and axelrod's fixtures) write it:
/// `{ strategy = "GTFT", p = 0.1 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "strategy", deny_unknown_fields)]
pub enum Strategy {
    /// Always cooperates.
    Cooperator,
    /// Always defects.
    Defector,
    /// Cooperates first, then copies the opponent's last move.
    TitForTat,
    /// Cooperates until the opponent's first defection, then defects for ever.
    Grudger,
    /// Defects only after two defections in a row by the opponent.
    TitForTwoTats,
    /// Defects for two turns after each defection by the opponent.
    TwoTitsForTat,
    /// Pavlov: repeats its move after R or T, changes it after S or P.
    WinStayLoseShift,
    /// Generous TitForTat: forgives a defection with probability `p`.
    #[allow(clippy::upper_case_acronyms)]
    GTFT {
        /// Probability of cooperating after the opponent defected, in [0, 1]; `None`: the
        /// game's default ([`Game::gtft_generosity`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        p: Option<f64>,
    },
    /// TitForTat that opens with a defection.
    SuspiciousTitForTat,
    /// Cooperates with probability `p` every turn.
    Random {
        /// Probability of cooperating, in [0, 1].
        #[serde(default = "half")]
        p: f64,
    },
    /// Cooperates first, then alternates.
    Alternator,
    /// Cooperates with a probability set by the last turn's state.
    MemoryOne {
        /// Probabilities of cooperating after (CC, CD, DC, DD), own move first; each in [0, 1].
        four: [f64; 4],
        /// The first move.
        #[serde(default)]
        initial: Action,
    },
}

fn half() -> f64 {
    0.5
}

/// Every strategy's name as a file writes it, for messages ("did you mean").
pub const NAMES: [&str; 12] = [
    "Cooperator",
    "Defector",
    "TitForTat",
    "Grudger",
    "TitForTwoTats",
    "TwoTitsForTat",
    "WinStayLoseShift",
    "GTFT",
    "SuspiciousTitForTat",
    "Random",
    "Alternator",
    "MemoryOne",
];

/// The parameters a strategy takes, by its name (a file's other keys are mistakes: serde's
/// internally tagged unit variants would ignore them).
pub fn parameters(kind: &str) -> &'static [&'static str] {
    match kind {
        "GTFT" | "Random" => &["p"],
        "MemoryOne" => &["four", "initial"],
        _ => &[],
    }
}

impl Strategy {
    /// The strategy's name (its `strategy` key).
    pub fn kind(&self) -> &'static str {
        match self {
            Strategy::Cooperator => NAMES[0],
            Strategy::Defector => NAMES[1],
            Strategy::TitForTat => NAMES[2],
            Strategy::Grudger => NAMES[3],
            Strategy::TitForTwoTats => NAMES[4],
            Strategy::TwoTitsForTat => NAMES[5],
            Strategy::WinStayLoseShift => NAMES[6],
            Strategy::GTFT { .. } => NAMES[7],
            Strategy::SuspiciousTitForTat => NAMES[8],
            Strategy::Random { .. } => NAMES[9],
            Strategy::Alternator => NAMES[10],
            Strategy::MemoryOne { .. } => NAMES[11],
        }
    }

    /// A short label with its parameters: `GTFT(0.33)`, `MemoryOne(1,0,0,1;C)`.
    pub fn label(&self) -> String {
        match self {
            Strategy::GTFT { p: Some(p) } => format!("GTFT({})", short(*p)),
            Strategy::Random { p } => format!("Random({})", short(*p)),
            Strategy::MemoryOne { four, initial } => {
                let f: Vec<String> = four.iter().map(|x| short(*x)).collect();
                format!("MemoryOne({};{})", f.join(","), initial.letter())
            }
            other => other.kind().to_string(),
        }
    }

    /// The rule a match plays, in `game` (where GTFT finds its default generosity). Errors
    /// name the parameter that is not a probability.
    pub fn compile(&self, game: &Game) -> Result<Rule, String> {
        let prob = |what: &str, p: f64| {
            if (0.0..=1.0).contains(&p) {
                Ok(p)
            } else {
                Err(format!("{what} must be a probability in [0, 1], not {p}"))
            }
        };
        Ok(match *self {
            Strategy::Cooperator => Rule::Random(1.0),
            Strategy::Defector => Rule::Random(0.0),
            Strategy::TitForTat => Rule::TitForTat(Action::C),
            Strategy::SuspiciousTitForTat => Rule::TitForTat(Action::D),
            Strategy::Grudger => Rule::Grudger,
            Strategy::TitForTwoTats => Rule::TitForTwoTats,
            Strategy::TwoTitsForTat => Rule::TwoTitsForTat,
            Strategy::WinStayLoseShift => Rule::MemoryOne([1.0, 0.0, 0.0, 1.0], Action::C),
            Strategy::GTFT { p } => {
                let p = match p {
                    Some(p) => prob("`p`", p)?,
                    None => prob("GTFT's default generosity in this game (give `p`)", game.gtft_generosity())?,
                };
                Rule::MemoryOne([1.0, p, 1.0, p], Action::C)
            }
            Strategy::Random { p } => Rule::Random(prob("`p`", p)?),
            Strategy::Alternator => Rule::Alternator,
            Strategy::MemoryOne { four, initial } => {
                for x in four {
                    prob("each of `four`", x)?;
                }
                Rule::MemoryOne(four, initial)
            }
        })
    }
}

fn short(x: f64) -> String {
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() { "0".to_string() } else { s.to_string() }
}

/// A strategy compiled for play: what it needs of the past, and nothing else.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// C with this probability every turn (Cooperator 1, Defector 0, Random p).
    Random(f64),
    /// The first move, then the opponent's last.
    TitForTat(Action),
    /// C until the opponent has defected.
    Grudger,
    /// D after the opponent's D, D.
    TitForTwoTats,
    /// D if the opponent played D in either of the last two turns.
    TwoTitsForTat,
    /// C, then the opposite of its own last move.
    Alternator,
    /// Probabilities of C after (CC, CD, DC, DD), own move first; the first move.
    MemoryOne([f64; 4], Action),
}

/// What a player remembers of a match: the last moves as played (after noise).
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    own_last: Option<Action>,
    opp_last: Option<Action>,
    opp_before: Option<Action>,
    opp_defected: bool,
}

impl Memory {
    /// Records a turn: its own move and the opponent's, as played.
    #[inline]
    pub fn record(&mut self, own: Action, opp: Action) {
        self.own_last = Some(own);
        self.opp_before = self.opp_last;
        self.opp_last = Some(opp);
        self.opp_defected |= opp == Action::D;
    }
}

/// C with probability `p`, drawing only when 0 < p < 1 (axelrod's `random_choice`).
#[inline]
fn choose(p: f64, rng: &mut ChaCha8Rng) -> Action {
    if p >= 1.0 {
        Action::C
    } else if p <= 0.0 {
        Action::D
    } else if rng.random::<f64>() < p {
        Action::C
    } else {
        Action::D
    }
}

/// Memory-one state index of (own, other): CC 0, CD 1, DC 2, DD 3.
#[inline]
pub fn state(own: Action, other: Action) -> usize {
    2 * (own == Action::D) as usize + (other == Action::D) as usize
}

impl Rule {
    /// The intended move (before noise) given the player's memory.
    #[inline]
    pub fn decide(&self, m: &Memory, rng: &mut ChaCha8Rng) -> Action {
        use Action::{C, D};
        match *self {
            Rule::Random(p) => choose(p, rng),
            Rule::TitForTat(first) => m.opp_last.unwrap_or(first),
            Rule::Grudger => {
                if m.opp_defected {
                    D
                } else {
                    C
                }
            }
            Rule::TitForTwoTats => {
                if m.opp_last == Some(D) && m.opp_before == Some(D) {
                    D
                } else {
                    C
                }
            }
            Rule::TwoTitsForTat => {
                if m.opp_last == Some(D) || m.opp_before == Some(D) {
                    D
                } else {
                    C
                }
            }
            Rule::Alternator => match m.own_last {
                Some(C) => D,
                _ => C,
            },
            Rule::MemoryOne(four, initial) => match (m.own_last, m.opp_last) {
                (Some(own), Some(opp)) => choose(four[state(own, opp)], rng),
                _ => initial,
            },
        }
    }

    /// The four probabilities and the first move, for a rule that is memory-one in the
    /// moves as played (so that a match's expectation is a Markov chain); `None` for
    /// Grudger and the two TitForTat variants that remember two turns.
    pub fn memory_one(&self) -> Option<([f64; 4], FirstMove)> {
        match *self {
            Rule::Random(p) => Some(([p; 4], FirstMove::Random(p))),
            Rule::TitForTat(first) => Some(([1.0, 0.0, 1.0, 0.0], FirstMove::Fixed(first))),
            Rule::Alternator => Some(([0.0, 0.0, 1.0, 1.0], FirstMove::Fixed(Action::C))),
            Rule::MemoryOne(four, initial) => Some((four, FirstMove::Fixed(initial))),
            Rule::Grudger | Rule::TitForTwoTats | Rule::TwoTitsForTat => None,
        }
    }
}

/// How a memory-one rule opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FirstMove {
    /// Always this move.
    Fixed(Action),
    /// C with this probability.
    Random(f64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn files_spell_strategies_with_their_parameters() {
        let s: Strategy = toml::from_str("strategy = \"GTFT\"\np = 0.1").unwrap();
        assert_eq!(s, Strategy::GTFT { p: Some(0.1) });
        let s: Strategy = toml::from_str("strategy = \"Random\"").unwrap();
        assert_eq!(s, Strategy::Random { p: 0.5 });
        let s: Strategy = toml::from_str("strategy = \"MemoryOne\"\nfour = [1, 0, 0, 1]\ninitial = \"D\"").unwrap();
        assert_eq!(s.label(), "MemoryOne(1,0,0,1;D)");
        assert_eq!(parameters("TitForTat"), &[] as &[&str]);
        assert_eq!(parameters("MemoryOne"), &["four", "initial"]);
        assert_eq!(
            Strategy::GTFT { p: None }.compile(&Game::PRISONERS_DILEMMA).unwrap(),
            Rule::MemoryOne([1.0, 1.0 - 2.0 / 3.0, 1.0, 1.0 - 2.0 / 3.0], Action::C),
            "as axelrod computes it"
        );
        let e = Strategy::GTFT { p: None }.compile(&Game::preset("stag_hunt").unwrap()).unwrap_err();
        assert!(e.contains("give `p`"), "{e}");
        assert!(Strategy::Random { p: 1.5 }.compile(&Game::PRISONERS_DILEMMA).is_err());
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(NAMES.iter().position(|n| n == name), Some(i));
        }
    }

    #[test]
    fn deterministic_rules_draw_no_random_numbers() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let before = rng.clone();
        let m = Memory::default();
        for r in [Rule::Random(1.0), Rule::Random(0.0), Rule::MemoryOne([1.0, 0.0, 0.0, 1.0], Action::C)] {
            r.decide(&m, &mut rng);
        }
        assert_eq!(rng, before);
    }

    #[test]
    fn two_turn_memories_follow_axelrod() {
        use Action::{C, D};
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut m = Memory::default();
        m.record(C, D);
        assert_eq!(Rule::TitForTwoTats.decide(&m, &mut rng), C);
        assert_eq!(Rule::TwoTitsForTat.decide(&m, &mut rng), D);
        m.record(C, C);
        assert_eq!(Rule::TwoTitsForTat.decide(&m, &mut rng), D, "the D two turns ago still counts");
        assert_eq!(Rule::Grudger.decide(&m, &mut rng), D);
        m.record(C, D);
        m.record(C, D);
        assert_eq!(Rule::TitForTwoTats.decide(&m, &mut rng), D);
        assert_eq!(Rule::Alternator.decide(&m, &mut rng), D);
    }
}
