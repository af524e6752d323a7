//! A symmetric 2×2 game: two actions, cooperate and defect, and four payoffs (reward,
//! sucker, temptation, punishment) as in Axelrod (1984) and the axelrod library's
//! `Game(r, s, t, p)`. Any four numbers are allowed: the prisoner's dilemma, the stag hunt,
//! chicken and harmony are presets, not special cases.

use serde::{Deserialize, Serialize};

/// One move of a 2×2 game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Action {
    /// Cooperate.
    #[default]
    C,
    /// Defect.
    D,
}

impl Action {
    /// The other action (what noise turns a move into).
    pub fn flip(self) -> Action {
        match self {
            Action::C => Action::D,
            Action::D => Action::C,
        }
    }

    /// `C` or `D`.
    pub fn letter(self) -> char {
        match self {
            Action::C => 'C',
            Action::D => 'D',
        }
    }
}

/// The payoffs of a symmetric 2×2 game, to the row player: `r` for mutual cooperation, `s`
/// for cooperating against a defection, `t` for defecting against a cooperation, `p` for
/// mutual defection. Units are the game's own (points per turn).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Game {
    /// Reward: both cooperate.
    pub r: f64,
    /// Sucker's payoff: I cooperate, the other defects.
    pub s: f64,
    /// Temptation: I defect, the other cooperates.
    pub t: f64,
    /// Punishment: both defect.
    pub p: f64,
}

/// The named games a tournament file may give instead of four numbers.
pub const PRESETS: [(&str, Game); 4] = [
    // Axelrod (1984), and the axelrod library's default game.
    ("prisoners_dilemma", Game { r: 3.0, s: 0.0, t: 5.0, p: 1.0 }),
    // R > T > P > S: cooperation pays only if the other cooperates too (Skyrms 2004).
    ("stag_hunt", Game { r: 4.0, s: 1.0, t: 3.0, p: 2.0 }),
    // T > R > S > P: the worst is both standing firm (hawk–dove).
    ("chicken", Game { r: 3.0, s: 1.0, t: 4.0, p: 0.0 }),
    // R > T and S > P: cooperating is best whatever the other does; no dilemma.
    ("harmony", Game { r: 4.0, s: 3.0, t: 2.0, p: 1.0 }),
];

impl Game {
    /// The prisoner's dilemma with Axelrod's payoffs (R, S, T, P) = (3, 0, 5, 1).
    pub const PRISONERS_DILEMMA: Game = PRESETS[0].1;

    /// A preset by name (`prisoners_dilemma`, `stag_hunt`, `chicken`, `harmony`).
    pub fn preset(name: &str) -> Option<Game> {
        PRESETS.iter().find(|(n, _)| *n == name).map(|(_, g)| *g)
    }

    /// The row player's payoff when it plays `own` and the other plays `other`.
    #[inline]
    pub fn payoff(&self, own: Action, other: Action) -> f64 {
        match (own, other) {
            (Action::C, Action::C) => self.r,
            (Action::C, Action::D) => self.s,
            (Action::D, Action::C) => self.t,
            (Action::D, Action::D) => self.p,
        }
    }

    /// The payoffs in the order of the memory-one states (CC, CD, DC, DD), own move first.
    pub fn by_state(&self) -> [f64; 4] {
        [self.r, self.s, self.t, self.p]
    }

    /// Whether T > R > P > S and 2R > T + S: a prisoner's dilemma in which alternating
    /// exploitation does not beat steady cooperation.
    pub fn is_prisoners_dilemma(&self) -> bool {
        self.t > self.r && self.r > self.p && self.p > self.s && 2.0 * self.r > self.t + self.s
    }

    /// Generous TitForTat's default generosity in this game, as axelrod computes it (Nowak and
    /// Sigmund 1992): min(1 − (T − R)/(R − S), (R − P)/(T − P)); a probability only in some
    /// games.
    pub fn gtft_generosity(&self) -> f64 {
        let (r, s, t, p) = (self.r, self.s, self.t, self.p);
        (1.0 - (t - r) / (r - s)).min((r - p) / (t - p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payoffs_follow_the_row_players_view() {
        let g = Game::PRISONERS_DILEMMA;
        assert_eq!(g.payoff(Action::C, Action::C), 3.0);
        assert_eq!(g.payoff(Action::C, Action::D), 0.0);
        assert_eq!(g.payoff(Action::D, Action::C), 5.0);
        assert_eq!(g.payoff(Action::D, Action::D), 1.0);
        assert!(g.is_prisoners_dilemma());
        assert!(!Game::preset("stag_hunt").unwrap().is_prisoners_dilemma());
        assert!(!Game::preset("harmony").unwrap().is_prisoners_dilemma());
        assert_eq!(Game::preset("nope"), None);
        // axelrod's GTFT in the standard game: p = min(1 - 2/3, 2/4) = 1/3.
        assert!((g.gtft_generosity() - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(Action::C.flip(), Action::D);
    }
}
