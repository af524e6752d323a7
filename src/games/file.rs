//! The tournament file (TOML), checked into a [`Tournament`] with every problem located by
//! line, column and key, as scenario files are ([`ScenarioError`]).
//!
//! ```toml
//! name = "Noise and generosity"
//! game = "prisoners_dilemma"        # or stag_hunt, chicken, harmony, or { r = 3, s = 0, t = 5, p = 1 }
//! turns = 200                       # with `continuation`, the longest a match can last
//! repetitions = 20
//! noise = 0.05                      # optional: probability that a move is flipped
//! continuation = 0.99               # optional: probability that a match goes on after a turn
//! seed = 1984
//! players = ["TitForTat", { strategy = "GTFT", p = 0.1, name = "generous" }]
//!
//! [moran]                           # optional: the Moran process between two players
//! population = 20
//! mutant = "TitForTat"
//! resident = "Defector"
//! runs = 2000
//! ```
//!
//! A player is a strategy's name, or a table with `strategy`, its parameters and an optional
//! `name` (by default its label, e.g. `GTFT(0.1)`); names must be unique.

use serde::Deserialize;
use toml::de::DeTable;

use super::game::{Game, PRESETS};
use super::play::MatchRules;
use super::strategy::{NAMES, Strategy, parameters};
use super::tournament::{Entrant, Tournament};
use crate::scenario::ScenarioError;
use crate::scenario::diagnostic::{self, Diagnostic, Seg, SourceMap, did_you_mean, join};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    #[serde(default)]
    description: Option<String>,
    game: toml::Value,
    turns: i64,
    #[serde(default = "one")]
    repetitions: i64,
    #[serde(default)]
    noise: f64,
    #[serde(default)]
    continuation: Option<f64>,
    seed: u64,
    players: Vec<toml::Value>,
    #[serde(default)]
    moran: Option<RawMoran>,
}

fn one() -> i64 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoran {
    population: i64,
    mutant: String,
    resident: String,
    #[serde(default = "runs")]
    runs: i64,
}

fn runs() -> i64 {
    1000
}

/// The Moran process a tournament file asks for: one mutant among residents, both players of
/// the tournament, with the tournament's payoff matrix as fitness.
#[derive(Debug, Clone, PartialEq)]
pub struct MoranSpec {
    /// Individuals (at least 2).
    pub population: u32,
    /// The mutant's player index.
    pub mutant: usize,
    /// The residents' player index.
    pub resident: usize,
    /// Processes simulated.
    pub runs: u64,
}

/// A checked tournament file.
#[derive(Debug, Clone, PartialEq)]
pub struct TournamentFile {
    /// The tournament.
    pub tournament: Tournament,
    /// A sentence for the report.
    pub description: Option<String>,
    /// The evolutionary option.
    pub moran: Option<MoranSpec>,
}

impl TournamentFile {
    /// Reads and checks a tournament file.
    pub fn load(path: &std::path::Path) -> Result<TournamentFile, ScenarioError> {
        let bytes = crate::input::read(path, super::MAX_TOURNAMENT_BYTES)
            .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
        let text = String::from_utf8(bytes).map_err(|_| ScenarioError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
        })?;
        TournamentFile::parse(&text, &path.display().to_string())
    }

    /// Checks tournament text; `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<TournamentFile, ScenarioError> {
        let invalid = |diagnostics| ScenarioError::Invalid { file: file.to_string(), diagnostics };
        let map = SourceMap::new(text);
        let located = |e: &toml::de::Error| {
            let mut d = Diagnostic::new("", e.message().lines().next().unwrap_or("invalid tournament file").trim());
            d.location = e.span().map(|s| map.locate(s));
            d
        };
        let doc = DeTable::parse(text).map_err(|e| invalid(vec![located(&e)]))?;
        let raw =
            Raw::deserialize(toml::de::Deserializer::from(doc.clone())).map_err(|e| invalid(vec![located(&e)]))?;
        let mut diags = Vec::new();
        let mut at = |path: Vec<Seg>, d: Diagnostic| {
            let mut d = d;
            d.key = join(&path);
            d.location = diagnostic::span_of(doc.get_ref(), &path, false).map(|s| map.locate(s));
            diags.push(d);
        };
        let key = |k: &str| vec![Seg::Key(k.to_string())];

        let game = read_game(&raw.game).unwrap_or_else(|msg| {
            at(key("game"), Diagnostic::new("", msg).expected(game_expected()));
            Game::PRISONERS_DILEMMA
        });
        if !(1..=10_000_000).contains(&raw.turns) {
            at(
                key("turns"),
                Diagnostic::new("", format!("`turns` must be between 1 and 10,000,000, not {}", raw.turns)),
            );
        }
        if !(1..=100_000).contains(&raw.repetitions) {
            at(
                key("repetitions"),
                Diagnostic::new("", format!("`repetitions` must be between 1 and 100,000, not {}", raw.repetitions)),
            );
        }
        if !(0.0..=0.5).contains(&raw.noise) {
            at(
                key("noise"),
                Diagnostic::new("", format!("`noise` must be a probability in [0, 0.5], not {}", raw.noise))
                    .help("noise above one half is a systematic reversal, not noise"),
            );
        }
        if let Some(c) = raw.continuation.filter(|c| !(0.0..1.0).contains(c)) {
            at(
                key("continuation"),
                Diagnostic::new("", format!("`continuation` must be in [0, 1), not {c}"))
                    .help("leave it out for matches of exactly `turns` turns"),
            );
        }
        let mut players: Vec<Entrant> = Vec::new();
        for (i, v) in raw.players.iter().enumerate() {
            let path = vec![Seg::Key("players".into()), Seg::Index(i)];
            match read_player(v, &game) {
                Ok(e) => {
                    if players.iter().any(|p| p.name == e.name) {
                        at(
                            path,
                            Diagnostic::new("", format!("two players are named `{}`", e.name))
                                .help("give one of them a `name`"),
                        );
                    } else {
                        players.push(e);
                    }
                }
                Err((sub, d)) => {
                    let mut path = path;
                    path.extend(sub);
                    at(path, d);
                }
            }
        }
        if raw.players.len() < 2 {
            at(key("players"), Diagnostic::new("", "a tournament needs at least two players"));
        }
        let moran = raw.moran.as_ref().and_then(|m| {
            let mut find = |k: &str, name: &str| {
                let found = players.iter().position(|p| p.name == name);
                if found.is_none() {
                    at(
                        vec![Seg::Key("moran".into()), Seg::Key(k.into())],
                        Diagnostic::new("", format!("no player is named `{name}`"))
                            .help_opt(did_you_mean(name, players.iter().map(|p| p.name.as_str()))),
                    );
                }
                found
            };
            let (mutant, resident) = (find("mutant", &m.mutant), find("resident", &m.resident));
            if !(2..=100_000).contains(&m.population) {
                at(
                    vec![Seg::Key("moran".into()), Seg::Key("population".into())],
                    Diagnostic::new("", format!("`population` must be between 2 and 100,000, not {}", m.population)),
                );
            }
            if !(1..=10_000_000).contains(&m.runs) {
                at(
                    vec![Seg::Key("moran".into()), Seg::Key("runs".into())],
                    Diagnostic::new("", format!("`runs` must be between 1 and 10,000,000, not {}", m.runs)),
                );
            }
            Some(MoranSpec {
                population: m.population as u32,
                mutant: mutant?,
                resident: resident?,
                runs: m.runs as u64,
            })
        });
        if moran.is_some() && [game.r, game.s, game.t, game.p].iter().any(|x| *x < 0.0) {
            at(
                key("game"),
                Diagnostic::new("", "the Moran process needs non-negative payoffs (they are fitness)")
                    .help("add a constant to every payoff: it changes no one's best move"),
            );
        }
        if !diags.is_empty() {
            return Err(invalid(diags));
        }
        let rules = MatchRules { turns: raw.turns as u32, noise: raw.noise, continuation: raw.continuation };
        Ok(TournamentFile {
            tournament: Tournament {
                name: raw.name,
                game,
                rules,
                repetitions: raw.repetitions as u32,
                seed: raw.seed,
                players,
            },
            description: raw.description,
            moran,
        })
    }
}

fn game_expected() -> String {
    let names: Vec<String> = PRESETS.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    format!("{}, or {{ r = 3, s = 0, t = 5, p = 1 }}", names.join(", "))
}

fn read_game(v: &toml::Value) -> Result<Game, String> {
    match v {
        toml::Value::String(name) => Game::preset(name).ok_or_else(|| {
            let hint =
                did_you_mean(name, PRESETS.iter().map(|(n, _)| *n)).map(|h| format!(" ({h})")).unwrap_or_default();
            format!("unknown game `{name}`{hint}")
        }),
        toml::Value::Table(_) => {
            let g: Game =
                v.clone().try_into().map_err(|e: toml::de::Error| format!("invalid game: {}", e.message().trim()))?;
            if [g.r, g.s, g.t, g.p].iter().all(|x| x.is_finite()) {
                Ok(g)
            } else {
                Err("payoffs must be finite".into())
            }
        }
        _ => Err("`game` is a name or a table of four payoffs".into()),
    }
}

// Errors are rare and read once: their size does not matter.
#[allow(clippy::result_large_err)]
fn read_player(v: &toml::Value, game: &Game) -> Result<Entrant, (Vec<Seg>, Diagnostic)> {
    let strategy_key = || vec![Seg::Key("strategy".into())];
    let unknown = |name: &str, sub: Vec<Seg>| {
        (
            sub,
            Diagnostic::new("", format!("unknown strategy `{name}`"))
                .help_opt(did_you_mean(name, NAMES))
                .expected(NAMES.join(", ")),
        )
    };
    let (strategy, name) = match v {
        toml::Value::String(s) => {
            let table: toml::Table = [("strategy".to_string(), toml::Value::String(s.clone()))].into_iter().collect();
            let st: Strategy = toml::Value::Table(table).try_into().map_err(|_| unknown(s, vec![]))?;
            (st, None)
        }
        toml::Value::Table(t) => {
            let mut t = t.clone();
            let name = match t.remove("name") {
                Some(toml::Value::String(n)) if !n.trim().is_empty() => Some(n),
                Some(_) => {
                    return Err((
                        vec![Seg::Key("name".into())],
                        Diagnostic::new("", "a player's `name` is a non-empty string"),
                    ));
                }
                None => None,
            };
            let kind = match t.get("strategy") {
                Some(toml::Value::String(k)) => k.clone(),
                _ => {
                    return Err((
                        strategy_key(),
                        Diagnostic::new("", "a player needs a `strategy` (a name)").expected(NAMES.join(", ")),
                    ));
                }
            };
            if !NAMES.contains(&kind.as_str()) {
                return Err(unknown(&kind, strategy_key()));
            }
            let allowed = parameters(&kind);
            if let Some(k) = t.keys().find(|k| *k != "strategy" && !allowed.contains(&k.as_str())) {
                let takes = if allowed.is_empty() {
                    "no parameters".to_string()
                } else {
                    format!("`{}`", allowed.join("`, `"))
                };
                return Err((
                    vec![Seg::Key(k.clone())],
                    Diagnostic::new("", format!("{kind} has no parameter `{k}`"))
                        .help(format!("{kind} takes {takes} (and a `name`)")),
                ));
            }
            let st: Strategy = toml::Value::Table(t).try_into().map_err(|e: toml::de::Error| {
                (vec![], Diagnostic::new("", format!("{kind}: {}", e.message().trim())))
            })?;
            (st, name)
        }
        _ => {
            return Err((
                vec![],
                Diagnostic::new("", "a player is a strategy's name or a table")
                    .expected("\"TitForTat\" or { strategy = \"GTFT\", p = 0.1 }"),
            ));
        }
    };
    strategy.compile(game).map_err(|msg| (vec![], Diagnostic::new("", format!("{}: {msg}", strategy.kind()))))?;
    let name = name.unwrap_or_else(|| strategy.label());
    Ok(Entrant { name, strategy })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "Small"
game = "prisoners_dilemma"
turns = 20
repetitions = 3
noise = 0.01
seed = 7
players = ["TitForTat", "Defector", { strategy = "GTFT", p = 0.1, name = "generous" }]
[moran]
population = 10
mutant = "TitForTat"
resident = "Defector"
"#;

    #[test]
    fn a_good_file_reads() {
        let f = TournamentFile::parse(GOOD, "t.toml").unwrap();
        let t = &f.tournament;
        assert_eq!(
            t.players.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["TitForTat", "Defector", "generous"]
        );
        assert_eq!(t.rules, MatchRules { turns: 20, noise: 0.01, continuation: None });
        assert_eq!(f.moran, Some(MoranSpec { population: 10, mutant: 0, resident: 1, runs: 1000 }));
    }

    #[test]
    fn mistakes_are_located_by_line_and_key() {
        let bad = GOOD.replace("\"Defector\"", "\"Defektor\"").replace("noise = 0.01", "noise = 0.7");
        let e = TournamentFile::parse(&bad, "t.toml").unwrap_err();
        let d = e.diagnostics();
        assert_eq!(d.len(), 3, "{e}");
        assert_eq!(d[0].key, "noise");
        assert_eq!(d[0].location.as_ref().unwrap().line, 6);
        assert_eq!(d[1].key, "players[1]");
        assert!(d[1].help.as_deref().unwrap().contains("Defector"), "{e}");
        assert_eq!(d[2].key, "moran.resident");
        let e = TournamentFile::parse(&GOOD.replace("p = 0.1", "p = 2"), "t.toml").unwrap_err();
        assert!(e.to_string().contains("GTFT: `p` must be a probability"), "{e}");
        assert!(e.to_string().contains("t.toml:8:"), "{e}");
        let e = TournamentFile::parse(&GOOD.replace("turns = 20", "turns = 20\nturn = 3"), "t.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field `turn`"), "{e}");
        let e = TournamentFile::parse(&GOOD.replace("\"prisoners_dilemma\"", "\"stag_hunted\""), "t.toml").unwrap_err();
        assert!(e.to_string().contains("stag_hunt"), "{e}");
        let e = TournamentFile::parse(&GOOD.replace("\"Defector\"", "\"TitForTat\""), "t.toml").unwrap_err();
        assert!(e.to_string().contains("two players are named `TitForTat`"), "{e}");
        let e =
            TournamentFile::parse(&GOOD.replace("\"TitForTat\",", "{ strategy = \"TitForTat\", p = 1 },"), "t.toml")
                .unwrap_err();
        assert_eq!(e.diagnostics()[0].key, "players[0].p", "{e}");
    }

    #[test]
    fn a_game_may_be_four_numbers() {
        let f = TournamentFile::parse(
            &GOOD.replace("\"prisoners_dilemma\"", "{ r = 4, s = 1, t = 3, p = 2 }").replace("p = 0.1, ", ""),
            "t.toml",
        );
        let e = f.unwrap_err();
        assert!(e.to_string().contains("give `p`"), "GTFT has no default generosity in a stag hunt: {e}");
        let f =
            TournamentFile::parse(&GOOD.replace("\"prisoners_dilemma\"", "{ r = 4, s = 1, t = 3, p = 2 }"), "t.toml")
                .unwrap();
        assert_eq!(f.tournament.game, Game::preset("stag_hunt").unwrap());
    }
}
